"""Build ``tasks/telecom/{test,dev}.json`` from hand-written scenarios, checked on the data.

Every scenario below is written by hand (persona, goal, what the customer knows), and so
are its gold actions. The builder replays the gold actions on a fresh copy of the seed
database and stops if one fails, checks that each request the agent must refuse is really
refused by the tools (with the expected rule), and takes the amounts, dates and ids that
appear in the scenarios and required outputs from the data and the tool results, so a
task can never disagree with the database.

    PYTHONPATH=src python domains/telecom/build_tasks.py          # writes the task files
    PYTHONPATH=src python domains/telecom/build_tasks.py --check  # fails if they differ
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain

ROOT = Path(__file__).resolve().parents[2]
TASK_DIR = ROOT / "tasks" / "telecom"
DOMAIN = load_domain("telecom")

Action = dict[str, Any]


def act(name: str, **kwargs: Any) -> Action:
    return {"name": name, "kwargs": kwargs}


def money(value: float) -> str:
    return f"{value:.2f}"


def add_money(*values: str) -> str:
    return money(sum(round(float(v) * 100) for v in values) / 100)


def iccid(body: str) -> str:
    """A SIM ICCID: ``body`` (18 digits starting 89) plus its Luhn check digit."""
    assert len(body) == 18 and body.startswith("89") and body.isdigit()
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 3) % 10)


def duplicate_item(invoice: dict[str, Any], description: str) -> dict[str, Any]:
    """The second of two identical items, in get_invoice order (policy R10)."""
    same = [i for i in invoice["items"] if i["description"] == description]
    assert len(same) == 2, same
    return same[1]


def entitlement(price: str, days: int) -> str:
    """Outage credit: monthly price / 30 x days, rounded half up to the cent."""
    cents = round(float(price) * 100)
    return money(((2 * days * cents + 30) // 60) / 100)


class Builder:
    def __init__(self) -> None:
        self.reader = Environment(DOMAIN)
        self.tasks: dict[str, list[dict[str, Any]]] = {"test": [], "dev": []}
        self.customers = {
            c["account_id"]: c
            for c in json.loads((DOMAIN.path / "data" / "customers.json").read_text())
        }

    # --- reading the seed data through the tools -----------------------------------------

    def read(self, name: str, **kwargs: Any) -> Any:
        result = self.reader.execute(name, kwargs)
        if result.outcome != "ok":
            raise AssertionError(f"read {name}({kwargs}) failed: {result.content}")
        return json.loads(result.content)

    def pin(self, account_id: str) -> str:
        return str(self.customers[account_id]["pin"])

    def account(self, account_id: str) -> dict[str, Any]:
        return self.read("get_account_details", account_id=account_id)

    def line(self, account_id: str, line_id: str) -> dict[str, Any]:
        return self.read("get_line_details", account_id=account_id, line_id=line_id)

    def invoice(self, account_id: str, invoice_id: str) -> dict[str, Any]:
        return self.read("get_invoice", account_id=account_id, invoice_id=invoice_id)

    def device(self, account_id: str, device_id: str) -> dict[str, Any]:
        return self.read("get_device_details", account_id=account_id, device_id=device_id)

    def method(self, account_id: str, method_id: str) -> dict[str, Any]:
        methods = self.account(account_id)["payment_methods"]
        return next(m for m in methods if m["method_id"] == method_id)

    def outage(self, zip_code: str, outage_id: str) -> dict[str, Any]:
        outages = self.read("check_outages", zip_code=zip_code)["outages"]
        return next(o for o in outages if o["outage_id"] == outage_id)

    # --- replaying ------------------------------------------------------------------------

    def replay(self, actions: list[Action]) -> list[Any]:
        env = Environment(DOMAIN)
        results = []
        for index, action in enumerate(actions):
            result = env.execute(action["name"], action["kwargs"])
            if result.outcome != "ok":
                raise AssertionError(f"gold action #{index} {action}: {result.content}")
            results.append(json.loads(result.content))
        env.close()
        return results

    def refused(self, before: list[Action], name: str, rule: str, **kwargs: Any) -> str:
        """Check that ``name(**kwargs)`` is refused (citing ``rule``) after ``before``."""
        env = Environment(DOMAIN)
        for action in before:
            assert env.execute(action["name"], action["kwargs"]).outcome == "ok", action
        result = env.execute(name, kwargs)
        env.close()
        if result.outcome != "error" or rule not in result.content:
            raise AssertionError(f"{name}({kwargs}) should be refused by {rule}: {result}")
        return result.content

    # --- declaring tasks ------------------------------------------------------------------

    def task(
        self,
        split: str,
        task_id: str,
        *,
        persona: str,
        goal: str,
        known: str,
        withheld: str,
        actions: list[Action],
        outputs: list[str],
        tags: list[str],
    ) -> list[Any]:
        results = self.replay(actions)
        writes = [a for a in actions if DOMAIN.tools[a["name"]].writes]
        if not writes and not outputs:
            raise AssertionError(f"{task_id}: a read-only task needs a required output")
        self.tasks[split].append(
            {
                "id": task_id,
                "scenario": {
                    "persona": persona,
                    "goal": goal,
                    "known_info": known,
                    "withheld": withheld,
                },
                "gold_actions": actions,
                "required_outputs": outputs,
                "tags": tags,
            }
        )
        return results


def auth_pin(b: Builder, account_id: str) -> Action:
    return act("verify_identity", account_id=account_id, pin=b.pin(account_id))


def by_phone(phone: str) -> Action:
    return act("find_account_by_phone", phone_number=phone)


# =========================================================================================
# test split
# =========================================================================================


def test_tasks(b: Builder) -> None:
    for build in TEST:
        build(b)


def dev_tasks(b: Builder) -> None:
    for build in DEV:
        build(b)


TEST: list[Callable[[Builder], None]] = []
DEV: list[Callable[[Builder], None]] = []


def test(fn: Callable[[Builder], None]) -> Callable[[Builder], None]:
    TEST.append(fn)
    return fn


def dev(fn: Callable[[Builder], None]) -> Callable[[Builder], None]:
    DEV.append(fn)
    return fn


# --- test tasks --------------------------------------------------------------------------


@test
def t001_bill_amount(b: Builder) -> None:
    aid = "AC331258"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    assert bill["status"] == "open"
    autopay = next(m for m in acct["payment_methods"] if m["autopay"])
    b.task(
        "test",
        "telecom-001",
        persona=(
            "You are Mehmet Yılmaz, a pastry chef in Eastmere calling during a short break. "
            "You are friendly but in a hurry and answer in short sentences."
        ),
        goal=(
            "Find out how much your newest Larkspur bill is and the date it is due. Then "
            "ask whether autopay will pay it automatically or whether you need to do "
            "anything. You do not want to pay or change anything today; once you have the "
            "amount, the due date and the autopay answer, thank the agent and hang up."
        ),
        known=(
            f"Your mobile number is {acct['contact_phone']}. Your account PIN is {b.pin(aid)}. "
            f"You think autopay is on your Mastercard ending {autopay['last4']}."
        ),
        withheld="You do not know your account id; offer your phone number instead.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
        ],
        outputs=[bill["balance"], bill["due_date"]],
        tags=["billing", "lookup", "easy"],
    )


@test
def t002_overdue_upgrade_blocked(b: Builder) -> None:
    aid = "AC885304"
    acct = b.account(aid)
    bill = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    assert bill["status"] == "overdue"
    fee = duplicate_item(bill, "Regulatory recovery fee, 538-948-5024")
    credit = act(
        "apply_bill_credit",
        account_id=aid,
        invoice_id=bill["invoice_id"],
        reason="billing_error",
        amount=float(fee["amount"]),
        item_id=fee["item_id"],
    )
    line = b.line(aid, "LN63971")
    assert line["last_plan_change"] == "2026-05-27"
    b.refused(
        [credit], "change_plan", "R4", account_id=aid, line_id="LN63971", new_plan_id="MOB-HZN"
    )
    results = b.task(
        "test",
        "telecom-002",
        persona=(
            "You are Yaw Asante, a university student in Rookhaven on a tight budget. You "
            "are friendly, a bit disorganised, and you push back once when told no."
        ),
        goal=(
            "1) You noticed the regulatory recovery fee appears twice on your newest bill; "
            "ask for the duplicate to be removed. 2) Then ask to upgrade your phone to "
            "Horizon Unlimited. If the agent says an overdue bill blocks it, say you cannot "
            "pay anything until your student loan arrives next week and do NOT pay today. "
            "3) Ask how much you will owe after the correction, and from which date you "
            "could change plans at the earliest once the bill is paid. Then end the call."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{acct['contact_phone']}."
        ),
        withheld="You do not mention that you already changed plans last month unless asked.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            credit,
            act("get_line_details", account_id=aid, line_id="LN63971"),
        ],
        outputs=[fee["amount"], "2026-06-26"],
        tags=["billing", "credit", "plan-change", "refusal", "overdue", "hard"],
    )
    b.tasks["test"][-1]["required_outputs"].append(results[3]["invoice"]["balance"])


@test
def t003_restore_after_nonpayment(b: Builder) -> None:
    aid = "AC240621"
    acct = b.account(aid)
    overdue = sorted(
        (i for i in acct["invoices"] if i["status"] == "overdue"), key=lambda i: i["issue_date"]
    )
    assert len(overdue) == 2
    card = next(m for m in acct["payment_methods"] if m["last4"] == "1046")
    pays = [
        act(
            "make_payment",
            account_id=aid,
            invoice_id=i["invoice_id"],
            method_id=card["method_id"],
            amount=float(i["balance"]),
        )
        for i in overdue
    ]
    b.refused([], "resume_line", "R7", account_id=aid, line_id="LN87946")
    b.refused(pays[:1], "resume_line", "R7", account_id=aid, line_id="LN87946")
    total = add_money(*(i["balance"] for i in overdue))
    b.task(
        "test",
        "telecom-003",
        persona=(
            "You are Marek Dudek, a retired tram mechanic in Quillon Heights. Your phone "
            "stopped working and you suspect unpaid bills. You are calm, a little "
            "embarrassed, and you like amounts repeated to you."
        ),
        goal=(
            "Get your phone line working again today. Ask what you need to pay. Pay "
            "everything that is overdue (but not the newest bill, which is not due yet) "
            "with your Mastercard, as separate payments if needed, then ask for your line "
            "to be turned back on. Make sure the agent tells you the total you paid."
        ),
        known=(
            f"Your account id is {aid}. Your PIN is {b.pin(aid)}. Your phone number is "
            f"{acct['contact_phone']}. You have a Mastercard ending 1046, an Amex ending "
            "5822 and a bank account on file; you want to use the Mastercard."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            *pays,
            act("resume_line", account_id=aid, line_id="LN87946"),
        ],
        outputs=[total],
        tags=["billing", "payment", "resume", "non-payment", "multi-write"],
    )


@test
def t004_pay_then_addon(b: Builder) -> None:
    aid = "AC603273"
    acct = b.account(aid)
    overdue = next(i for i in acct["invoices"] if i["status"] == "overdue")
    visa = next(m for m in acct["payment_methods"] if m["brand"] == "visa")
    b.refused([], "add_addon", "R4", account_id=aid, line_id="LN34109", addon_id="ADD-INTLCALL")
    pay = act(
        "make_payment",
        account_id=aid,
        invoice_id=overdue["invoice_id"],
        method_id=visa["method_id"],
        amount=float(overdue["balance"]),
    )
    b.task(
        "test",
        "telecom-004",
        persona=(
            "You are Hodan Abdullahi, a pharmacist in Juniper Crossing. Your son Abdi is "
            "starting a semester abroad and needs to call home. You are organised and "
            "precise, and you expect clear explanations."
        ),
        goal=(
            "Add the World Calling 300 add-on to your son Abdi's phone line. If the agent "
            "says this is blocked because of an overdue bill, ask how much is overdue, then "
            "pay exactly that overdue amount with your Visa card, and then have the add-on "
            "added to Abdi's line. Do not pay the newer bill that is not due yet."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Abdi's number is "
            f"538-861-0065. Your Visa ends in {visa['last4']}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            pay,
            act("add_addon", account_id=aid, line_id="LN34109", addon_id="ADD-INTLCALL"),
        ],
        outputs=[overdue["balance"]],
        tags=["billing", "payment", "add-on", "overdue", "multi-write"],
    )


@test
def t005_partial_catch_up(b: Builder) -> None:
    aid = "AC103799"
    acct = b.account(aid)
    oldest, newer = sorted(
        (i for i in acct["invoices"] if i["status"] == "overdue"), key=lambda i: i["issue_date"]
    )
    visa = next(m for m in acct["payment_methods"] if m["brand"] == "visa")
    pay = act(
        "make_payment",
        account_id=aid,
        invoice_id=oldest["invoice_id"],
        method_id=visa["method_id"],
        amount=float(oldest["balance"]),
    )
    b.refused(
        [], "change_plan", "R4", account_id=aid, line_id="LN54622", new_plan_id="HOM-FIBER300"
    )
    b.refused(
        [pay], "change_plan", "R4", account_id=aid, line_id="LN54622", new_plan_id="HOM-FIBER300"
    )
    b.task(
        "test",
        "telecom-005",
        persona=(
            "You are Thao Hoang, a freelance illustrator in Rookhaven who works from home "
            "on a slow copper line. Money is tight this month. You are talkative and a bit "
            "scattered."
        ),
        goal=(
            "You want to move your home internet to the Fiber 300 plan. If the agent says "
            "you must first pay what is overdue, you can only afford the OLDEST overdue "
            "bill today: pay it in full with your Visa card. Then ask again for the plan "
            "change. If it is still refused, ask how much is still overdue, say you will "
            "call back after payday, and end the conversation. Do not pay anything else and "
            "do not ask about your suspended phone line."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. You have a Visa ending "
            f"{visa['last4']} and a Discover ending 1505."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            pay,
        ],
        outputs=[newer["balance"]],
        tags=["billing", "payment", "plan-change", "refusal", "overdue"],
    )


@test
def t006_outage_credit_and_big_duplicate(b: Builder) -> None:
    aid = "AC773264"
    acct = b.account(aid)
    newest = acct["invoices"][0]
    may = b.invoice(aid, "INV6632672")
    plan_dup = duplicate_item(may, "Spark 15 plan, 619-959-4777")
    outage = b.outage("73215", "OUT3417")
    internet = b.line(aid, "LN48044")
    amount = entitlement(internet["monthly_price"], outage["duration_days"])
    credit_outage = act(
        "apply_bill_credit",
        account_id=aid,
        invoice_id=newest["invoice_id"],
        reason="outage",
        amount=float(amount),
        line_id="LN48044",
        outage_id="OUT3417",
    )
    b.refused(
        [credit_outage],
        "apply_bill_credit",
        "R11",
        account_id=aid,
        invoice_id=may["invoice_id"],
        reason="billing_error",
        amount=float(plan_dup["amount"]),
        item_id=plan_dup["item_id"],
    )
    b.task(
        "test",
        "telecom-006",
        persona=(
            "You are Elif Çelik, a hospital administrator in Alder Cove who pays the bills "
            "for the whole family. You went through your bills with a highlighter and you "
            "are methodical and firm."
        ),
        goal=(
            "You found two problems: (a) your home internet was down for most of a day in "
            "mid-May and you want the outage credit; (b) on the bill issued in early May, "
            "your own Spark 15 plan was charged twice. Ask for both to be credited and to "
            "be told each amount. Accept what the agent can do directly. If the agent says "
            "the duplicate plan charge cannot be credited by them, accept a transfer to a "
            "human agent for that part, after the outage credit is done."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{acct['contact_phone']}; you live in zip code 73215. The early-May bill was "
            f"issued on {may['issue_date']}."
        ),
        withheld="You do not know invoice ids or outage ids; describe the bills by date.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73215"),
            credit_outage,
            act("get_invoice", account_id=aid, invoice_id=may["invoice_id"]),
            act(
                "transfer_to_human_agents",
                summary=f"{aid}: duplicate Spark 15 plan charge {plan_dup['amount']} on "
                f"{may['invoice_id']} exceeds the 30.00 per-invoice credit limit",
            ),
        ],
        outputs=[amount, plan_dup["amount"]],
        tags=["billing", "credit", "outage", "transfer", "hard"],
    )


@test
def t007_fix_then_pay_then_upgrade(b: Builder) -> None:
    aid = "AC301868"
    acct = b.account(aid)
    overdue = b.invoice(
        aid, next(i["invoice_id"] for i in acct["invoices"] if i["status"] == "overdue")
    )
    fee = duplicate_item(overdue, "Regulatory recovery fee, 472-213-7380")
    visa = acct["payment_methods"][0]
    credit = act(
        "apply_bill_credit",
        account_id=aid,
        invoice_id=overdue["invoice_id"],
        reason="billing_error",
        amount=float(fee["amount"]),
        item_id=fee["item_id"],
    )
    remaining = add_money(overdue["balance"], f"-{fee['amount']}")
    pay = act(
        "make_payment",
        account_id=aid,
        invoice_id=overdue["invoice_id"],
        method_id=visa["method_id"],
        amount=float(remaining),
    )
    b.refused(
        [credit], "change_plan", "R4", account_id=aid, line_id="LN23026", new_plan_id="MOB-SPARK15"
    )
    b.task(
        "test",
        "telecom-007",
        persona=(
            "You are Tanisha Thompson, a school bus dispatcher in Juniper Crossing. You "
            "missed last month's bill because of a family emergency. You are apologetic "
            "but careful with money and ask for amounts before agreeing."
        ),
        goal=(
            "1) Before paying anything, have the double-charged regulatory recovery fee on "
            "your daughter Shanice's line removed from the overdue bill. 2) Then pay what "
            "is left on that overdue bill, in full, with your Visa. 3) Then move your own "
            "phone from Spark 5 to Spark 15. Do not pay the newest bill today."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your number is "
            f"{acct['contact_phone']}; Shanice's is 472-213-7380. Your Visa ends in "
            f"{visa['last4']}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=overdue["invoice_id"]),
            credit,
            pay,
            act("change_plan", account_id=aid, line_id="LN23026", new_plan_id="MOB-SPARK15"),
        ],
        outputs=[fee["amount"], remaining],
        tags=["billing", "credit", "payment", "plan-change", "multi-write", "hard"],
    )


@test
def t008_late_fee_already_credited(b: Builder) -> None:
    aid = "AC306530"
    acct = b.account(aid)
    bill = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    fee = next(i for i in bill["items"] if i["description"] == "Late payment fee")
    credited = next(c for c in bill["credits"] if c["item_id"] == fee["item_id"])
    b.refused(
        [],
        "apply_bill_credit",
        "R10",
        account_id=aid,
        invoice_id=bill["invoice_id"],
        reason="billing_error",
        amount=float(fee["amount"]),
        item_id=fee["item_id"],
    )
    b.task(
        "test",
        "telecom-008",
        persona=(
            "You are Daniel Brooks, a bus driver in Alder Cove. You are annoyed: autopay "
            "always pays on time and yet a late fee showed up on your newest bill. You are "
            "blunt and a little impatient."
        ),
        goal=(
            "Complain about the late payment fee on your newest bill and demand that it be "
            "removed. If the agent explains it has already been credited, ask on which date "
            "it was credited and what you actually owe on that bill now. Do not make a "
            "payment; autopay will handle it. Do not ask for anything else."
        ),
        known=f"Your phone number is {acct['contact_phone']} and your PIN is {b.pin(aid)}.",
        withheld="You do not know your account id.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
        ],
        outputs=[bill["balance"], credited["created_at"][:10]],
        tags=["billing", "refusal", "lookup", "credit"],
    )


@test
def t009_outage_credits_family(b: Builder) -> None:
    aid = "AC226625"
    acct = b.account(aid)
    newest = acct["invoices"][0]
    outage = b.outage("73652", "OUT7287")
    assert outage["duration_days"] == 2
    credits = [
        act(
            "apply_bill_credit",
            account_id=aid,
            invoice_id=newest["invoice_id"],
            reason="outage",
            amount=float(entitlement(ln["monthly_price"], 2)),
            line_id=ln["line_id"],
            outage_id="OUT7287",
        )
        for ln in acct["lines"]
    ]
    assert len(credits) == 5
    total = add_money(*(str(c["kwargs"]["amount"]) for c in credits))
    b.task(
        "test",
        "telecom-009",
        persona=(
            "You are Abdi Farah, a translator in Tessary with four phones and a smartwatch "
            "on one account. You are cheerful and chatty, and you double check totals."
        ),
        goal=(
            "In mid-May the mobile network in your neighbourhood was down for more than a "
            "day. Ask for the outage credit you are owed on every affected line of your "
            "account: the four phones and your watch, which also lost service. At the end, "
            "ask for the total credited."
        ),
        known=(f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your zip code is 73652."),
        withheld="You do not know the outage id or the exact dates.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73652"),
            *credits,
        ],
        outputs=[total],
        tags=["outage", "credit", "multi-write"],
    )


@test
def t010_move_roaming_pass(b: Builder) -> None:
    aid = "AC509853"
    line = b.line(aid, "LN80417")
    old = next(a for a in line["addons"] if a["status"] == "scheduled")
    assert old["addon_id"] == "RP-AMER7" and old["start_date"] == "2026-06-19"
    results = b.task(
        "test",
        "telecom-010",
        persona=(
            "You are Zofia Dudek, an architect in Brennick Falls travelling to a conference "
            "in Mexico City. You are courteous and efficient and give information in one go."
        ),
        goal=(
            "Your flight was moved: you now leave on 2026-06-21 instead of 2026-06-19 and "
            "return on 2026-06-27. You already bought an Americas 7-Day Pass starting "
            "2026-06-19 for your phone. Have it replaced so that the pass starts on "
            "2026-06-21 instead, and ask the agent to confirm the new pass's last day."
        ),
        known=(
            f"Your phone number is {line['phone_number']}. Your account id is {aid} and your "
            f"PIN is {b.pin(aid)}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_line_details", account_id=aid, line_id="LN80417"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN80417",
                line_addon_id=old["line_addon_id"],
            ),
            act(
                "add_addon",
                account_id=aid,
                line_id="LN80417",
                addon_id="RP-AMER7",
                start_date="2026-06-21",
            ),
        ],
        outputs=["2026-06-27"],
        tags=["roaming", "add-on", "multi-write"],
    )
    assert results[-1]["end_date"] == "2026-06-27"


@test
def t011_lost_phone_new_sim(b: Builder) -> None:
    aid = "AC355761"
    line = b.line(aid, "LN46784")
    assert line["status"] == "suspended" and line["suspension_reason"] == "lost_or_stolen"
    hotspot = next(a for a in line["addons"] if a["addon_id"] == "ADD-HOTSPOT20")
    new_sim = iccid("891427003318224706")
    swap = act("swap_sim", account_id=aid, line_id="LN46784", new_iccid=new_sim)
    b.refused(
        [swap],
        "remove_addon",
        "R6",
        account_id=aid,
        line_id="LN46784",
        line_addon_id=hotspot["line_addon_id"],
    )
    b.task(
        "test",
        "telecom-011",
        persona=(
            "You are Felix Becker, a nurse in Port Saffron. You lost your phone a few weeks "
            "ago and had your line suspended. You are practical and speak plainly."
        ),
        goal=(
            "You will use an old spare phone, and you picked up a new SIM card at a store. "
            "1) Put the new SIM on your line. 2) Turn your line back on. 3) Remove the "
            "Hotspot Boost add-on from your line, because the spare phone cannot share its "
            "connection anyway. Keep the Cloud Vault add-on. If the agent reads back the "
            "SIM number, confirm it."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{line['phone_number']}. The number printed on the new SIM card is {new_sim}."
        ),
        withheld="You read out the SIM number only when the agent asks for it.",
        actions=[
            auth_pin(b, aid),
            act("get_line_details", account_id=aid, line_id="LN46784"),
            swap,
            act("resume_line", account_id=aid, line_id="LN46784"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN46784",
                line_addon_id=hotspot["line_addon_id"],
            ),
        ],
        outputs=[],
        tags=["lost-phone", "sim-swap", "resume", "add-on", "multi-write"],
    )


@test
def t012_second_sim_swap(b: Builder) -> None:
    aid = "AC730402"
    line = b.line(aid, "LN12922")
    assert line["last_sim_swap"] == "2026-05-28"
    new_sim = iccid("891427005560193382")
    b.refused([], "swap_sim", "R16", account_id=aid, line_id="LN12922", new_iccid=new_sim)
    b.task(
        "test",
        "telecom-012",
        persona=(
            "You are Tomasz Wójcik, a high-school football coach in Juniper Crossing. Your "
            "phone got soaked at practice and its SIM card is dead, less than two weeks "
            "after you got a new one. You are stressed and talk fast."
        ),
        goal=(
            "Get the new SIM card you just bought activated on your line today; you need "
            "your phone for a team trip. If the agent says it cannot do it, ask from which "
            "date it would be possible, say that is too late, and insist on talking to "
            "someone who can help. Accept a transfer to a human agent."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{line['phone_number']}. The new SIM card number is {new_sim}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_line_details", account_id=aid, line_id="LN12922"),
            act(
                "transfer_to_human_agents",
                summary=f"{aid}: urgent second SIM swap on LN12922 within 30 days (R16)",
            ),
        ],
        outputs=["2026-06-27"],
        tags=["sim-swap", "refusal", "transfer"],
    )


@test
def t013_warranty_expired(b: Builder) -> None:
    aid = "AC812626"
    dev = b.device(aid, "DV33163")
    assert dev["warranty_until"] == "2026-05-31" and dev["status"] == "active"
    b.refused([], "request_warranty_replacement", "R15", account_id=aid, device_id="DV33163")
    b.task(
        "test",
        "telecom-013",
        persona=(
            "You are Felix Vogel, a dental hygienist in Tessary. The charging port of your "
            "Orbit S1 stopped working. You are polite but persistent."
        ),
        goal=(
            "Ask for a free warranty replacement of your own Orbit S1 phone. If the agent "
            "says the warranty has ended, ask on which date it ended and argue once that it "
            "is only a few days. Then accept, and ask the agent to open a support ticket "
            "about the faulty phone on your line so a technician can look at it."
        ),
        known=(
            f"Your number is {b.account(aid)['contact_phone']}. Your account id is {aid} and "
            f"your PIN is {b.pin(aid)}. You bought the phone from Larkspur about a year ago."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_device_details", account_id=aid, device_id="DV33163"),
            act("list_tickets", account_id=aid),
            act("open_ticket", account_id=aid, issue="device_fault", line_id="LN10267"),
        ],
        outputs=["2026-05-31"],
        tags=["device", "warranty", "refusal", "ticket"],
    )


@test
def t014_usage_and_outage(b: Builder) -> None:
    aid = "AC550346"
    phone = b.line(aid, "LN15958")
    usage = phone["usage"][0]
    assert usage["cycle_start"] <= "2026-06-10" <= usage["cycle_end"]
    outage = b.outage("73540", "OUT6862")
    assert outage["status"] == "active"
    b.task(
        "test",
        "telecom-014",
        persona=(
            "You are Takumi Ishikawa, a university lecturer in Quillon Heights working from "
            "home today. You are articulate, slightly anxious, and you think out loud."
        ),
        goal=(
            "1) You keep running out of data on your phone: ask how much data your line "
            "has used in the current billing cycle and on which date the cycle ends. Do not "
            "change your plan. 2) Your home internet has been down since yesterday and you "
            "think the gateway is broken, so ask for a warranty replacement of it. If the "
            "agent tells you there is a known outage in your area, you no longer want a "
            "replacement; instead ask when service should be back and ask to be notified "
            "when it is restored."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{phone['phone_number']}. Your zip code is 73540."
        ),
        withheld="You do not know the gateway's device id.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_line_details", account_id=aid, line_id="LN15958"),
            act("check_outages", zip_code="73540"),
            act("report_outage", account_id=aid, line_id="LN91574"),
        ],
        outputs=[money(usage["data_gb"]), usage["cycle_end"], outage["estimated_restore"][:10]],
        tags=["usage", "outage", "change-of-mind", "lookup"],
    )


@test
def t015_financing_and_bill_question(b: Builder) -> None:
    aid = "AC549051"
    acct = b.account(aid)
    dev = b.device(aid, "DV24102")
    assert dev["financed"] and dev["status"] == "active"
    last = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    roaming = next(i for i in last["items"] if i["kind"] == "roaming")
    b.task(
        "test",
        "telecom-015",
        persona=(
            "You are Su-bin Lim, a community health worker in Rookhaven. You are thinking "
            "about paying off your phone early but want the numbers first. You speak warmly "
            "and ask one question at a time."
        ),
        goal=(
            "1) Ask how much you still owe on your own phone (the Pellucid 14 Pro) and how "
            "much the monthly installment is. When you hear it, say you will think about it "
            "and do NOT pay anything today. 2) Ask why your last bill was so much higher "
            "than usual and how much the extra charge was. Do not change anything."
        ),
        known=f"Your phone number is {acct['contact_phone']} and your PIN is {b.pin(aid)}.",
        withheld="You do not know your account id. You forgot that you bought a roaming pass.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_device_details", account_id=aid, device_id="DV24102"),
            act("get_invoice", account_id=aid, invoice_id=last["invoice_id"]),
        ],
        outputs=[dev["financing_balance"], dev["monthly_installment"], roaming["amount"]],
        tags=["device", "financing", "billing", "lookup"],
    )


@test
def t016_two_passes_seoul(b: Builder) -> None:
    aid = "AC355261"
    acct = b.account(aid)
    phones = [ln for ln in acct["lines"] if ln["line_type"] == "mobile"]
    assert [ln["line_id"] for ln in phones] == ["LN15770", "LN56333"]
    adds = [
        act(
            "add_addon",
            account_id=aid,
            line_id=ln["line_id"],
            addon_id="RP-APAC10",
            start_date="2026-07-02",
        )
        for ln in phones
    ]
    results = b.task(
        "test",
        "telecom-016",
        persona=(
            "You are James Whitaker, a restaurant owner in a hurry, taking your son Michael "
            "to Seoul for a cooking course. You are upbeat and get straight to the point."
        ),
        goal=(
            "You travel to Seoul from 2026-07-02 to 2026-07-09. You want roaming on both "
            "your phone and Michael's phone for the whole trip with the cheapest single "
            "pass that covers it. Ask what it costs per phone, agree, and ask until which "
            "date the passes are valid."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is "
            f"{acct['contact_phone']} and Michael's is {phones[0]['phone_number']}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_addons", line_type="mobile", kind="roaming_pass"),
            *adds,
        ],
        outputs=["45.00", "2026-07-11"],
        tags=["roaming", "add-on", "multi-write"],
    )
    assert results[-1]["end_date"] == "2026-07-11"


@test
def t017_long_europe_trip(b: Builder) -> None:
    aid = "AC182921"
    acct = b.account(aid)
    sofia = next(ln for ln in acct["lines"] if ln["label"] == "Sofia's phone")
    first = act(
        "add_addon",
        account_id=aid,
        line_id=sofia["line_id"],
        addon_id="RP-EU30",
        start_date="2026-06-20",
    )
    second = act(
        "add_addon",
        account_id=aid,
        line_id=sofia["line_id"],
        addon_id="RP-EU7",
        start_date="2026-07-20",
    )
    b.refused(
        [first],
        "add_addon",
        "R8",
        account_id=aid,
        line_id=sofia["line_id"],
        addon_id="RP-EU7",
        start_date="2026-07-19",
    )
    b.task(
        "test",
        "telecom-017",
        persona=(
            "You are Eleni Georgiou, a secondary-school principal in Juniper Crossing. Your "
            "daughter Sofia is backpacking around Europe this summer. You are friendly and "
            "organised but not very technical."
        ),
        goal=(
            "Sofia travels in Europe from 2026-06-20 to 2026-07-24. You want her phone "
            "covered for the whole trip with a Europe 30-Day Pass followed by a Europe "
            "7-Day Pass, the second one starting exactly the day after the first ends. Ask "
            "for the start date of the second pass and the total price of both passes "
            "before confirming."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Sofia's number is "
            f"{sofia['phone_number']}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_addons", line_type="mobile", kind="roaming_pass"),
            first,
            second,
        ],
        outputs=["2026-07-20", "110.00"],
        tags=["roaming", "add-on", "multi-write", "dates"],
    )


@test
def t018_autopay_expired_card(b: Builder) -> None:
    aid = "AC549354"
    acct = b.account(aid)
    expired = next(m for m in acct["payment_methods"] if m["expired"])
    latest = max(
        (m for m in acct["payment_methods"] if not m["expired"]),
        key=lambda m: (m["expiry"][3:], m["expiry"][:2]),
    )
    b.refused([], "enroll_autopay", "R13", account_id=aid, method_id=expired["method_id"])
    last = acct["invoices"][0]
    b.task(
        "test",
        "telecom-018",
        persona=(
            "You are Layla Saleh, a software tester in Rookhaven. You are logical, a bit "
            "sarcastic, and you like precise answers."
        ),
        goal=(
            f"1) Set up autopay on your Mastercard ending {expired['last4']}. If the agent "
            "says that card cannot be used, choose whichever of your other cards expires "
            "last. 2) Ask how much your most recent bill was and whether it is already "
            "paid."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your cards: Mastercard "
            f"ending {expired['last4']}, Visa ending 1395 and Amex ending 0039."
        ),
        withheld="You do not know the expiry dates of your cards by heart.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("enroll_autopay", account_id=aid, method_id=latest["method_id"]),
        ],
        outputs=[last["total"]],
        tags=["autopay", "refusal", "lookup"],
    )


@test
def t019_manual_payments_and_resume(b: Builder) -> None:
    aid = "AC430871"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    expired = next(m for m in acct["payment_methods"] if m["expired"])
    amex = next(m for m in acct["payment_methods"] if m["brand"] == "amex")
    b.refused(
        [],
        "make_payment",
        "R13",
        account_id=aid,
        invoice_id=bill["invoice_id"],
        method_id=expired["method_id"],
        amount=float(bill["balance"]),
    )
    b.task(
        "test",
        "telecom-019",
        persona=(
            "You are Shanice Francis, a physiotherapist in Juniper Crossing, back from six "
            "weeks of volunteering abroad. You want more control over your spending and "
            "you are calm and matter-of-fact."
        ),
        goal=(
            "1) Turn off autopay completely (do not move it to another card). 2) Pay your "
            f"current open bill in full right now with your Visa ending {expired['last4']}; "
            "if the agent says it cannot be used, use your Amex instead. Ask for the amount "
            "before paying. 3) Your own phone line is on a temporary hold since you left; "
            "turn it back on."
        ),
        known=(
            f"Your number is {acct['contact_phone']} and your PIN is {b.pin(aid)}. Your "
            f"cards: Visa ending {expired['last4']} and Amex ending {amex['last4']}."
        ),
        withheld="You do not know your account id.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("cancel_autopay", account_id=aid),
            act(
                "make_payment",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                method_id=amex["method_id"],
                amount=float(bill["balance"]),
            ),
            act("resume_line", account_id=aid, line_id="LN68329"),
        ],
        outputs=[bill["balance"]],
        tags=["autopay", "payment", "resume", "refusal", "multi-write"],
    )


@test
def t020_lost_phone_payoff(b: Builder) -> None:
    aid = "AC808289"
    dev = b.device(aid, "DV16053")
    assert dev["line_id"] == "LN34857" and dev["status"] == "active"
    visa = b.method(aid, "PM45717")
    suspend = act("suspend_line", account_id=aid, line_id="LN34857", reason="lost_or_stolen")
    b.refused([suspend], "request_warranty_replacement", "R15", account_id=aid, device_id="DV16053")
    b.task(
        "test",
        "telecom-020",
        persona=(
            "You are Padraig Keane, an accountant in Tessary. Your phone was stolen on the "
            "tram an hour ago and you are calling from a colleague's phone. You are shaken "
            "but focused."
        ),
        goal=(
            "1) Block your phone line immediately because the phone was stolen. 2) Ask "
            "whether you can get a free warranty replacement; accept the answer. 3) Ask how "
            "much is still owed on the stolen phone and pay that off in full today with "
            f"your Visa ending {visa['last4']}."
        ),
        known=(
            f"Your account id is {aid}, your PIN is {b.pin(aid)}. Your number is "
            f"{b.account(aid)['contact_phone']}. You have a Visa ending {visa['last4']}, a "
            "Discover ending 2280 and a bank account on file."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            suspend,
            act("get_device_details", account_id=aid, device_id="DV16053"),
            act("pay_off_device", account_id=aid, device_id="DV16053", method_id=visa["method_id"]),
        ],
        outputs=[dev["financing_balance"]],
        tags=["lost-phone", "suspend", "financing", "multi-write"],
    )


@test
def t021_back_from_trip(b: Builder) -> None:
    aid = "AC217102"
    acct = b.account(aid)
    tickets = {t["ticket_id"]: t for t in b.read("list_tickets", account_id=aid)}
    assert tickets["TK59702"]["status"] == "resolved"
    last = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    roaming = next(i for i in last["items"] if i["kind"] == "roaming")
    b.task(
        "test",
        "telecom-021",
        persona=(
            "You are Wayra Quispe, a photographer in Millbridge, just back from a long "
            "assignment abroad. You are relaxed and chatty."
        ),
        goal=(
            "1) Your own phone line has been on a temporary hold while you were away; turn "
            "it back on. 2) You had asked a question about your bill in a support ticket "
            "and it was answered; have that ticket closed. 3) Ask which roaming pass was "
            "charged on your last bill, for whose phone, and how much it cost."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="You do not know the ticket id.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("resume_line", account_id=aid, line_id="LN56061"),
            act("list_tickets", account_id=aid),
            act("close_ticket", account_id=aid, ticket_id="TK59702"),
            act("get_invoice", account_id=aid, invoice_id=last["invoice_id"]),
        ],
        outputs=[roaming["amount"]],
        tags=["resume", "ticket", "billing", "multi-write"],
    )


@test
def t022_ticket_fixed_plan_too_soon(b: Builder) -> None:
    aid = "AC306500"
    line = b.line(aid, "LN18933")
    assert line["last_plan_change"] == "2026-05-30"
    tickets = {t["ticket_id"]: t for t in b.read("list_tickets", account_id=aid)}
    assert tickets["TK45148"]["status"] == "in_progress"
    b.refused([], "change_plan", "R5", account_id=aid, line_id="LN18933", new_plan_id="MOB-SPARK15")
    b.refused([], "close_ticket", "R17", account_id=aid, ticket_id="TK45148")
    b.task(
        "test",
        "telecom-022",
        persona=(
            "You are Salma Nasser, a civil engineer in Juniper Crossing. You are polite and "
            "a bit formal."
        ),
        goal=(
            "1) The 'SIM not detected' problem on your own phone is fixed since you "
            "restarted it; have that ticket closed. 2) Your daughter Nadia moved to Horizon "
            "Unlimited recently but she does not need it; ask to move her line to Spark 15. "
            "If the agent refuses, ask from which date it will be possible and say you will "
            "call back then."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("list_tickets", account_id=aid),
            act("update_ticket", account_id=aid, ticket_id="TK45148", new_status="resolved"),
            act("close_ticket", account_id=aid, ticket_id="TK45148"),
            act("get_line_details", account_id=aid, line_id="LN18933"),
        ],
        outputs=["2026-06-29"],
        tags=["ticket", "plan-change", "refusal", "multi-write"],
    )


@test
def t023_duplicate_ticket(b: Builder) -> None:
    aid = "AC364395"
    acct = b.account(aid)
    assert not [
        o for o in b.read("check_outages", zip_code="73875")["outages"] if o["status"] == "active"
    ]
    b.refused([], "open_ticket", "R18", account_id=aid, issue="slow_speeds", line_id="LN58851")
    b.task(
        "test",
        "telecom-023",
        persona=(
            f"You are {acct['name']}, a courier in Rookhaven; your mobile data has been "
            "crawling downtown all week. You are irritated and repeat yourself."
        ),
        goal=(
            "Demand that a new support ticket be opened about your slow mobile data. If "
            "the agent says a ticket already exists for it, ask for that ticket's id and "
            "status so you can follow up, and end the conversation. You want no other "
            "change."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your zip is 73875.",
        withheld="You do not remember whether you already reported this before.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73875"),
            act("list_tickets", account_id=aid),
        ],
        outputs=["TK83366"],
        tags=["ticket", "refusal", "lookup"],
    )


@test
def t024_outage_credit_too_early(b: Builder) -> None:
    aid = "AC120386"
    outage = b.outage("73540", "OUT6862")
    newest = b.account(aid)["invoices"][0]
    b.refused(
        [],
        "apply_bill_credit",
        "R10",
        account_id=aid,
        invoice_id=newest["invoice_id"],
        reason="outage",
        amount=1.5,
        line_id="LN88811",
        outage_id="OUT6862",
    )
    b.task(
        "test",
        "telecom-024",
        persona=(
            "You are Hodan Hassan, a delivery-app developer in Quillon Heights whose home "
            "internet died yesterday afternoon. You are direct and expect compensation."
        ),
        goal=(
            "Your home internet is down. Ask what is going on and when it will be back. "
            "Demand a bill credit for this outage right now. If the agent says credits are "
            "only possible after the outage is over, accept that, and ask to be registered "
            "so you are notified when service is restored."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your zip code is 73540.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73540"),
            act("report_outage", account_id=aid, line_id="LN88811"),
        ],
        outputs=[outage["estimated_restore"][:10]],
        tags=["outage", "credit", "refusal"],
    )


@test
def t025_gateway_warranty(b: Builder) -> None:
    aid = "AC233045"
    router = b.device(aid, "DV25531")
    assert router["kind"] == "router" and router["warranty_until"] >= "2026-06-10"
    hotspot = next(
        a
        for a in b.line(aid, "LN25196")["addons"]
        if a["addon_id"] == "ADD-HOTSPOT20" and a["status"] == "active"
    )
    b.task(
        "test",
        "telecom-025",
        persona=(
            "You are Wei Guo, a high-school chemistry teacher in Alder Cove. Your fiber "
            "gateway keeps rebooting, even after a factory reset. You are patient and "
            "methodical."
        ),
        goal=(
            "1) Get a warranty replacement for your home-internet gateway, which you got "
            "from Larkspur in March. 2) Your daughter Mei added Hotspot Boost to her line "
            "without asking you; remove it."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="You do not know the gateway's device id.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("request_warranty_replacement", account_id=aid, device_id="DV25531"),
            act("get_line_details", account_id=aid, line_id="LN25196"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN25196",
                line_addon_id=hotspot["line_addon_id"],
            ),
        ],
        outputs=[],
        tags=["device", "warranty", "add-on", "multi-write"],
    )


@test
def t026_cancel_line_transfer(b: Builder) -> None:
    aid = "AC359993"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    assert bill["status"] == "open"
    b.task(
        "test",
        "telecom-026",
        persona=(
            "You are Michael Pruitt, a warehouse manager in Brennick Falls. Your daughter "
            "Olivia lost her phone last month and has since moved abroad for work. You are "
            "tired of paying for a line nobody uses."
        ),
        goal=(
            "First ask how much your current open bill is. Then ask to cancel Olivia's line "
            "permanently (not suspend it; it is already suspended). If the agent cannot "
            "cancel lines, accept being transferred to someone who can."
        ),
        known=(
            f"Your phone number is {acct['contact_phone']} and your PIN is {b.pin(aid)}. "
            "Olivia's number is 538-666-1051."
        ),
        withheld="You do not know your account id.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act(
                "transfer_to_human_agents",
                summary=f"{aid}: customer wants to cancel suspended line LN64547",
            ),
        ],
        outputs=[bill["balance"]],
        tags=["transfer", "lookup"],
    )


# --- dev tasks ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files differ")
    args = parser.parse_args(argv)
    builder = Builder()
    test_tasks(builder)
    dev_tasks(builder)
    stale = False
    for split, tasks in builder.tasks.items():
        text = json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"
        path = TASK_DIR / f"{split}.json"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date", file=sys.stderr)
                stale = True
        else:
            TASK_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"{path}: {len(tasks)} tasks")
    if stale:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
