"""Did the simulated user stay the customer? A deterministic check on one user turn.

A small user model often slips into the other side's part: it greets like the shop
("How can I help you today?"), says it is the agent or an assistant, offers its help,
asks the agent for the customer's details, or writes both sides of a transcript
("\\n\\nA: ..."). Each pattern below is one such slip, named; :func:`role_breaks` lists
the names a turn matches. The phrases come from transcripts of the embedded SmolLM2
simulator and from the agent lines they imitate; they are anchored on first-person
offers and on the agent's stock lines, so a customer's own request ("can you help me?",
"I need your help") matches none of them (``tests/evaluation/test_roleplay.py`` holds
both sides).

Used by the fault attribution (:mod:`tautrait.evaluation.attribution`) and the realism
diagnostics (:mod:`tautrait.evaluation.realism`), so both count the same turns.
"""

from __future__ import annotations

import re

_I = r"(?:i'm|i am|i’m|im)"

ROLE_BREAK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # "I'm your agent", "I am the support assistant", "I'm a customer service rep".
        (
            "claims the agent's role",
            rf"\b{_I} (?:your|the|an?)\s+(?:\w+\s+){{0,2}}?"
            r"(?:agent|assistant|representative|rep|advisor|specialist)\b",
        ),
        ("denies being the customer", rf"\b{_I} not (?:a|the|your) (?:customer|client|user)\b"),
        # "How can I help you today?", "How may I assist you?", "What can I do for you?"
        (
            "offers help like the agent",
            r"\b(?:how|what) (?:can|may|could) i (?:help|assist|do for)\b"
            rf"|\b{_I} (?:here|happy|glad|ready|able|pleased) to (?:help|assist)\b"
            r"|\bi (?:can|could|will|would be happy to) (?:help|assist) you\b"
            r"|\bis there anything (?:else )?i can\b"
            r"|\bif you have any (?:more |other |further )?questions\b"
            r"|\bif you need anything else\b(?! from me)",
        ),
        (
            "speaks as an AI",
            r"\bas an ai\b"
            r"|\b(?:i'm|i am) (?:an? )?(?:ai|language model|virtual assistant|chatbot|bot)\b",
        ),
        (
            "welcomes the customer",
            r"\bthank you for (?:contacting|reaching out|calling|your visit|choosing|shopping)\b"
            r"|\bwelcome to\b",
        ),
        # Asking for *your* email / order id is the agent's line, not the customer's.
        (
            "asks for the customer's details",
            r"\b(?:provide|give|share|confirm|tell me|send)\s+(?:me\s+)?(?:with\s+)?your\s+"
            r"(?:full name|name|e-?mail|zip|postal code|order (?:id|number)|user id|"
            r"account (?:id|number)|phone number)\b",
        ),
        # A turn that writes a transcript: "\n\nA: ...", "Agent: ...", "User: ...".
        (
            "writes the other side's lines",
            r"(?:^|\n)\s*(?:a|q|agent|assistant|support|user|customer|human)\s*:\s",
        ),
    )
)
"""(reason, pattern): each a way the user steps out of the customer's part."""


def role_breaks(text: str) -> list[str]:
    """The names of :data:`ROLE_BREAK_PATTERNS` that ``text`` matches (empty: in role).

    A turn is judged alone, never against the conversation: the same words are a
    slip whoever they follow.
    """
    return [name for name, pattern in ROLE_BREAK_PATTERNS if pattern.search(text or "")]
