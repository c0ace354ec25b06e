"""Rewriting existing user prompts with a trait, keeping their intent (seed paper 000,
section 5: the BFCL application).

Each user message is given to the trait user with an instruction to restate it in its
own words while keeping every detail; the steered (or mixed, or prompted) model then
writes it *with* the trait. Whether the details survived is checked mechanically: every
number and identifier-like token of the original must reappear in the rewrite.
"""

from __future__ import annotations

import re
from typing import Any

REWRITE_SYSTEM = (
    "You are a customer. Rewrite the customer's message below the way you would write it "
    "yourself. Keep the same request and every detail exactly: names, numbers, ids, dates "
    "and amounts. Write only the rewritten message."
)

_DETAIL = re.compile(r"[A-Za-z]*\d[\w.\-/:#]*|#\w+|\b[A-Z]{2,}\w*\b")
_MESSAGE_LISTS = ("messages", "turns", "conversation")
_TEXT_FIELDS = ("prompt", "query", "text", "content", "question", "instruction")


def details(text: str) -> set[str]:
    """Numbers and identifier-like tokens a faithful rewrite must keep."""
    return {m.group(0).rstrip(".,") for m in _DETAIL.finditer(text)}


def kept_details(original: str, rewrite: str) -> bool:
    return all(d in rewrite for d in details(original))


def _user_turns(messages: list[Any]) -> list[tuple[dict[str, Any], str]]:
    return [
        (m, "content")
        for m in messages
        if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)
    ]


def user_texts(item: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Places holding user messages in a JSONL record, as (container, key) pairs:
    BFCL's ``question`` (a list of turns of messages), message lists, or a text field."""
    places: list[tuple[dict[str, Any], str]] = []
    question = item.get("question")
    if isinstance(question, list):
        for turn in question:
            messages = turn if isinstance(turn, list) else [turn]
            places += _user_turns(messages)
        if places:
            return places
    for key in _MESSAGE_LISTS:
        value = item.get(key)
        if isinstance(value, list):
            places += _user_turns(value)
    if places:
        return places
    for key in _TEXT_FIELDS:
        if isinstance(item.get(key), str):
            return [(item, key)]
    return []
