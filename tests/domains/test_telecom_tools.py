"""Every telecom tool: its success path and its refusals, through Environment.execute.

Each test works on a fresh in-memory copy of the seed database. Refused calls must come
back as outcome "error" and leave the database exactly as it was: each test that makes
refused calls checks the full state hash once at the end (it costs ~0.4 s on this data).
A refusal that a numbered rule of policy.md makes is tested once, in test_telecom_policy.py
(under that rule, with the rule it cites); the refusals here are the rest.
"""

from __future__ import annotations

import json
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tests.domains.calls import luhn, ok
from tests.domains.grading import signed_in

DOMAIN = load_domain("telecom")
SEED_HASH = DOMAIN.seed.seed_hash


def fresh() -> Environment:
    """A fresh episode with every account verified (authentication is tested in
    test_telecom_policy.py)."""
    return signed_in(DOMAIN, "customers", "account_id")


def refused(env: Environment, name: str, fragment: str, **kwargs: Any) -> str:
    result = env.execute(name, kwargs)
    assert result.outcome == "error", result.content
    assert fragment in result.content, result.content
    return result.content


def unchanged(env: Environment) -> None:
    assert env.state_hash() == SEED_HASH


NEW_SIM = luhn("891427000000123456")


# --- registry ------------------------------------------------------------------------------


def test_registry_has_every_tool_with_described_arguments() -> None:
    names = set(DOMAIN.tools)
    assert len(names) >= 17
    assert {"transfer_to_human_agents", "verify_identity", "apply_bill_credit"} <= names
    for spec in DOMAIN.tools.values():
        schema = spec.schema()["function"]
        assert schema["description"]
        for prop in schema["parameters"]["properties"].values():
            assert prop.get("description")
    assert DOMAIN.tools["transfer_to_human_agents"].ends_episode
    assert not DOMAIN.tools["transfer_to_human_agents"].writes


def test_unknown_tool_and_bad_arguments_are_errors_not_crashes() -> None:
    env = fresh()
    assert env.execute("no_such_tool", {}).outcome == "error"
    assert env.execute("get_account_details", {}).outcome == "error"
    assert env.execute("list_plans", {"line_type": "satellite"}).outcome == "error"
    assert env.execute("make_payment", "{not json").outcome == "error"
    unchanged(env)


# --- account -------------------------------------------------------------------------------


def test_find_account_by_phone() -> None:
    env = fresh()
    assert ok(env, "find_account_by_phone", phone_number="(538) 815-6331") == {
        "account_id": "AC331258",
        "matched": "line LN38316",
    }
    assert ok(env, "find_account_by_phone", phone_number="+1 472 511 9232") == {
        "account_id": "AC124236",
        "matched": "contact number",
    }
    refused(env, "find_account_by_phone", "not a 10-digit", phone_number="555-01")
    refused(env, "find_account_by_phone", "no Larkspur line", phone_number="999-999-9999")


def test_verify_identity() -> None:
    env = fresh()
    pin = next(
        c["pin"]
        for c in json.loads((DOMAIN.path / "data" / "customers.json").read_text())
        if c["account_id"] == "AC549354"
    )
    assert ok(env, "verify_identity", account_id="ac549354", pin=pin)["verified"] is True
    assert ok(env, "verify_identity", account_id="AC549354", card_last4="1395")["name"]
    wrong = "0000" if pin != "0000" else "1111"
    refused(env, "verify_identity", "PIN does not match", account_id="AC549354", pin=wrong)
    refused(env, "verify_identity", "no unexpired card", account_id="AC549354", card_last4="2670")
    refused(env, "verify_identity", "no unexpired card", account_id="AC123370", card_last4="8627")
    refused(env, "verify_identity", "exactly one proof", account_id="AC549354")
    refused(
        env,
        "verify_identity",
        "exactly one proof",
        account_id="AC549354",
        pin=pin,
        card_last4="1395",
    )
    refused(env, "verify_identity", "4 digits", account_id="AC549354", card_last4="13")
    refused(env, "verify_identity", "no account", account_id="AC000000", pin="1234")


def test_get_account_details() -> None:
    env = fresh()
    details = ok(env, "get_account_details", account_id="AC240621")
    assert details["name"] == "Marek Dudek"
    assert details["overdue_balance"] == "117.82"
    assert [ln["line_id"] for ln in details["lines"]] == ["LN87946"]
    assert details["lines"][0]["status"] == "suspended"
    assert {i["status"] for i in details["invoices"]} == {"open", "overdue", "paid"}
    refused(env, "get_account_details", "no account", account_id="AC12")


def test_enroll_autopay() -> None:
    env = fresh()
    result = ok(env, "enroll_autopay", account_id="AC549354", method_id="PM30565")
    assert result["autopay_method_id"] == "PM30565"
    methods = ok(env, "get_account_details", account_id="AC549354")["payment_methods"]
    assert [m["method_id"] for m in methods if m["autopay"]] == ["PM30565"]
    # moving it keeps a single autopay method
    ok(env, "enroll_autopay", account_id="AC549354", method_id="PM94546")
    methods = ok(env, "get_account_details", account_id="AC549354")["payment_methods"]
    assert [m["method_id"] for m in methods if m["autopay"]] == ["PM94546"]


def test_enroll_autopay_refusals() -> None:
    env = fresh()
    refused(env, "enroll_autopay", "already", account_id="AC331258", method_id="PM81319")
    refused(env, "enroll_autopay", "does not belong", account_id="AC549354", method_id="PM81319")
    refused(env, "enroll_autopay", "no payment method", account_id="AC549354", method_id="PMX")
    unchanged(env)


def test_cancel_autopay() -> None:
    env = fresh()
    assert ok(env, "cancel_autopay", account_id="AC331258") == {
        "account_id": "AC331258",
        "autopay": False,
    }
    methods = ok(env, "get_account_details", account_id="AC331258")["payment_methods"]
    assert not any(m["autopay"] for m in methods)
    refused(env, "cancel_autopay", "no autopay", account_id="AC331258")


def test_cancel_autopay_refusal_changes_nothing() -> None:
    env = fresh()
    refused(env, "cancel_autopay", "no autopay", account_id="AC549354")
    unchanged(env)


def test_transfer_to_human_agents() -> None:
    env = fresh()
    result = env.execute("transfer_to_human_agents", {"summary": "AC549354 wants to port out"})
    assert result.outcome == "ok" and result.ends_episode
    refused(env, "transfer_to_human_agents", "summary", summary="  ")
    unchanged(env)


# --- catalogue and lines -------------------------------------------------------------------


def test_list_plans_and_addons() -> None:
    env = fresh()
    mobile = ok(env, "list_plans", line_type="mobile")
    assert [p["plan_id"] for p in mobile] == ["MOB-SPARK5", "MOB-SPARK15", "MOB-HZN", "MOB-HZNMAX"]
    assert all(p["available_for_new_changes"] for p in mobile)
    assert {p["line_type"] for p in ok(env, "list_plans", line_type="wearable")} == {"wearable"}
    passes = ok(env, "list_addons", line_type="mobile", kind="roaming_pass")
    assert {a["kind"] for a in passes} == {"roaming_pass"} and len(passes) == 6
    features = ok(env, "list_addons", line_type="home_internet")
    assert "ADD-STATICIP" in {a["addon_id"] for a in features}
    assert env.execute("list_addons", {"line_type": "mobile", "kind": "gift"}).outcome == "error"


def test_get_line_details() -> None:
    env = fresh()
    line = ok(env, "get_line_details", account_id="AC303386", line_id="ln89864")
    assert line["plan"]["plan_id"] == "MOB-HZN"
    assert any(a["line_addon_id"] == "LA91999" and a["status"] == "active" for a in line["addons"])
    assert {d["kind"] for d in line["devices"]} >= {"phone", "sim"}
    assert len(line["usage"]) == 2
    refused(env, "get_line_details", "no line", account_id="AC303386", line_id="LN00000")
    refused(env, "get_line_details", "does not belong", account_id="AC303386", line_id="LN38316")


def test_change_plan() -> None:
    env = fresh()
    result = ok(
        env, "change_plan", account_id="AC731350", line_id="LN53458", new_plan_id="mob-spark5"
    )
    assert result["new_plan"] == {"plan_id": "MOB-SPARK5", "monthly_price": "25.00"}
    line = ok(env, "get_line_details", account_id="AC731350", line_id="LN53458")
    assert line["plan_id"] == "MOB-SPARK5" and line["last_plan_change"] == "2026-06-10"


def test_change_plan_refusals() -> None:
    env = fresh()
    args = {"account_id": "AC731350", "line_id": "LN53458"}
    refused(env, "change_plan", "no plan", new_plan_id="MOB-NOPE", **args)
    refused(env, "change_plan", "R3", new_plan_id="WRB-LINK", **args)
    refused(env, "change_plan", "R3", new_plan_id="MOB-CLASSIC10", **args)
    refused(env, "change_plan", "R3", new_plan_id="MOB-SPARK15", **args)
    refused(
        env,
        "change_plan",
        "R4",
        account_id="AC603273",
        line_id="LN34109",
        new_plan_id="MOB-SPARK15",
    )
    refused(
        env,
        "change_plan",
        "R5",
        account_id="AC306500",
        line_id="LN18933",
        new_plan_id="MOB-SPARK15",
    )
    refused(
        env, "change_plan", "R6", account_id="AC355761", line_id="LN46784", new_plan_id="MOB-HZN"
    )
    refused(
        env, "change_plan", "R2", account_id="AC731350", line_id="LN34109", new_plan_id="MOB-HZN"
    )
    unchanged(env)


def test_add_addon_feature_and_passes() -> None:
    env = fresh()
    feature = ok(
        env, "add_addon", account_id="AC157126", line_id="LN19731", addon_id="ADD-CLOUD200"
    )
    assert feature["status"] == "active" and feature["start_date"] == "2026-06-10"
    scheduled = ok(
        env,
        "add_addon",
        account_id="AC810156",
        line_id="LN80134",
        addon_id="RP-EU7",
        start_date="2026-06-15",
    )
    assert (scheduled["status"], scheduled["end_date"]) == ("scheduled", "2026-06-21")
    today = ok(
        env,
        "add_addon",
        account_id="AC810156",
        line_id="LN80134",
        addon_id="RP-CARIB3",
        start_date="2026-06-10",
    )
    assert (today["status"], today["end_date"]) == ("active", "2026-06-12")
    line = ok(env, "get_line_details", account_id="AC810156", line_id="LN80134")
    assert {a["line_addon_id"] for a in line["addons"]} >= {
        scheduled["line_addon_id"],
        today["line_addon_id"],
    }


def test_add_addon_refusals() -> None:
    env = fresh()
    args = {"account_id": "AC810156", "line_id": "LN80134"}
    refused(env, "add_addon", "no add-on", addon_id="ADD-NOPE", **args)
    refused(env, "add_addon", "R8", addon_id="ADD-STATICIP", **args)
    refused(
        env,
        "add_addon",
        "omit start_date",
        addon_id="ADD-CLOUD200",
        start_date="2026-06-12",
        **args,
    )
    refused(env, "add_addon", "give its start_date", addon_id="RP-EU7", **args)
    refused(env, "add_addon", "date like", addon_id="RP-EU7", start_date="next week", **args)
    refused(env, "add_addon", "R8", addon_id="RP-EU7", start_date="2026-06-09", **args)
    refused(
        env,
        "add_addon",
        "R8",
        account_id="AC442725",
        line_id="LN58728",
        addon_id="RP-EU7",
        start_date="2026-06-24",
    )
    refused(
        env, "add_addon", "R4", account_id="AC603273", line_id="LN34109", addon_id="ADD-INTLCALL"
    )
    refused(
        env, "add_addon", "R6", account_id="AC355761", line_id="LN46784", addon_id="ADD-INTLCALL"
    )
    unchanged(env)


def test_remove_addon() -> None:
    env = fresh()
    feature = ok(
        env, "remove_addon", account_id="AC157126", line_id="LN19731", line_addon_id="LA33284"
    )
    assert (feature["status"], feature["end_date"]) == ("removed", "2026-06-10")
    scheduled = ok(
        env, "remove_addon", account_id="AC509853", line_id="LN80417", line_addon_id="la36238"
    )
    assert scheduled["status"] == "removed" and scheduled["end_date"] == "2026-06-25"


def test_remove_addon_refusals() -> None:
    env = fresh()
    refused(
        env,
        "remove_addon",
        "already removed",
        account_id="AC303386",
        line_id="LN89864",
        line_addon_id="LA21411",
    )
    refused(
        env,
        "remove_addon",
        "has no add-on",
        account_id="AC303386",
        line_id="LN89864",
        line_addon_id="LA33284",
    )
    refused(
        env, "remove_addon", "R6", account_id="AC355761", line_id="LN46784", line_addon_id="LA30783"
    )
    unchanged(env)


def test_suspend_and_resume_line() -> None:
    env = fresh()
    suspended = ok(
        env, "suspend_line", account_id="AC808289", line_id="LN34857", reason="lost_or_stolen"
    )
    assert suspended["status"] == "suspended" and suspended["blocked_devices"] == ["DV16053"]
    assert (
        ok(env, "get_device_details", account_id="AC808289", device_id="DV16053")["status"]
        == "lost"
    )
    resumed = ok(env, "resume_line", account_id="AC808289", line_id="LN34857")
    assert resumed["status"] == "active" and resumed["suspension_reason"] is None
    hold = ok(
        env, "suspend_line", account_id="AC731350", line_id="LN53458", reason="temporary_hold"
    )
    assert hold["suspension_reason"] == "temporary_hold" and hold["blocked_devices"] == []
    assert ok(env, "resume_line", account_id="AC217102", line_id="LN56061")["status"] == "active"


def test_suspend_and_resume_refusals() -> None:
    env = fresh()
    refused(
        env, "suspend_line", "R7", account_id="AC355761", line_id="LN46784", reason="temporary_hold"
    )
    assert (
        env.execute(
            "suspend_line",
            {"account_id": "AC731350", "line_id": "LN53458", "reason": "non_payment"},
        ).outcome
        == "error"
    )
    refused(env, "resume_line", "R7", account_id="AC731350", line_id="LN53458")
    refused(env, "resume_line", "R7", account_id="AC240621", line_id="LN87946")
    unchanged(env)


# --- devices -------------------------------------------------------------------------------


def test_get_device_details() -> None:
    env = fresh()
    device = ok(env, "get_device_details", account_id="AC808289", device_id="DV16053")
    assert device["financed"] and device["financing_balance"] == "410.16"
    assert device["installments_remaining"] == device["term_months"] - device["installments_paid"]
    refused(env, "get_device_details", "no device", account_id="AC808289", device_id="DV1")
    refused(
        env, "get_device_details", "does not belong", account_id="AC808289", device_id="DV33163"
    )


def test_swap_sim() -> None:
    env = fresh()
    result = ok(
        env,
        "swap_sim",
        account_id="AC494693",
        line_id="LN49853",
        new_iccid=" ".join([NEW_SIM[:4], NEW_SIM[4:]]),
    )
    assert result["iccid"] == NEW_SIM and len(result["deactivated_sims"]) == 1
    line = ok(env, "get_line_details", account_id="AC494693", line_id="LN49853")
    sims = {d["device_id"]: d["status"] for d in line["devices"] if d["kind"] == "sim"}
    assert sims[result["new_sim_device_id"]] == "active"
    assert sims[result["deactivated_sims"][0]] == "deactivated"
    assert line["last_sim_swap"] == "2026-06-10"
    assert result["new_sim_device_id"] == f"DV-SIM-{NEW_SIM}"  # the whole ICCID: no clash


def test_swap_sim_reads_the_iccid_however_it_is_typed() -> None:
    hashes = set()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in NEW_SIM)
    spaced = "\u00a0".join([NEW_SIM[:4], NEW_SIM[4:10], NEW_SIM[10:]])
    for typed in (NEW_SIM, spaced, "-".join([NEW_SIM[:7], NEW_SIM[7:]]), full_width):
        env = fresh()
        ok(env, "swap_sim", account_id="AC494693", line_id="LN49853", new_iccid=typed)
        hashes.add(env.state_hash())
    assert len(hashes) == 1


def test_swap_sim_refusals() -> None:
    env = fresh()
    existing = next(
        d["iccid"]
        for d in json.loads((DOMAIN.path / "data" / "devices.json").read_text())
        if d["iccid"]
    )
    args = {"account_id": "AC494693", "line_id": "LN49853"}
    refused(env, "swap_sim", "R16", account_id="AC123370", line_id="LN63983", new_iccid=NEW_SIM)
    refused(env, "swap_sim", "not a SIM ICCID", new_iccid="1234", **args)
    bad_check = NEW_SIM[:-1] + str((int(NEW_SIM[-1]) + 1) % 10)
    refused(env, "swap_sim", "check digit", new_iccid=bad_check, **args)
    refused(env, "swap_sim", "already registered", new_iccid=existing, **args)
    refused(env, "swap_sim", "R16", account_id="AC730402", line_id="LN12922", new_iccid=NEW_SIM)
    unchanged(env)


def test_request_warranty_replacement() -> None:
    env = fresh()
    phone = ok(env, "request_warranty_replacement", account_id="AC403611", device_id="DV11255")
    new = phone["new_device"]
    assert new["device_id"] == "DV11255-R" and new["status"] == "in_transit"
    assert new["imei"] and len(new["imei"]) == 15 and new["financing_balance"] == "1399.00"
    old = ok(env, "get_device_details", account_id="AC403611", device_id="DV11255")
    assert old["status"] == "replaced" and old["replaced_by"] == "DV11255-R"
    assert old["financing_balance"] == "0.00"
    router = ok(env, "request_warranty_replacement", account_id="AC233045", device_id="DV25531")
    assert router["new_device"]["serial_number"].startswith("LLG3R")


def test_request_warranty_replacement_refusals() -> None:
    env = fresh()
    refused(
        env,
        "request_warranty_replacement",
        "swap_sim",
        account_id="AC494693",
        device_id=next(
            d["device_id"]
            for d in json.loads((DOMAIN.path / "data" / "devices.json").read_text())
            if d["account_id"] == "AC494693" and d["kind"] == "sim"
        ),
    )
    unchanged(env)


def test_pay_off_device() -> None:
    env = fresh()
    result = ok(
        env, "pay_off_device", account_id="AC808289", device_id="DV16053", method_id="PM45717"
    )
    assert result["amount_paid"] == "410.16" and result["payment_id"] == "PAY-DV16053"
    assert result["device"]["financing_balance"] == "0.00"
    assert result["device"]["installments_remaining"] == 0


def test_pay_off_device_refusals() -> None:
    env = fresh()
    refused(
        env, "pay_off_device", "R2", account_id="AC808289", device_id="DV16053", method_id="PM12749"
    )
    unchanged(env)


# --- billing -------------------------------------------------------------------------------


def test_get_invoice() -> None:
    env = fresh()
    invoice = ok(env, "get_invoice", account_id="AC681829", invoice_id="INV2893773")
    total = sum(round(float(i["amount"]) * 100) for i in invoice["items"])
    assert f"{total / 100:.2f}" == invoice["total"]
    assert invoice["status"] == "paid" and invoice["payments"]
    refused(env, "get_invoice", "no invoice", account_id="AC681829", invoice_id="INV0")
    refused(env, "get_invoice", "does not belong", account_id="AC681829", invoice_id="INV4141439")


def test_make_payment() -> None:
    env = fresh()
    part = ok(
        env,
        "make_payment",
        account_id="AC186528",
        invoice_id="INV4141439",
        method_id="PM66340",
        amount=20.005,
    )
    assert part["amount"] == "20.01" and part["invoice"]["status"] == "open"
    assert part["invoice"]["balance"] == "31.04"
    rest = ok(
        env,
        "make_payment",
        account_id="AC186528",
        invoice_id="INV4141439",
        method_id="PM66340",
        amount=31.04,
    )
    assert rest["invoice"]["status"] == "paid" and rest["invoice"]["balance"] == "0.00"
    # Ids say what each payment is, so paying the two parts in the other order leaves the
    # same rows.
    assert part["payment_id"] == "PAY-INV4141439-PM66340-2001"
    assert rest["payment_id"] == "PAY-INV4141439-PM66340-3104"
    other = fresh()
    for amount in (31.04, 20.005):
        ok(
            other,
            "make_payment",
            account_id="AC186528",
            invoice_id="INV4141439",
            method_id="PM66340",
            amount=amount,
        )
    assert other.state_hash() == env.state_hash()


def test_make_payment_refusals() -> None:
    env = fresh()
    args = {"account_id": "AC186528", "invoice_id": "INV4141439", "method_id": "PM66340"}
    refused(env, "make_payment", "R12", amount=51.06, **args)
    refused(env, "make_payment", "R12", amount=0, **args)
    refused(env, "make_payment", "R12", amount=-5, **args)
    refused(
        env,
        "make_payment",
        "R12",
        account_id="AC186528",
        invoice_id="INV6992524",
        method_id="PM66340",
        amount=1,
    )
    refused(
        env,
        "make_payment",
        "R13",
        account_id="AC430871",
        invoice_id="INV6598219",
        method_id="PM56339",
        amount=10,
    )
    refused(
        env,
        "make_payment",
        "R2",
        method_id="PM56339",
        amount=10,
        account_id="AC186528",
        invoice_id="INV4141439",
    )
    assert env.execute("make_payment", {**args, "amount": "lots"}).outcome == "error"
    unchanged(env)


def test_apply_bill_credit_outage() -> None:
    env = fresh()
    result = ok(
        env,
        "apply_bill_credit",
        account_id="AC868469",
        invoice_id="INV6986159",
        reason="outage",
        amount=2.0,
        line_id="LN94318",
        outage_id="OUT7393",
    )
    assert result["credit_id"] == "CR-OUT7393-LN94318"
    assert result["applied_to_invoice"] == "2.00" and result["invoice"]["balance"] == "142.78"


def test_apply_bill_credit_billing_error_on_paid_invoice() -> None:
    env = fresh()
    invoice = ok(env, "get_invoice", account_id="AC681829", invoice_id="INV2893773")
    dup = [i for i in invoice["items"] if i["description"] == "Spark 5 plan, 472-389-6715"][1]
    result = ok(
        env,
        "apply_bill_credit",
        account_id="AC681829",
        invoice_id="INV2893773",
        reason="billing_error",
        amount=25.0,
        item_id=dup["item_id"],
    )
    assert result["applied_to_invoice"] == "0.00" and result["added_to_account_credit"] == "25.00"
    account = ok(env, "get_account_details", account_id="AC681829")
    assert account["account_credit_balance"] == "25.00"


def test_apply_bill_credit_refusals() -> None:
    env = fresh()
    base = {"account_id": "AC868469", "invoice_id": "INV6986159"}
    refused(env, "apply_bill_credit", "needs line_id", reason="outage", amount=1.0, **base)
    refused(
        env,
        "apply_bill_credit",
        "needs item_id",
        reason="billing_error",
        amount=1.0,
        line_id="LN94318",
        **base,
    )
    refused(
        env,
        "apply_bill_credit",
        "more than 0.00",
        reason="outage",
        amount=0.0,
        line_id="LN94318",
        outage_id="OUT7393",
        **base,
    )
    refused(
        env,
        "apply_bill_credit",
        "R10",
        reason="outage",
        amount=5.0,
        line_id="LN94318",
        outage_id="OUT7393",
        **base,
    )
    refused(
        env,
        "apply_bill_credit",
        "R10",
        reason="outage",
        amount=1.0,
        line_id="LN94318",
        outage_id="OUT7150",
        **base,
    )
    refused(
        env,
        "apply_bill_credit",
        "R10",
        reason="outage",
        amount=1.0,
        line_id="LN94318",
        outage_id="OUT6497",
        **base,
    )
    refused(
        env,
        "apply_bill_credit",
        "R10",
        account_id="AC120386",
        invoice_id="INV4372758",
        reason="outage",
        amount=1.0,
        line_id="LN88811",
        outage_id="OUT6862",
    )
    refused(
        env,
        "apply_bill_credit",
        "most recent invoice",
        account_id="AC868469",
        invoice_id="INV3702341",
        reason="outage",
        amount=1.0,
        line_id="LN94318",
        outage_id="OUT7393",
    )
    refused(
        env,
        "apply_bill_credit",
        "R11",
        account_id="AC868469",
        invoice_id="INV1465404",
        reason="billing_error",
        amount=1.0,
        item_id="II000000",
    )
    refused(
        env,
        "apply_bill_credit",
        "no item",
        reason="billing_error",
        amount=1.0,
        item_id="II000000",
        **base,
    )
    unchanged(env)


def test_apply_bill_credit_limits() -> None:
    env = fresh()
    # one credit per item
    invoice = ok(env, "get_invoice", account_id="AC681829", invoice_id="INV2893773")
    dup = [i for i in invoice["items"] if i["description"] == "Spark 5 plan, 472-389-6715"][1]
    credit = {
        "account_id": "AC681829",
        "invoice_id": "INV2893773",
        "reason": "billing_error",
        "item_id": dup["item_id"],
    }
    refused(env, "apply_bill_credit", "R10", amount=26.0, **credit)
    ok(env, "apply_bill_credit", amount=25.0, **credit)
    refused(env, "apply_bill_credit", "already credited", amount=25.0, **credit)
    # The per-invoice (30.00) and yearly (75.00) limits are tested once, with the rule they
    # cite: test_telecom_policy.py::test_R11_credit_limits_per_invoice_and_per_year.


# --- support -------------------------------------------------------------------------------


def test_check_outages() -> None:
    env = fresh()
    result = ok(env, "check_outages", zip_code="73872")
    ids = {o["outage_id"]: o for o in result["outages"]}
    assert ids["OUT7393"]["duration_days"] == 2 and ids["OUT4862"]["status"] == "resolved"
    active = ok(env, "check_outages", zip_code=" 73540 ")["outages"]
    assert active[0]["status"] == "active" and active[0]["estimated_restore"]
    assert ok(env, "check_outages", zip_code="99999")["outages"] == []
    refused(env, "check_outages", "5-digit", zip_code="7354")


def test_report_outage() -> None:
    env = fresh()
    result = ok(env, "report_outage", account_id="AC305895", line_id="LN31473")
    assert result["report_id"] == "OR-OUT3859-LN31473"
    assert result["outage"]["estimated_restore"] == "2026-06-11T20:00:00"
    refused(env, "report_outage", "R19", account_id="AC305895", line_id="LN31473")


def test_list_tickets() -> None:
    env = fresh()
    tickets = ok(env, "list_tickets", account_id="AC306500")
    assert any(t["ticket_id"] == "TK45148" and t["status"] == "in_progress" for t in tickets)
    assert all(t["notes"] for t in tickets)
    refused(env, "list_tickets", "no account", account_id="AC0")


def test_open_ticket() -> None:
    env = fresh()
    network = ok(env, "open_ticket", account_id="AC157126", issue="no_service", line_id="LN19731")
    assert network["ticket_id"] == "TK-LN19731-NETWORK"
    assert (network["category"], network["priority"], network["status"]) == (
        "network",
        "high",
        "open",
    )
    assert len(network["notes"]) == 1
    billing = ok(env, "open_ticket", account_id="AC157126", issue="billing_dispute")
    assert billing["ticket_id"] == "TK-AC157126-BILLING" and billing["line_id"] is None


def test_open_ticket_refusals() -> None:
    env = fresh()
    refused(env, "open_ticket", "give line_id", account_id="AC157126", issue="slow_speeds")
    refused(
        env,
        "open_ticket",
        "omit line_id",
        account_id="AC157126",
        issue="payment_problem",
        line_id="LN19731",
    )
    refused(
        env,
        "open_ticket",
        "R18",
        account_id="AC731350",
        issue="intermittent_service",
        line_id="LN53458",
    )
    assert (
        env.execute(
            "open_ticket", {"account_id": "AC157126", "issue": "it is broken", "line_id": "LN19731"}
        ).outcome
        == "error"
    )
    unchanged(env)


def test_update_and_close_ticket() -> None:
    env = fresh()
    resolved = ok(
        env, "update_ticket", account_id="AC306500", ticket_id="TK45148", new_status="resolved"
    )
    assert resolved["status"] == "resolved"
    assert resolved["notes"][-1]["text"].startswith("Status changed from in_progress")
    closed = ok(env, "close_ticket", account_id="AC306500", ticket_id="tk45148")
    assert closed["status"] == "closed"
    reopened = ok(
        env, "update_ticket", account_id="AC693237", ticket_id="TK50919", new_status="in_progress"
    )
    assert reopened["status"] == "in_progress"


def test_update_and_close_ticket_refusals() -> None:
    env = fresh()
    refused(
        env,
        "update_ticket",
        "R17",
        account_id="AC306500",
        ticket_id="TK45148",
        new_status="in_progress",
    )
    refused(env, "close_ticket", "R17", account_id="AC306500", ticket_id="TK45148")
    unchanged(env)


def test_read_tools_never_write() -> None:
    env = fresh()
    reads = [
        ("find_account_by_phone", {"phone_number": "538-815-6331"}),
        ("verify_identity", {"account_id": "AC549354", "card_last4": "1395"}),
        ("get_account_details", {"account_id": "AC694085"}),
        ("list_plans", {"line_type": "home_internet"}),
        ("list_addons", {"line_type": "wearable"}),
        ("get_line_details", {"account_id": "AC694085", "line_id": "LN71882"}),
        ("get_device_details", {"account_id": "AC694085", "device_id": "DV33365"}),
        ("get_invoice", {"account_id": "AC694085", "invoice_id": "INV7793096"}),
        ("check_outages", {"zip_code": "73652"}),
        ("list_tickets", {"account_id": "AC694085"}),
    ]
    for name, kwargs in reads:
        assert not DOMAIN.tools[name].writes
        ok(env, name, **kwargs)
    unchanged(env)


def test_non_finite_amounts_are_refused() -> None:
    env = fresh()
    for raw in ("NaN", "Infinity", "1e400"):
        args = (
            '{"account_id": "AC186528", "invoice_id": "INV4141439", "method_id": "PM66340", '
            f'"amount": {raw}}}'
        )
        result = env.execute("make_payment", args)
        assert result.outcome == "error", result.content
    unchanged(env)
