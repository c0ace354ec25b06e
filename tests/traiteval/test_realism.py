"""Realism per ``traits eval`` method: each method's own conversations, its context's facts."""

import pytest

from tautrait.traiteval.contexts import EvalContext
from tautrait.traiteval.conversations import Conversation, Plan, Turn
from tautrait.traiteval.realism import method_realism

CONTEXT = EvalContext(
    id="telecom-bill",
    domain="telecom",
    organization="Northwave Mobile",
    agent_role="a billing agent",
    intent="You want the 86.40 roaming charge removed.",
    background="You are Dana Okafor.",
    details="Account number NW-55120.",
)


def _conversation(method: str, *users: str, error: str | None = None) -> Conversation:
    turns = []
    for text in users:
        turns += [Turn("agent", "How can I help?"), Turn("user", text)]
    return Conversation(
        id=f"{method}/x/{len(users)}",
        method=method,
        context=CONTEXT.id,
        condition="neutral",
        levels={},
        seed=1,
        turns=turns,
        error=error,
    )


def test_each_method_on_its_own_conversations() -> None:
    plan = Plan(
        methods=["steered", "prompt"], contexts=[CONTEXT], traits=[], pairs=[], conditions=[]
    )
    conversations = [
        _conversation("steered", "Remove the 86.40 charge on NW-55120 please.", "Thanks."),
        _conversation("steered", "I'm your agent. How can I assist you today?"),
        _conversation("prompt", "Hello, I have a billing problem."),
        _conversation("prompt", "never counted", error="provider down"),
    ]
    figures = method_realism(plan, conversations)
    steered, prompt = figures["steered"], figures["prompt"]
    assert steered["conversations"] == 2 and steered["user_turns"] == 3
    assert steered["role_break_turns"] == 1
    assert steered["role_break_share"] == pytest.approx(1 / 3)
    # facts 86.40 and NW-55120: the first conversation gives both up front, the second none
    assert steered["front_loading"] == pytest.approx(0.5)
    assert prompt["conversations"] == 1 and prompt["front_loading"] == 0.0
    assert prompt["words_mean"] == pytest.approx(6.0)
