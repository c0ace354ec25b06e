"""The role-break check: what the embedded simulator really said, and what a customer says."""

import pytest

from tautrait.evaluation.roleplay import role_breaks

# Lines the embedded SmolLM2 simulator wrote as the customer in demo runs.
SLIPS = [
    ("I'm your agent. How can I assist you today?", "claims the agent's role"),
    ("Hi, it's Aziza. Hello, I'm your agent.", "claims the agent's role"),
    ("Fernwick Market, hello there. How can I help you today?", "offers help like the agent"),
    (
        "I'm sorry for the misunderstanding. I'm here to help with any way you can.",
        "offers help like the agent",
    ),
    ("By the way, I'm your local, and I'm happy to assist you.", "offers help like the agent"),
    (
        "It's an error, and I've fixed it. If you have any more questions or need more "
        "information about the products, I can help with that.",
        "offers help like the agent",
    ),
    ("I'm sorry, but I'm not a customer. I'm a customer.", "denies being the customer"),
    ("It's an off-day.\n\nA: I'm sorry, but I'm not a customer.", "writes the other side's lines"),
    ("Fernwick Market, thank you for your visit.", "welcomes the customer"),
    ("Can you please confirm your email address?", "asks for the customer's details"),
    ("As an AI language model, I cannot have orders.", "speaks as an AI"),
    ("I am the support assistant for this store.", "claims the agent's role"),
    ("Is there anything else I can do?", "offers help like the agent"),
]

# What a customer says: none of these may count as a slip.
IN_ROLE = [
    "Hi, I'd like to return the hammock from order KL-756400.",
    "Can you help me? I need your help with a refund.",
    "My email is abel_alemu@example.org and my zip is 64333.",
    "Thank you, that is all I needed.",
    "I'm not your agent, I'm your customer.",
    "Could you tell me how much I paid for it?",
    "I'm happy with that, please go ahead.",
    "Which card did you charge? I need to know.",
    "If you need anything else from me, ask.",
    "Plan A: cancel it. Plan B: keep it.",
    "I'm a geologist from Florida and I want my money back.",
    "",
]


@pytest.mark.parametrize(("text", "reason"), SLIPS)
def test_slips_are_caught_with_their_reason(text: str, reason: str) -> None:
    assert reason in role_breaks(text)


@pytest.mark.parametrize("text", IN_ROLE)
def test_customer_lines_are_in_role(text: str) -> None:
    assert role_breaks(text) == []
