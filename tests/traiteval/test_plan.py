import json
from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.traiteval.contexts import choose_contexts, load_contexts
from tautrait.traiteval.conversations import (
    NEUTRAL,
    Conversation,
    Turn,
    choose_pairs,
    context_seed,
    make_plan,
)
from tautrait.traiteval.settings import PAPER_TRAITS, EvalSettings


def test_the_contexts_file() -> None:
    contexts = load_contexts()
    assert len(contexts) >= 20
    assert len({c.id for c in contexts}) == len(contexts)
    domains = [c.domain for c in contexts]
    for domain in ("telecom", "airline", "retail", "telehealth", "banking", "education"):
        assert domain in domains
    # Every prefix spreads over domains: the first six are six different domains.
    assert len(set(domains[:6])) == 6
    for context in contexts:
        assert context.intent and context.background and context.agent_role
        scenario = context.scenario()
        assert scenario.goal == context.intent and scenario.persona == context.background
    assert [c.id for c in choose_contexts(contexts, 2)] == [c.id for c in contexts[:2]]
    with pytest.raises(UserError, match="only"):
        choose_contexts(contexts, len(contexts) + 1)


def test_a_bad_contexts_file_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "x", "intent": "i"}]))
    with pytest.raises(UserError, match=r"c\.json"):
        load_contexts(path)
    with pytest.raises(UserError, match="not found"):
        load_contexts(tmp_path / "missing.json")


def test_pairs_cover_the_traits_first() -> None:
    traits = list(PAPER_TRAITS)
    assert choose_pairs(traits, 2) == [("impatience", "skepticism"), ("incoherence", "confusion")]
    six = choose_pairs(traits, 6)
    assert len(set(six)) == 6
    with pytest.raises(ValueError):
        choose_pairs(traits, 7)


def test_the_plan_shares_neutral_and_seeds() -> None:
    contexts = load_contexts()[:2]
    plan = make_plan(EvalSettings(pairs=2), contexts)
    keys = [c.key for c in plan.conditions]
    assert keys[0] == NEUTRAL
    assert len(keys) == 1 + 4 * 2 + 2 * 4 == len(set(keys))
    assert "impatience=high,skepticism=medium" in keys
    assert len(plan.conversation_ids()) == 3 * 2 * len(keys)
    assert context_seed(0, "a") == context_seed(0, "a") != context_seed(1, "a")


def test_user_turns_pair_each_reply_with_the_agent_message() -> None:
    conversation = Conversation(
        id="x",
        method="steered",
        context="c",
        condition=NEUTRAL,
        levels={},
        seed=1,
        turns=[Turn("agent", "hi"), Turn("user", "u1"), Turn("agent", "a1"), Turn("user", "u2")],
    )
    assert conversation.user_turns() == [("hi", "u1"), ("a1", "u2")]
    assert Conversation.from_json(conversation.to_json()) == conversation
