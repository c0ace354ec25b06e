"""Fault attribution on hand-built trajectories: one per kind, and the edges between them."""

from __future__ import annotations

import json
from typing import Any

from tautrait.domain.backend import RewardBreakdown
from tautrait.domain.tasks import GoldAction, Task, UserScenario
from tautrait.evaluation.attribution import attribute, mentions, needed_facts, scenario_facts

WRITES = frozenset({"cancel_pending_order"})

TASK = Task(
    id="t-cancel",
    scenario=UserScenario(
        persona="You are Larissa Haddad, a geologist.",
        goal="Cancel your pending order KL-201153: you no longer need it. Ask for the refund.",
        known_info="Your email is haddad.larissa74@example.net. Order KL-201153.",
        withheld="Your PIN is 99887766.",
    ),
    gold_actions=[
        GoldAction(name="find_user_id_by_email", kwargs={"email": "haddad.larissa74@example.net"}),
        GoldAction(name="get_order_details", kwargs={"order_id": "KL-201153"}),
        GoldAction(
            name="cancel_pending_order",
            kwargs={"order_id": "KL-201153", "reason": "no longer needed"},
        ),
        GoldAction(name="check_pin", kwargs={"pin": "99887766"}),
    ],
    required_outputs=["289.99"],
)

FAILED = RewardBreakdown(
    reward=0.0, db_match=False, final_hash="a", gold_hash="b", outputs={"289.99": False}
)


def call(name: str, args: dict[str, Any], outcome: str = "ok", n: int = 0) -> list[dict[str, Any]]:
    cid = f"c{n}_{name}"
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
            ],
        },
        {"role": "tool", "tool_call_id": cid, "name": name, "content": "{}", "outcome": outcome},
    ]


def convo(*parts: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"role": "system", "content": "policy"},
        {"role": "assistant", "content": "Hi! How can I help you today?"},
    ]
    for part in parts:
        if isinstance(part, list):
            out += part
        elif part.startswith("A:"):
            out.append({"role": "assistant", "content": part[2:].strip()})
        else:
            out.append({"role": "user", "content": part})
    return out


GOOD_USER = "Hi, I want to cancel order KL-201153. My email is haddad.larissa74@example.net."


def test_needed_facts_are_gold_values_the_scenario_holds() -> None:
    facts = {f.value: f.where for f in needed_facts(TASK)}
    # the reason is no identifier; the PIN is only withheld, so it is not the user's to give
    assert facts == {
        "haddad.larissa74@example.net": "find_user_id_by_email.email",
        "KL-201153": "get_order_details.order_id",
    }
    volunteered = {f.value: f.volunteered for f in needed_facts(TASK)}
    # the order id is in the goal (said unasked); the email only in what it says if asked
    assert volunteered == {"haddad.larissa74@example.net": False, "KL-201153": True}
    assert scenario_facts(TASK.scenario) == ["KL-201153", "haddad.larissa74@example.net"]
    assert mentions("order kl 201153 please", "KL-201153")
    assert not mentions("order 20115", "KL-201153")


def test_role_break_is_the_simulators_fault() -> None:
    messages = convo(
        "I'm your agent. How can I assist you today?",
        "A: Could you give me your order id?",
        "How can I help you today?",
        "A: Please hold on.",
        "Bye.",
    )
    verdict = attribute(messages, termination="user_stop", task=None, breakdown=FAILED)
    assert verdict.kind == "simulator"
    assert verdict.agent == []
    assert any("claims the agent's role" in r and "turn 1" in r for r in verdict.simulator)
    assert any("offers help like the agent" in r and "turns 1, 2" in r for r in verdict.simulator)


def test_a_withheld_fact_is_the_simulators_fault_unless_the_agent_found_it() -> None:
    messages = convo(
        "Hi, I want to cancel an order, KL-201153.",
        "A: I can only find you by email.",
        "I don't want to say.",
        "A: Then I cannot help.",
        "Bye.",
    )
    verdict = attribute(
        messages, termination="user_stop", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "simulator"
    assert verdict.simulator == [
        "never gave 'haddad.larissa74@example.net' (needed by find_user_id_by_email.email; "
        "the agent asked for it)"
    ]
    # the same user, but the agent looked the email up by itself: not held up
    found = convo(
        "Hi, I want to cancel an order, KL-201153.",
        call("find_user_id_by_email", {"email": "haddad.larissa74@example.net"}),
        "A: Done.",
        "Bye.",
    )
    verdict = attribute(
        found, termination="user_stop", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "agent"
    assert verdict.agent == [
        "did not make the gold write cancel_pending_order",
        "did not say the required output '289.99'",
    ]


def test_a_fact_the_agent_never_asked_for_is_the_agents_fault() -> None:
    # the email is only the user's to give when asked, and nobody asked
    never_asked = convo("Hi, I want to cancel an order.", "A: Sorry, I cannot help with that.")
    verdict = attribute(
        never_asked, termination="max_steps", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.agent[0] == (
        "never asked for the email 'haddad.larissa74@example.net' (needed by "
        "find_user_id_by_email.email), which the user knew"
    )
    # the order id is in the user's goal: not saying it is the user's fault either way
    assert verdict.simulator == [
        "never gave 'KL-201153' (needed by get_order_details.order_id; its goal states it)"
    ]
    assert verdict.kind == "both"


def test_stopping_while_the_agent_waits_is_the_simulators_fault() -> None:
    messages = convo(
        GOOD_USER,
        call("find_user_id_by_email", {"email": "haddad.larissa74@example.net"}),
        "A: I found order KL-201153. Shall I cancel it because you no longer need it?",
        "Thanks, bye.",
    )
    verdict = attribute(
        messages, termination="user_stop", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "simulator"
    assert verdict.simulator == [
        "stopped while the agent waited on its answer (write cancel_pending_order, output "
        "'289.99' not done)"
    ]
    # the same stop after the agent said it was done is the agent's failure
    closed = [
        *messages[:-2],
        {"role": "assistant", "content": "Your order is cancelled."},
        {"role": "user", "content": "Thanks, bye."},
    ]
    verdict = attribute(
        closed, termination="user_stop", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "agent"
    assert verdict.simulator == []


def test_stopping_in_the_first_turn() -> None:
    messages = convo("Bye.")
    verdict = attribute(messages, termination="user_stop", task=TASK, breakdown=FAILED)
    assert verdict.kind == "simulator"
    assert "stopped in its first turn" in verdict.simulator


def test_wrong_write_with_every_fact_given_is_the_agents_fault() -> None:
    messages = convo(
        GOOD_USER,
        call("find_user_id_by_email", {"email": "haddad.larissa74@example.net"}),
        call(
            "cancel_pending_order", {"order_id": "KL-201153", "reason": "ordered by mistake"}, n=1
        ),
        call("get_order_details", {"order_id": "KL-999999"}, outcome="error", n=2),
        "A: Cancelled.",
        "Thank you.",
    )
    verdict = attribute(
        messages, termination="max_steps", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "agent"
    assert verdict.simulator == []
    assert verdict.agent[0].startswith("made a write that is no gold action: cancel_pending_order(")
    assert any(r.startswith("a tool call failed: get_order_details(") for r in verdict.agent)
    # the step budget ran out with the gold write and the output still missing
    assert verdict.agent[-1] == (
        "ran out of steps (max_steps) with write cancel_pending_order, output '289.99' not done"
    )
    assert set(verdict.checks) == {"role", "stop", "errors", "facts", "writes", "outputs"}


def test_both_sides_at_fault() -> None:
    messages = convo(
        GOOD_USER,
        call("cancel_pending_order", {"order_id": "KL-201153", "reason": "other"}),
        "A: Done.",
        "How can I help you today?",
    )
    verdict = attribute(
        messages, termination="max_steps", task=TASK, breakdown=FAILED, write_tools=WRITES
    )
    assert verdict.kind == "both"
    assert verdict.simulator and verdict.agent
    assert verdict.reasons()[0].startswith("simulator: broke role")


def test_an_unexpected_hand_off_is_the_agents() -> None:
    handed = FAILED.model_copy(update={"transferred": True, "transfer_expected": False})
    verdict = attribute(
        convo(GOOD_USER, "A: Transferring you."), termination="transfer", breakdown=handed
    )
    assert verdict.kind == "agent"
    assert "handed off to a human, which the task does not expect" in verdict.agent


def test_without_task_or_write_flags_the_checks_that_need_them_are_skipped() -> None:
    messages = convo("Hello there.", "A: Bye.")
    verdict = attribute(messages, termination="max_steps")
    assert verdict.kind == "agent"
    assert verdict.checks == ["role", "stop", "errors"]
    assert verdict.agent == ["the user did its part; the conversation ended by max_steps"]
    verdict = attribute(messages, termination="max_steps", task=TASK, breakdown=FAILED)
    assert "writes" not in verdict.checks and "facts" in verdict.checks
