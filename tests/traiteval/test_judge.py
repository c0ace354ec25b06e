"""Strict parsing of judge responses, scored through the scripted provider like a real judge."""

import asyncio
from typing import Any

import pytest

from tautrait.llm import complete
from tautrait.scripted import register_script
from tautrait.steering.traits import load_definitions
from tautrait.traiteval.judge import (
    JudgeItem,
    final_answer,
    parse_choice,
    parse_traits,
    score_item,
)

CHOICES = ("1", "2", "same", "absent")
TRAITS = ["impatience", "skepticism", "incoherence", "confusion"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Conversation 2 pushes harder.\nANSWER: 2", "2"),
        ("reasoning...\n\nanswer: Same\n", "same"),
        ("**ANSWER: 1**", "1"),
        ("ANSWER: absent.", "absent"),
        ("ANSWER: 1\nLooking again, yes.\nANSWER: 1", "1"),
    ],
)
def test_valid_choices(text: str, value: str) -> None:
    assert parse_choice(text, CHOICES).value == value


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty response"),
        ("I think conversation 1 is stronger.", "no ANSWER line"),
        ("ANSWER: 1\nbecause it is more urgent", "the ANSWER line is not the last line"),
        ("ANSWER: 1\nHmm, no.\nANSWER: 2", "conflicting ANSWER lines"),
        ("ANSWER: 1 or 2", "answer '1 or 2' is not one of 1, 2, same, absent"),
        ("ANSWER: Conversation 1", "is not one of"),
        ("ANSWER: neither", "is not one of"),
        ("ANSWER:", "empty ANSWER"),
    ],
)
def test_invalid_and_ambiguous_choices(text: str, error: str) -> None:
    parsed = parse_choice(text, CHOICES)
    assert parsed.value is None
    assert parsed.error is not None and error in parsed.error


def test_trait_pairs_are_parsed_strictly() -> None:
    definitions = load_definitions()
    assert parse_traits("ANSWER: Confusion, impatience", TRAITS, definitions).value == (
        "confusion,impatience"
    )
    # Aliases of a listed trait are the same trait, not a guess.
    assert parse_traits("ANSWER: skeptical, incoherent", TRAITS, definitions).value == (
        "incoherence,skepticism"
    )
    for text, error in [
        ("ANSWER: confusion", "exactly two"),
        ("ANSWER: confusion, confusion", "exactly two"),
        ("ANSWER: confusion, impatience, skepticism", "exactly two"),
        ("ANSWER: confusion and impatience", "not one of the listed traits"),
        ("ANSWER: confusion, frustration", "'frustration' is not one of the listed traits"),
    ]:
        parsed = parse_traits(text, TRAITS, definitions)
        assert parsed.value is None and parsed.error is not None and error in parsed.error, text


def _item(protocol: str, **kw: Any) -> JudgeItem:
    base: dict[str, Any] = {
        "protocol": protocol,
        "id": "x",
        "methods": ["steered"],
        "context": "c",
        "trait": "impatience",
        "level": "high",
        "shown": ["a", "b"],
        "expected": None,
        "prompt": "",
    }
    base.update(kw)
    return JudgeItem(**base)


REPLIES = {
    "valid": "The second one keeps pushing for speed.\nANSWER: 2",
    "invalid": "Conversation 2, clearly.",
    "ambiguous": "ANSWER: 1\nOn reflection the other.\nANSWER: 2",
}


def _scripted_judge(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    return {"content": REPLIES[messages[-1]["content"]]}


register_script("traiteval-parse", _scripted_judge)


def _ask(kind: str) -> str:
    async def go() -> str:
        return (
            await complete("scripted/traiteval-parse", [{"role": "user", "content": kind}])
        ).content

    return asyncio.run(go())


def test_scripted_judge_replies_are_scored_or_counted_unparsable() -> None:
    definitions = load_definitions()
    outcomes = {}
    for kind in REPLIES:
        item = _item("fidelity", shown=["low", "high"], expected="2")
        item.response = _ask(kind)
        score_item(item, definitions, TRAITS)
        outcomes[kind] = (item.outcome, item.answer, item.parse_error)
    assert outcomes["valid"] == ("correct", "2", None)
    assert outcomes["invalid"] == (None, None, "no ANSWER line")
    assert outcomes["ambiguous"] == (None, None, "conflicting ANSWER lines")


def test_outcomes_map_the_shown_order() -> None:
    definitions = load_definitions()
    # Stability: choosing the excerpt shown first, which is the end, means escalation.
    item = _item("stability", shown=["end", "start"], response="ANSWER: 1")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "escalates"
    item = _item("stability", shown=["end", "start"], response="ANSWER: 2")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "fades"
    item = _item("stability", response="ANSWER: same")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "consistent"
    # Fidelity: an abstention is its own outcome, not a guess.
    item = _item("fidelity", expected="1", response="ANSWER: same")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "same"
    # Realism: the winner is the method shown at the chosen position.
    item = _item("realism", methods=["prompt", "steered"], response="ANSWER: 2")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "steered"
    item = _item("realism", methods=["prompt", "steered"], response="ANSWER: neither")
    score_item(item, definitions, TRAITS)
    assert item.outcome == "draw"
    # Compositionality: exact, partial, miss.
    for answer, outcome in [
        ("impatience, confusion", "exact"),
        ("impatience, skepticism", "partial"),
        ("skepticism, incoherence", "miss"),
    ]:
        item = _item("compositionality", trait="confusion,impatience", response=f"ANSWER: {answer}")
        score_item(item, definitions, TRAITS)
        assert item.outcome == outcome, answer


def test_final_answer_requires_the_last_line() -> None:
    assert final_answer("ANSWER: 1").value == "1"
    assert final_answer("ANSWER: 1\n\n   \n").value == "1"
    assert final_answer("The ANSWER: 1 is my pick").value is None


def _synthetic(plan: Any, broken: str | None = None) -> list[Any]:
    from tautrait.traiteval.conversations import Conversation, Turn

    out = []
    for method, context, condition in plan.conversation_ids():
        turns = [Turn("agent", "hello")]
        for i in range(4):
            turns += [Turn("user", f"{condition.key} says {i}"), Turn("agent", "ok")]
        conversation = Conversation(
            id=f"{method}/{context.id}/{condition.key}",
            method=method,
            context=context.id,
            condition=condition.key,
            levels=dict(condition.levels),
            seed=1,
            turns=turns[:-1],
        )
        if conversation.id == broken:
            conversation.error = "InfraError: boom"
        out.append(conversation)
    return out


def test_items_show_what_they_claim_in_a_seeded_order() -> None:
    from tautrait.traiteval.contexts import load_contexts
    from tautrait.traiteval.conversations import make_plan
    from tautrait.traiteval.judge import build_items
    from tautrait.traiteval.settings import EvalSettings

    definitions = load_definitions()
    settings = EvalSettings(methods=["steered", "prompt"], traits=TRAITS[:3], pairs=1)
    plan = make_plan(settings, load_contexts()[:1])
    conversations = _synthetic(plan)
    items, skipped = build_items(plan, conversations, definitions, seed=3)
    assert skipped == dict.fromkeys(skipped, 0)
    by_protocol: dict[str, list[JudgeItem]] = {}
    for item in items:
        by_protocol.setdefault(item.protocol, []).append(item)
    assert {k: len(v) for k, v in by_protocol.items()} == {
        "fidelity": 2 * 3,
        "stability": 2 * 3 * 2,
        "compositionality": 2 * 4,
        "realism": 1 * 3 * 2,
    }
    for item in by_protocol["fidelity"]:
        high = item.shown[int(item.expected or "0") - 1]
        assert high.endswith(f"{item.trait}=high")
        # The conversation shown first is the one rendered first.
        first = item.prompt.index("=== Conversation 1 ===")
        second = item.prompt.index("=== Conversation 2 ===")
        label = item.shown[0].split("/")[-1]
        assert first < item.prompt.index(f"{label} says 0") < second
    for item in by_protocol["stability"]:
        # Four user turns: the start is turns 0-1, the end turns 2-3 (no overlap).
        start_shown_first = item.shown[0] == "start"
        body = item.prompt.split("=== Excerpt 2 ===")[0]
        assert ("says 0" in body) == start_shown_first and ("says 3" in body) != start_shown_first
        assert "Agent:" not in item.prompt
    orders = [tuple(i.shown) for i in items if i.protocol != "compositionality"]
    assert len(set(orders)) > 2  # both orders occur
    again, _ = build_items(plan, conversations, definitions, seed=3)
    assert [i.shown for i in again] == [i.shown for i in items]
    assert [i.prompt for i in again] == [i.prompt for i in items]
    other, _ = build_items(plan, conversations, definitions, seed=4)
    assert [i.shown for i in other] != [i.shown for i in items]


def test_items_needing_a_failed_conversation_are_skipped() -> None:
    from tautrait.traiteval.contexts import load_contexts
    from tautrait.traiteval.conversations import make_plan
    from tautrait.traiteval.judge import build_items, summarise
    from tautrait.traiteval.settings import EvalSettings

    settings = EvalSettings(methods=["steered", "prompt"], traits=TRAITS[:3], pairs=1)
    plan = make_plan(settings, load_contexts()[:1])
    context = plan.contexts[0].id
    conversations = _synthetic(plan, broken=f"steered/{context}/neutral")
    items, skipped = build_items(plan, conversations, load_definitions(), seed=0)
    # The neutral conversation is the low end of every fidelity pair of its method.
    assert skipped == {"fidelity": 3, "stability": 0, "compositionality": 0, "realism": 0}
    summary = summarise(items, plan, settings, skipped)
    assert summary["fidelity"]["skipped"] == 3
    assert summary["fidelity"]["by_method"]["steered"]["items"] == 0
    assert summary["fidelity"]["by_method"]["prompt"]["accuracy"] is None  # nothing answered
