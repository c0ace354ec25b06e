"""One test per hard rule of domains/telecom/policy.md, showing the tools enforce it.

Each test is named after its rule (``test_R4_...``); the last test checks that every
``[Rn]`` in policy.md has one. A refused call must be an "error" that cites the rule and
writes nothing: SQLite's ``total_changes`` counter (rows inserted, updated or deleted on
the episode's connection, even if rolled back later) must not move. The full state-hash
comparison lives in test_telecom_tools.py; this cheaper check keeps the suite fast.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tests.domains.calls import luhn, ok
from tests.domains.grading import check_writes_need_authentication, signed_in

DOMAIN = load_domain("telecom")
CUSTOMERS = {
    c["account_id"]: c for c in json.loads((DOMAIN.path / "data" / "customers.json").read_text())
}


def fresh() -> Environment:
    """A fresh episode with every account verified (authentication is tested in
    test_telecom_policy.py)."""
    return signed_in(DOMAIN, "customers", "account_id")


def changes(env: Environment) -> int:
    with env.engine.connect() as conn:
        return int(conn.connection.driver_connection.total_changes)  # type: ignore[union-attr]


def refused(env: Environment, rule: str, name: str, **kwargs: Any) -> str:
    before = changes(env)
    result = env.execute(name, kwargs)
    assert result.outcome == "error", result.content
    assert f"({rule})" in result.content, result.content
    assert changes(env) == before, f"{name} wrote before refusing"
    return result.content


def test_R1_identity_needs_pin_or_unexpired_card() -> None:
    env = fresh()
    pin = CUSTOMERS["AC549354"]["pin"]
    wrong = "0000" if pin != "0000" else "1111"
    refused(env, "R1", "verify_identity", account_id="AC549354", pin=wrong)
    refused(env, "R1", "verify_identity", account_id="AC549354", card_last4="2670")  # expired
    refused(env, "R1", "verify_identity", account_id="AC123370", card_last4="8627")  # bank
    assert ok(env, "verify_identity", account_id="AC549354", pin=pin)["verified"]
    assert ok(env, "verify_identity", account_id="AC549354", card_last4="1395")["verified"]


def test_R1_changes_need_the_account_verified_in_this_conversation() -> None:
    env = Environment(DOMAIN)
    pin = CUSTOMERS["AC549354"]["pin"]
    refused(
        env, "R1", "verify_identity", account_id="AC549354", pin="0000" if pin != "0000" else "1111"
    )
    assert env.auth.verified == frozenset()
    refused(env, "R1", "cancel_autopay", account_id="AC549354")
    ok(env, "verify_identity", account_id="AC549354", pin=pin)
    assert env.auth.verified == {"AC549354"}
    check_writes_need_authentication(DOMAIN, ("verify_identity",), stranger="AC000000")


def test_R2_everything_acted_on_belongs_to_the_account() -> None:
    env = fresh()
    refused(
        env, "R2", "change_plan", account_id="AC731350", line_id="LN34109", new_plan_id="MOB-HZN"
    )
    refused(env, "R2", "get_invoice", account_id="AC681829", invoice_id="INV4141439")
    refused(
        env,
        "R2",
        "make_payment",
        account_id="AC186528",
        invoice_id="INV4141439",
        method_id="PM45717",
        amount=10.0,
    )
    refused(env, "R2", "close_ticket", account_id="AC306500", ticket_id="TK83366")
    refused(
        env, "R2", "pay_off_device", account_id="AC808289", device_id="DV33163", method_id="PM45717"
    )


def test_R3_plan_must_be_offered_for_the_line_type_and_new() -> None:
    env = fresh()
    args = {"account_id": "AC731350", "line_id": "LN53458"}
    refused(env, "R3", "change_plan", new_plan_id="HOM-FIBER300", **args)
    refused(env, "R3", "change_plan", new_plan_id="MOB-TALKTXT", **args)
    refused(env, "R3", "change_plan", new_plan_id="MOB-SPARK15", **args)
    ok(env, "change_plan", new_plan_id="MOB-HZN", **args)


def test_R4_no_plan_change_or_new_addon_while_overdue() -> None:
    env = fresh()
    refused(
        env,
        "R4",
        "change_plan",
        account_id="AC709484",
        line_id="LN48959",
        new_plan_id="MOB-SPARK15",
    )
    refused(
        env, "R4", "add_addon", account_id="AC709484", line_id="LN65583", addon_id="ADD-CLOUD200"
    )
    overdue = next(
        i
        for i in ok(env, "get_account_details", account_id="AC709484")["invoices"]
        if i["status"] == "overdue"
    )
    ok(
        env,
        "make_payment",
        account_id="AC709484",
        invoice_id=overdue["invoice_id"],
        method_id="PM11404",
        amount=float(overdue["balance"]),
    )
    ok(env, "change_plan", account_id="AC709484", line_id="LN48959", new_plan_id="MOB-SPARK15")


def test_R5_one_plan_change_per_30_days() -> None:
    env = fresh()
    refused(
        env,
        "R5",
        "change_plan",
        account_id="AC306500",
        line_id="LN18933",
        new_plan_id="MOB-SPARK15",
    )
    ok(env, "change_plan", account_id="AC731350", line_id="LN53458", new_plan_id="MOB-SPARK5")
    refused(
        env, "R5", "change_plan", account_id="AC731350", line_id="LN53458", new_plan_id="MOB-HZN"
    )


def test_R6_suspended_line_is_frozen_except_sim_swap() -> None:
    env = fresh()
    args = {"account_id": "AC355761", "line_id": "LN46784"}
    refused(env, "R6", "change_plan", new_plan_id="MOB-HZN", **args)
    refused(env, "R6", "add_addon", addon_id="ADD-INTLCALL", **args)
    refused(env, "R6", "remove_addon", line_addon_id="LA30783", **args)
    ok(env, "swap_sim", new_iccid=luhn("891427000000654321"), **args)


def test_R7_suspend_only_active_resume_non_payment_only_when_paid() -> None:
    env = fresh()
    refused(
        env, "R7", "suspend_line", account_id="AC355761", line_id="LN46784", reason="lost_or_stolen"
    )
    refused(env, "R7", "resume_line", account_id="AC731350", line_id="LN53458")
    refused(env, "R7", "resume_line", account_id="AC240621", line_id="LN87946")
    invoices = ok(env, "get_account_details", account_id="AC240621")["invoices"]
    overdue = [i for i in invoices if i["status"] == "overdue"]
    ok(
        env,
        "make_payment",
        account_id="AC240621",
        invoice_id=overdue[0]["invoice_id"],
        method_id="PM24277",
        amount=float(overdue[0]["balance"]),
    )
    refused(env, "R7", "resume_line", account_id="AC240621", line_id="LN87946")
    ok(
        env,
        "make_payment",
        account_id="AC240621",
        invoice_id=overdue[1]["invoice_id"],
        method_id="PM24277",
        amount=float(overdue[1]["balance"]),
    )
    assert ok(env, "resume_line", account_id="AC240621", line_id="LN87946")["status"] == "active"


def test_R8_addons_compatible_offered_single_and_passes_in_window() -> None:
    env = fresh()
    args = {"account_id": "AC810156", "line_id": "LN80134"}
    refused(env, "R8", "add_addon", addon_id="ADD-MESH", **args)
    refused(env, "R8", "add_addon", addon_id="ADD-VOICEMAIL", **args)
    refused(env, "R8", "add_addon", addon_id="RP-EU7", start_date="2026-06-01", **args)
    refused(env, "R8", "add_addon", addon_id="RP-EU7", start_date="2026-08-10", **args)
    refused(
        env, "R8", "add_addon", account_id="AC157126", line_id="LN19731", addon_id="ADD-CALLGUARD"
    )
    refused(
        env,
        "R8",
        "add_addon",
        account_id="AC442725",
        line_id="LN58728",
        addon_id="RP-EU7",
        start_date="2026-06-20",
    )
    ok(env, "add_addon", addon_id="RP-EU7", start_date="2026-08-09", **args)


def test_R9_started_roaming_pass_cannot_be_removed() -> None:
    env = fresh()
    refused(
        env, "R9", "remove_addon", account_id="AC303386", line_id="LN89864", line_addon_id="LA91999"
    )
    refused(
        env, "R9", "remove_addon", account_id="AC652372", line_id="LN40489", line_addon_id="LA60163"
    )  # starts today
    ok(env, "remove_addon", account_id="AC509853", line_id="LN80417", line_addon_id="LA36238")


def test_R10_credits_only_for_documented_outages_and_billing_errors() -> None:
    env = fresh()
    base = {"account_id": "AC868469", "invoice_id": "INV6986159", "reason": "outage"}
    refused(
        env, "R10", "apply_bill_credit", amount=2.01, line_id="LN94318", outage_id="OUT7393", **base
    )  # above 2 days x 30.00 / 30
    refused(
        env, "R10", "apply_bill_credit", amount=1.0, line_id="LN94318", outage_id="OUT7150", **base
    )  # another zip
    refused(
        env, "R10", "apply_bill_credit", amount=1.0, line_id="LN94318", outage_id="OUT6497", **base
    )  # ended more than 60 days ago
    refused(
        env,
        "R10",
        "apply_bill_credit",
        account_id="AC120386",
        invoice_id="INV4372758",
        reason="outage",
        amount=1.0,
        line_id="LN88811",
        outage_id="OUT6862",
    )  # ongoing
    invoice = ok(env, "get_invoice", account_id="AC306530", invoice_id="INV5884822")
    fee = next(i for i in invoice["items"] if i["description"] == "Late payment fee")
    refused(
        env,
        "R10",
        "apply_bill_credit",
        account_id="AC306530",
        invoice_id="INV5884822",
        reason="billing_error",
        amount=7.5,
        item_id=fee["item_id"],
    )  # already credited
    ok(env, "apply_bill_credit", amount=2.0, line_id="LN94318", outage_id="OUT7393", **base)
    refused(
        env, "R10", "apply_bill_credit", amount=1.0, line_id="LN94318", outage_id="OUT7393", **base
    )  # once per line per outage


def test_R11_credit_limits_per_invoice_and_per_year() -> None:
    env = fresh()
    refused(
        env,
        "R11",
        "apply_bill_credit",
        account_id="AC868469",
        invoice_id="INV1465404",
        reason="billing_error",
        amount=1.0,
        item_id="II000000",
    )  # issued > 60 days ago
    may = ok(env, "get_invoice", account_id="AC773264", invoice_id="INV6632672")
    plan = [i for i in may["items"] if i["description"] == "Spark 15 plan, 619-959-4777"][1]
    assert "at most 30.00 more" in refused(
        env,
        "R11",
        "apply_bill_credit",
        account_id="AC773264",
        invoice_id="INV6632672",
        reason="billing_error",
        amount=35.0,
        item_id=plan["item_id"],
    )
    # 75.00 per 365 days (AC945652 already received 41.17)
    april = ok(env, "get_invoice", account_id="AC945652", invoice_id="INV1241876")
    big = next(i for i in april["items"] if float(i["amount"]) >= 30)
    ok(
        env,
        "apply_bill_credit",
        account_id="AC945652",
        invoice_id="INV1241876",
        reason="billing_error",
        amount=30.0,
        item_id=big["item_id"],
    )
    may2 = ok(env, "get_invoice", account_id="AC945652", invoice_id="INV3543739")
    item = next(i for i in may2["items"] if float(i["amount"]) >= 5)
    assert "at most 3.83 more" in refused(
        env,
        "R11",
        "apply_bill_credit",
        account_id="AC945652",
        invoice_id="INV3543739",
        reason="billing_error",
        amount=5.0,
        item_id=item["item_id"],
    )


def test_R12_payment_positive_and_at_most_the_balance() -> None:
    env = fresh()
    args = {"account_id": "AC186528", "invoice_id": "INV4141439", "method_id": "PM66340"}
    refused(env, "R12", "make_payment", amount=51.06, **args)
    refused(env, "R12", "make_payment", amount=0.0, **args)
    refused(
        env,
        "R12",
        "make_payment",
        account_id="AC186528",
        invoice_id="INV6992524",
        method_id="PM66340",
        amount=5.0,
    )
    ok(env, "make_payment", amount=51.05, **args)
    refused(env, "R12", "make_payment", amount=0.01, **args)


def test_R13_expired_card_cannot_pay_or_carry_autopay() -> None:
    env = fresh()
    refused(
        env,
        "R13",
        "make_payment",
        account_id="AC430871",
        invoice_id="INV6598219",
        method_id="PM56339",
        amount=10.0,
    )
    refused(
        env,
        "R13",
        "pay_off_device",
        account_id="AC306530",
        device_id="DV78168",
        method_id="PM60364",
    )
    assert "expired" in refused(
        env, "R13", "enroll_autopay", account_id="AC549354", method_id="PM27662"
    )


def test_R14_payoff_is_the_whole_balance_and_needs_one() -> None:
    env = fresh()
    refused(
        env,
        "R14",
        "pay_off_device",
        account_id="AC812626",
        device_id="DV33163",
        method_id="PM12749",
    )
    assert (
        "amount"
        not in DOMAIN.tools["pay_off_device"].schema()["function"]["parameters"]["properties"]
    )
    before = ok(env, "get_device_details", account_id="AC808289", device_id="DV16053")
    paid = ok(
        env, "pay_off_device", account_id="AC808289", device_id="DV16053", method_id="PM45717"
    )
    assert paid["amount_paid"] == before["financing_balance"]
    refused(
        env,
        "R14",
        "pay_off_device",
        account_id="AC808289",
        device_id="DV16053",
        method_id="PM45717",
    )


def test_R15_warranty_only_for_active_devices_within_365_days() -> None:
    env = fresh()
    refused(
        env, "R15", "request_warranty_replacement", account_id="AC812626", device_id="DV33163"
    )  # bought 2025-05-31
    refused(
        env, "R15", "request_warranty_replacement", account_id="AC908041", device_id="DV46139"
    )  # lost
    sim = next(
        d["device_id"]
        for d in json.loads((DOMAIN.path / "data" / "devices.json").read_text())
        if d["account_id"] == "AC403611" and d["kind"] == "sim"
    )
    refused(env, "R15", "request_warranty_replacement", account_id="AC403611", device_id=sim)
    ok(env, "request_warranty_replacement", account_id="AC403611", device_id="DV11255")
    refused(
        env, "R15", "request_warranty_replacement", account_id="AC403611", device_id="DV11255"
    )  # now replaced


def test_R16_sim_swaps_valid_iccid_mobile_only_once_in_30_days() -> None:
    env = fresh()
    sim = luhn("891427000000777777")
    refused(env, "R16", "swap_sim", account_id="AC123370", line_id="LN63983", new_iccid=sim)
    refused(
        env,
        "R16",
        "swap_sim",
        account_id="AC494693",
        line_id="LN49853",
        new_iccid="8814270000007777770",
    )
    refused(
        env,
        "R16",
        "swap_sim",
        account_id="AC494693",
        line_id="LN49853",
        new_iccid=sim[:-1] + str((int(sim[-1]) + 5) % 10),
    )
    refused(env, "R16", "swap_sim", account_id="AC730402", line_id="LN12922", new_iccid=sim)
    ok(env, "swap_sim", account_id="AC494693", line_id="LN49853", new_iccid=sim)
    refused(
        env,
        "R16",
        "swap_sim",
        account_id="AC494693",
        line_id="LN49853",
        new_iccid=luhn("891427000000888888"),
    )


def test_R17_ticket_lifecycle_one_step_at_a_time() -> None:
    env = fresh()
    refused(
        env,
        "R17",
        "update_ticket",
        account_id="AC364395",
        ticket_id="TK83366",
        new_status="resolved",
    )  # open -> resolved skips a step
    refused(env, "R17", "close_ticket", account_id="AC364395", ticket_id="TK83366")
    refused(
        env,
        "R17",
        "update_ticket",
        account_id="AC810156",
        ticket_id="TK10762",
        new_status="in_progress",
    )  # closed is final
    ok(env, "update_ticket", account_id="AC364395", ticket_id="TK83366", new_status="in_progress")
    ok(env, "update_ticket", account_id="AC364395", ticket_id="TK83366", new_status="resolved")
    ok(env, "close_ticket", account_id="AC364395", ticket_id="TK83366")
    refused(
        env,
        "R17",
        "update_ticket",
        account_id="AC364395",
        ticket_id="TK83366",
        new_status="in_progress",
    )


def test_R18_one_unresolved_ticket_per_category_and_line() -> None:
    env = fresh()
    refused(
        env, "R18", "open_ticket", account_id="AC364395", issue="slow_speeds", line_id="LN58851"
    )
    ok(env, "open_ticket", account_id="AC364395", issue="billing_dispute")
    refused(env, "R18", "open_ticket", account_id="AC364395", issue="payment_problem")


def test_R19_outage_report_needs_a_matching_active_outage_once() -> None:
    env = fresh()
    refused(env, "R19", "report_outage", account_id="AC731350", line_id="LN53458")
    refused(env, "R19", "report_outage", account_id="AC305895", line_id="LN64888")  # fiber
    ok(env, "report_outage", account_id="AC305895", line_id="LN31473")
    refused(env, "R19", "report_outage", account_id="AC305895", line_id="LN31473")


def test_every_policy_rule_has_a_test() -> None:
    policy = (DOMAIN.path / "policy.md").read_text(encoding="utf-8")
    rules = set(re.findall(r"\*\*\[(R\d+)\]", policy))
    assert rules == {f"R{n}" for n in range(1, len(rules) + 1)}
    tested = {
        match.group(1)
        for name in globals()
        if (match := re.match(r"test_(R\d+)_", name)) is not None
    }
    assert rules == tested
