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
        """Check that ``name(**kwargs)`` is refused (citing ``rule``) after ``before``.
        Every account counts as verified here, so the refusal is the rule's, never the
        missing verification's."""
        env = Environment(DOMAIN)
        for account_id in self.customers:
            env.auth.grant(account_id)
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
            # No return date here: the pass's last day (2026-06-27) is the required output.
            "Your flight was moved: you now leave on 2026-06-21 instead of 2026-06-19. You "
            "already bought an Americas 7-Day Pass starting 2026-06-19 for your phone. Have "
            "it replaced so that the pass starts on 2026-06-21 instead, and ask the agent to "
            "confirm the new pass's last day."
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


@test
def t027_ticket_came_back(b: Builder) -> None:
    aid = "AC693237"
    tickets = {t["ticket_id"]: t for t in b.read("list_tickets", account_id=aid)}
    assert tickets["TK50919"]["status"] == "resolved"
    assert tickets["TK91742"]["status"] == "resolved"
    b.task(
        "test",
        "telecom-027",
        persona=(
            "You are Xiaoling Liu, a bakery owner in Millbridge. You are warm but tired of "
            "repeating the same complaint."
        ),
        goal=(
            "1) The dropped calls at home on your own phone, which a technician said were "
            "fixed, have come back since Monday: have that ticket reopened rather than a new "
            "one. 2) Your son Hao's roaming problem from his last trip is no longer an "
            "issue: have his ticket closed."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="You do not know ticket ids.",
        actions=[
            auth_pin(b, aid),
            act("list_tickets", account_id=aid),
            act("update_ticket", account_id=aid, ticket_id="TK50919", new_status="in_progress"),
            act("close_ticket", account_id=aid, ticket_id="TK91742"),
        ],
        outputs=[],
        tags=["ticket", "multi-write"],
    )


@test
def t028_legacy_plan_refused(b: Builder) -> None:
    aid = "AC731350"
    b.refused(
        [], "change_plan", "R3", account_id=aid, line_id="LN53458", new_plan_id="MOB-CLASSIC10"
    )
    b.task(
        "test",
        "telecom-028",
        persona=(
            "You are Mai Dang, a nursing student in Brennick Falls looking to cut costs. "
            "You are quiet and polite and take advice easily."
        ),
        goal=(
            "Ask to switch your phone to the Classic 10 plan, which your brother has and "
            "which costs 30.00 a month. If the agent says that plan is not available, ask "
            "for the cheapest plan that is offered, ask its monthly price, and switch to it."
        ),
        known=f"Your number is {b.account(aid)['contact_phone']}; your PIN is {b.pin(aid)}.",
        withheld="You do not know your account id.",
        actions=[
            by_phone(b.account(aid)["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_plans", line_type="mobile"),
            act("change_plan", account_id=aid, line_id="LN53458", new_plan_id="MOB-SPARK5"),
        ],
        outputs=["25.00"],
        tags=["plan-change", "refusal", "change-of-mind"],
    )


@test
def t029_watch_plan(b: Builder) -> None:
    aid = "AC272592"
    b.refused([], "change_plan", "R3", account_id=aid, line_id="LN35707", new_plan_id="MOB-SPARK5")
    tickets = {t["ticket_id"]: t for t in b.read("list_tickets", account_id=aid)}
    assert tickets["TK32891"]["status"] == "in_progress"
    b.task(
        "test",
        "telecom-029",
        persona=(
            "You are Kavya Gupta, a marathon runner in Brennick Falls who trains without "
            "her phone. You are enthusiastic and talk about your training a lot."
        ),
        goal=(
            "1) You want your smartwatch to have its own number so you can take calls while "
            "running: ask to put the watch line on the Spark 5 phone plan. If that is not "
            "possible, ask which watch plan gives the watch its own number and switch the "
            "watch to it. 2) Your watch syncs with your phone again since the last update: "
            "have the open ticket about that closed."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_plans", line_type="wearable"),
            act("change_plan", account_id=aid, line_id="LN35707", new_plan_id="WRB-LINKPLUS"),
            act("list_tickets", account_id=aid),
            act("update_ticket", account_id=aid, ticket_id="TK32891", new_status="resolved"),
            act("close_ticket", account_id=aid, ticket_id="TK32891"),
        ],
        outputs=[],
        tags=["plan-change", "refusal", "ticket", "wearable", "multi-write"],
    )


@test
def t030_overpayment_refused(b: Builder) -> None:
    aid = "AC186528"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    amex = next(m for m in acct["payment_methods"] if m["brand"] == "amex")
    b.refused(
        [],
        "make_payment",
        "R12",
        account_id=aid,
        invoice_id=bill["invoice_id"],
        method_id=amex["method_id"],
        amount=100.0,
    )
    b.task(
        "test",
        "telecom-030",
        persona=(
            "You are Larissa Silva, a flight attendant in Carrow Point who will be away a "
            "lot this summer. You like to plan ahead and are chatty."
        ),
        goal=(
            "You want to pay 100.00 now with your Amex so that you have money ahead on your "
            "account while you travel. If the agent says you cannot pay more than the bill, "
            "pay the current bill in full with the Amex instead, and ask for the amount "
            "paid."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your Amex ends in 4444.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act(
                "make_payment",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                method_id=amex["method_id"],
                amount=float(bill["balance"]),
            ),
        ],
        outputs=[bill["balance"]],
        tags=["payment", "refusal"],
    )


@test
def t031_card_verification(b: Builder) -> None:
    aid = "AC232286"
    line = b.line(aid, "LN11298")
    guard = next(a for a in line["addons"] if a["addon_id"] == "ADD-CALLGUARD")
    trip = next(a for a in line["addons"] if a["status"] == "scheduled")
    wrong_pin = "1" + b.pin(aid)[1:] if b.pin(aid)[0] != "1" else "2" + b.pin(aid)[1:]
    b.refused([], "verify_identity", "R1", account_id=aid, pin=wrong_pin)
    b.task(
        "test",
        "telecom-031",
        persona=(
            "You are Yonas Alemu, a civil servant in Juniper Crossing. You never remember "
            "your PIN. You are courteous and a little self-deprecating."
        ),
        goal=(
            f"When asked for your PIN, first say {wrong_pin}. If it is wrong, offer the "
            "last four digits of your Discover card instead. Then: 1) remove the Call Guard "
            "Pro add-on from your daughter Selam's line, she finds it annoying; 2) cancel "
            "the Europe 7-Day Pass on Selam's line, because her school trip starting "
            "tomorrow was cancelled."
        ),
        known=(
            f"Your account id is {aid}. Your Discover card ends in 8104 and your Mastercard "
            "in 7168. Selam's number is 472-874-7580."
        ),
        withheld="You believe your PIN is the wrong one above; you do not know the real one.",
        actions=[
            act("verify_identity", account_id=aid, card_last4="8104"),
            act("get_line_details", account_id=aid, line_id="LN11298"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN11298",
                line_addon_id=guard["line_addon_id"],
            ),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN11298",
                line_addon_id=trip["line_addon_id"],
            ),
        ],
        outputs=[],
        tags=["authentication", "add-on", "roaming", "multi-write"],
    )


@test
def t032_duplicate_plan_and_hotspot(b: Builder) -> None:
    aid = "AC681829"
    bill = b.invoice(aid, "INV2893773")
    assert bill["status"] == "paid"
    dup = duplicate_item(bill, "Spark 5 plan, 472-389-6715")
    tickets = {t["ticket_id"]: t for t in b.read("list_tickets", account_id=aid)}
    assert tickets["TK78498"]["status"] == "in_progress"
    results = b.task(
        "test",
        "telecom-032",
        persona=(
            "You are Can Şahin, a taxi driver in Port Saffron who manages the account for "
            "himself and his son Mehmet. You are friendly, informal and joke a lot."
        ),
        goal=(
            "1) Your May bill (issued 2026-05-19) charged Mehmet's Spark 5 plan twice; get "
            "the duplicate credited and ask where the money goes since that bill is already "
            "paid. 2) Mehmet complained his hotspot does not work; if the agent explains "
            "his plan has no hotspot, add the Hotspot Boost add-on to his line. 3) Then have "
            "Mehmet's open ticket about the hotspot closed, since this solves it."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Mehmet's number is "
            "472-389-6715."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                reason="billing_error",
                amount=float(dup["amount"]),
                item_id=dup["item_id"],
            ),
            act("get_line_details", account_id=aid, line_id="LN93392"),
            act("add_addon", account_id=aid, line_id="LN93392", addon_id="ADD-HOTSPOT20"),
            act("list_tickets", account_id=aid),
            act("update_ticket", account_id=aid, ticket_id="TK78498", new_status="resolved"),
            act("close_ticket", account_id=aid, ticket_id="TK78498"),
        ],
        outputs=[dup["amount"]],
        tags=["billing", "credit", "add-on", "ticket", "multi-write", "hard"],
    )
    assert results[3]["added_to_account_credit"] == dup["amount"]


@test
def t033_hold_or_pass(b: Builder) -> None:
    aid = "AC810156"
    results = b.task(
        "test",
        "telecom-033",
        persona=(
            "You are Daniel Whitaker, a wedding photographer in Port Saffron who is going "
            "to shoot a wedding in Lisbon. You think out loud and change your mind easily."
        ),
        goal=(
            "You will be in Lisbon from 2026-06-15 to 2026-06-19. First ask to put your "
            "phone line on a temporary hold while you are away to save money. If the agent "
            "tells you the plan is still billed during a hold, change your mind: you do not "
            "want a hold after all, and you would rather be reachable in Lisbon. Ask for "
            "the cheapest roaming pass that covers the whole trip and add it."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_addons", line_type="mobile", kind="roaming_pass"),
            act(
                "add_addon",
                account_id=aid,
                line_id="LN80134",
                addon_id="RP-EU7",
                start_date="2026-06-15",
            ),
        ],
        outputs=["35.00"],
        tags=["roaming", "change-of-mind", "add-on"],
    )
    assert results[-1]["end_date"] == "2026-06-21"


@test
def t034_fee_and_plan_change_of_mind(b: Builder) -> None:
    aid = "AC138036"
    bill = b.invoice(aid, b.account(aid)["invoices"][0]["invoice_id"])
    fee = duplicate_item(bill, "Regulatory recovery fee, 538-804-7809")
    b.task(
        "test",
        "telecom-034",
        persona=(
            "You are Sisa Mamani, a graphic designer in Brennick Falls who streams a lot of "
            "video on the bus. You are indecisive and ask about prices before deciding."
        ),
        goal=(
            "1) Your last bill shows the regulatory recovery fee twice; have the duplicate "
            "credited. 2) You want unlimited data: first ask for Horizon Unlimited Max. "
            "When the agent tells you its monthly price, say it is too expensive and ask "
            "for the regular Horizon Unlimited instead, and switch to that one."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                reason="billing_error",
                amount=float(fee["amount"]),
                item_id=fee["item_id"],
            ),
            act("list_plans", line_type="mobile"),
            act("change_plan", account_id=aid, line_id="LN65810", new_plan_id="MOB-HZN"),
        ],
        outputs=[fee["amount"], "72.50"],
        tags=["billing", "credit", "plan-change", "change-of-mind", "multi-write"],
    )


@test
def t035_wrong_late_fee(b: Builder) -> None:
    aid = "AC495502"
    bill = b.invoice(aid, "INV4402126")
    previous = b.invoice(aid, "INV5199455")
    paid = [p for p in previous["payments"] if p["status"] == "completed"]
    assert previous["status"] == "paid" and paid[-1]["paid_at"][:10] <= previous["due_date"]
    fee = next(i for i in bill["items"] if i["description"] == "Late payment fee")
    protection = next(a for a in b.line(aid, "LN52813")["addons"] if a["addon_id"] == "ADD-PROTECT")
    b.task(
        "test",
        "telecom-035",
        persona=(
            "You are Johan Johansson, a retired ferry captain in Rookhaven who reads every "
            "bill carefully. You are precise and a bit stubborn."
        ),
        goal=(
            "1) Your bill issued on 2026-05-04 has a late payment fee, but you paid the "
            "April bill on its due date; get the fee credited. 2) Your grandson Lars no "
            "longer wants Device Protection on his phone; remove it from his line."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Lars's number is 619-698-6692."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act("get_invoice", account_id=aid, invoice_id=previous["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                reason="billing_error",
                amount=float(fee["amount"]),
                item_id=fee["item_id"],
            ),
            act("get_line_details", account_id=aid, line_id="LN52813"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN52813",
                line_addon_id=protection["line_addon_id"],
            ),
        ],
        outputs=[fee["amount"]],
        tags=["billing", "credit", "add-on", "multi-write"],
    )


@test
def t036_family_back_online(b: Builder) -> None:
    aid = "AC694085"
    acct = b.account(aid)
    overdue = sorted(
        (i for i in acct["invoices"] if i["status"] == "overdue"), key=lambda i: i["issue_date"]
    )
    newest = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    dup = duplicate_item(newest, "Talk & Text Essentials plan, 538-328-6617")
    bank = next(m for m in acct["payment_methods"] if m["kind"] == "bank_account")
    pays = [
        act(
            "make_payment",
            account_id=aid,
            invoice_id=i["invoice_id"],
            method_id=bank["method_id"],
            amount=float(i["balance"]),
        )
        for i in overdue
    ]
    resumes = [act("resume_line", account_id=aid, line_id=ln["line_id"]) for ln in acct["lines"]]
    assert len(resumes) == 3
    b.task(
        "test",
        "telecom-036",
        persona=(
            "You are Shirin Karimi, a single parent in Quillon Heights whose three family "
            "phones were cut off while you were in hospital. You are tired but determined "
            "to sort everything out in one call."
        ),
        goal=(
            "1) Pay everything that is overdue from your bank account (not the newest bill, "
            "which is not due yet) and ask for the total. 2) Get all three phone lines "
            "turned back on. 3) You also noticed your son Reza's Talk & Text plan is "
            "charged twice on the newest bill; get the duplicate credited."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. You have a bank "
            "account on file and two Mastercards; you want to pay from the bank account."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            *pays,
            *resumes,
            act("get_invoice", account_id=aid, invoice_id=newest["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=newest["invoice_id"],
                reason="billing_error",
                amount=float(dup["amount"]),
                item_id=dup["item_id"],
            ),
        ],
        outputs=[add_money(*(i["balance"] for i in overdue)), dup["amount"]],
        tags=["billing", "payment", "resume", "credit", "non-payment", "multi-write", "hard"],
    )


@test
def t037_pass_started(b: Builder) -> None:
    aid = "AC303386"
    line = b.line(aid, "LN89864")
    trip = next(
        a for a in line["addons"] if a["status"] == "active" and a["kind"] == "roaming_pass"
    )
    assert trip["status"] == "active" and trip["end_date"] == "2026-06-15"
    b.refused(
        [],
        "remove_addon",
        "R9",
        account_id=aid,
        line_id="LN89864",
        line_addon_id=trip["line_addon_id"],
    )
    b.task(
        "test",
        "telecom-037",
        persona=(
            "You are Yui Kobayashi, a museum curator in Rookhaven who came home early from "
            "a trip to Vienna. You are courteous but disappointed."
        ),
        goal=(
            "1) Ask to cancel the Europe 7-Day Pass on your phone and get a refund, since "
            "you are already home. If refused, ask until which date it stays active and "
            "accept. 2) You realised you do not need unlimited data: move your phone to "
            "the Spark 15 plan."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_line_details", account_id=aid, line_id="LN89864"),
            act("change_plan", account_id=aid, line_id="LN89864", new_plan_id="MOB-SPARK15"),
        ],
        outputs=["2026-06-15"],
        tags=["roaming", "refusal", "plan-change"],
    )


@test
def t038_lost_watch(b: Builder) -> None:
    aid = "AC900300"
    watch = b.device(aid, "DV50682")
    assert watch["line_id"] == "LN21774" and watch["financing_balance"] != "0.00"
    visa = next(m for m in b.account(aid)["payment_methods"] if m["brand"] == "visa")
    b.task(
        "test",
        "telecom-038",
        persona=(
            "You are Jae-won Choi, a cycling courier in Carrow Point who lost his "
            "smartwatch on a delivery run. You are upbeat and make light of it."
        ),
        goal=(
            "1) Block your watch's line because the watch is lost. 2) Ask how much is still "
            f"owed on the watch and pay it off in full with your Visa ending {visa['last4']}, "
            "so nothing more is billed for it."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("suspend_line", account_id=aid, line_id="LN21774", reason="lost_or_stolen"),
            act("get_device_details", account_id=aid, device_id="DV50682"),
            act("pay_off_device", account_id=aid, device_id="DV50682", method_id=visa["method_id"]),
        ],
        outputs=[watch["financing_balance"]],
        tags=["lost-phone", "wearable", "financing", "multi-write"],
    )


@test
def t039_cancel_pass_on_suspended_line(b: Builder) -> None:
    aid = "AC890192"
    acct = b.account(aid)
    line = b.line(aid, "LN91855")
    trip = next(a for a in line["addons"] if a["status"] == "scheduled")
    overdue = sorted(
        (i for i in acct["invoices"] if i["status"] == "overdue"), key=lambda i: i["issue_date"]
    )
    visa = acct["payment_methods"][0]
    pays = [
        act(
            "make_payment",
            account_id=aid,
            invoice_id=i["invoice_id"],
            method_id=visa["method_id"],
            amount=float(i["balance"]),
        )
        for i in overdue
    ]
    b.refused(
        [],
        "remove_addon",
        "R6",
        account_id=aid,
        line_id="LN91855",
        line_addon_id=trip["line_addon_id"],
    )
    b.refused([], "resume_line", "R7", account_id=aid, line_id="LN91855")
    b.task(
        "test",
        "telecom-039",
        persona=(
            "You are Olivia Hayes, an event planner in Rookhaven. Your July trip to Mexico "
            "was cancelled and you fell behind on your phone bills during a busy season. "
            "You are brisk and businesslike."
        ),
        goal=(
            "Cancel the Americas 7-Day Pass scheduled on your own phone line for July. If "
            "the agent says your line must be active first, ask what it takes; agree to pay "
            "all overdue bills with your Visa and to have ONLY your own line turned back on "
            "(your son Michael's line stays suspended), then cancel the pass. Ask for the "
            "total you paid."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your Visa ends in 4580.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_line_details", account_id=aid, line_id="LN91855"),
            *pays,
            act("resume_line", account_id=aid, line_id="LN91855"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN91855",
                line_addon_id=trip["line_addon_id"],
            ),
        ],
        outputs=[add_money(*(i["balance"] for i in overdue))],
        tags=["roaming", "payment", "resume", "refusal", "non-payment", "multi-write", "hard"],
    )


@test
def t040_partial_payment(b: Builder) -> None:
    aid = "AC115605"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    card = acct["payment_methods"][0]
    results = b.task(
        "test",
        "telecom-040",
        persona=(
            "You are Natalia Kovalenko, a music teacher in Eastmere paid twice a month. You "
            "are friendly and like to split bigger bills."
        ),
        goal=(
            "Pay 50.00 toward your newest bill today with your Discover card, and ask how "
            "much will still be left to pay on it and by which date."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act(
                "make_payment",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                method_id=card["method_id"],
                amount=50.0,
            ),
        ],
        outputs=[add_money(bill["balance"], "-50.00"), bill["due_date"]],
        tags=["payment", "billing"],
    )
    assert results[-1]["invoice"]["balance"] == add_money(bill["balance"], "-50.00")


@test
def t041_sim_misread(b: Builder) -> None:
    aid = "AC494693"
    good = iccid("891427009930458817")
    bad = wrong_check_digit(good)
    b.refused([], "swap_sim", "R16", account_id=aid, line_id="LN49853", new_iccid=bad)
    b.task(
        "test",
        "telecom-041",
        persona=(
            "You are Declan O'Brien, a landscaper in Juniper Crossing whose SIM card cracked "
            "when his phone fell. You are calling from a friend's phone, squinting at a "
            "tiny SIM card."
        ),
        goal=(
            f"Activate the new SIM card you bought on your line. The first time the agent "
            f"asks for the SIM number, read it as {bad}. If the agent says it is not valid, "
            f"look again and read the correct number {good}."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your number is 538-414-9865."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("swap_sim", account_id=aid, line_id="LN49853", new_iccid=good),
        ],
        outputs=[],
        tags=["sim-swap", "device"],
    )


@test
def t042_two_outages_one_phone(b: Builder) -> None:
    aid = "AC868469"
    acct = b.account(aid)
    newest = acct["invoices"][0]
    phone = next(ln for ln in acct["lines"] if ln["line_id"] == "LN94318")
    home = next(ln for ln in acct["lines"] if ln["line_id"] == "LN78418")
    mobile = [b.outage("73872", o) for o in ("OUT7393", "OUT4508")]
    fiber = b.outage("73872", "OUT4862")
    credits = [
        act(
            "apply_bill_credit",
            account_id=aid,
            invoice_id=newest["invoice_id"],
            reason="outage",
            amount=float(entitlement(phone["monthly_price"], o["duration_days"])),
            line_id="LN94318",
            outage_id=o["outage_id"],
        )
        for o in mobile
    ]
    credits.append(
        act(
            "apply_bill_credit",
            account_id=aid,
            invoice_id=newest["invoice_id"],
            reason="outage",
            amount=float(entitlement(home["monthly_price"], fiber["duration_days"])),
            line_id="LN78418",
            outage_id="OUT4862",
        )
    )
    total = add_money(*(str(c["kwargs"]["amount"]) for c in credits))
    b.task(
        "test",
        "telecom-042",
        persona=(
            "You are Maricel Dela Cruz, a call-centre team lead in Rookhaven who keeps a "
            "log of every service problem. You are organised and expect to be compensated "
            "correctly."
        ),
        goal=(
            "Your own phone lost mobile service during two separate network outages in the "
            "last two months (one in April, one in May), and your home internet was down "
            "for a few hours at the end of May. Ask for every outage credit you are owed "
            "for your own phone and the home internet (not your daughter Jasmine's phone), "
            "and ask for the total."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your zip code is 73872 "
            f"and your number is {acct['contact_phone']}."
        ),
        withheld="You do not know the outage ids or exact times.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73872"),
            *credits,
        ],
        outputs=[total],
        tags=["outage", "credit", "multi-write"],
    )


@test
def t043_bank_autopay_and_upgrade(b: Builder) -> None:
    aid = "AC123370"
    acct = b.account(aid)
    bank = next(m for m in acct["payment_methods"] if m["kind"] == "bank_account")
    b.task(
        "test",
        "telecom-043",
        persona=(
            "You are James Carver, a game developer in Brennick Falls who just started "
            "working from home full time. You are easy-going and brief."
        ),
        goal=(
            "1) Upgrade your home internet from Fiber 300 to the 1 Gig fiber plan; ask the "
            "new monthly price first. 2) Set up autopay from your bank account so you never "
            "miss a bill."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_plans", line_type="home_internet"),
            act("change_plan", account_id=aid, line_id="LN63983", new_plan_id="HOM-FIBER1G"),
            act("enroll_autopay", account_id=aid, method_id=bank["method_id"]),
        ],
        outputs=["68.00"],
        tags=["plan-change", "autopay", "multi-write"],
    )


@test
def t044_swap_features(b: Builder) -> None:
    aid = "AC157126"
    guard = next(
        a
        for a in b.line(aid, "LN19731")["addons"]
        if a["addon_id"] == "ADD-CALLGUARD" and a["status"] == "active"
    )
    b.task(
        "test",
        "telecom-044",
        persona=(
            "You are Orla Doyle, a wildlife photographer in Port Saffron whose phone storage "
            "is always full. You are cheerful and concise."
        ),
        goal=(
            "Drop the Call Guard Pro add-on from your phone and add the Cloud Vault 200 GB "
            "backup add-on instead. Ask how much the Cloud Vault costs per month."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_line_details", account_id=aid, line_id="LN19731"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN19731",
                line_addon_id=guard["line_addon_id"],
            ),
            act("add_addon", account_id=aid, line_id="LN19731", addon_id="ADD-CLOUD200"),
        ],
        outputs=["3.99"],
        tags=["add-on", "multi-write"],
    )


@test
def t045_account_holder_change(b: Builder) -> None:
    aid = "AC142424"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    b.task(
        "test",
        "telecom-045",
        persona=(
            "You are Dariush Karimi, a retired engineer in Brennick Falls who wants his "
            "son Reza to take over the family account. You are formal and patient."
        ),
        goal=(
            "First ask how much is due on your newest bill and by when. Then ask to make "
            "your son Reza the account holder instead of you. If the agent cannot do that, "
            "accept a transfer to someone who can."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act(
                "transfer_to_human_agents",
                summary=f"{aid}: customer wants to transfer account ownership to his son",
            ),
        ],
        outputs=[bill["balance"], bill["due_date"]],
        tags=["transfer", "lookup"],
    )


# --- dev tasks ---------------------------------------------------------------------------


@dev
def d01_last_payment(b: Builder) -> None:
    aid = "AC194593"
    acct = b.account(aid)
    last = b.invoice(aid, acct["invoices"][0]["invoice_id"])
    payment = [p for p in last["payments"] if p["status"] == "completed"][-1]
    b.task(
        "dev",
        "telecom-dev-01",
        persona=(
            "You are Huy Vu, a bicycle mechanic in Juniper Crossing who is checking that "
            "autopay really works. You are laid-back and brief."
        ),
        goal=(
            "Ask when your last payment was taken and how much it was. You do not want to "
            "change anything."
        ),
        known=f"Your phone number is {acct['contact_phone']}; your PIN is {b.pin(aid)}.",
        withheld="You do not know your account id.",
        actions=[
            by_phone(acct["contact_phone"]),
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=last["invoice_id"]),
        ],
        outputs=[payment["amount"], payment["paid_at"][:10]],
        tags=["billing", "lookup", "easy"],
    )


@dev
def d02_fiber_upgrade(b: Builder) -> None:
    aid = "AC597585"
    b.task(
        "dev",
        "telecom-dev-02",
        persona=(
            "You are Jun Lin, a video streamer in Millbridge whose uploads are too slow. You "
            "are enthusiastic and use a lot of gaming slang."
        ),
        goal=(
            "Upgrade your home internet to the fastest fiber plan available. Ask for its "
            "monthly price before confirming."
        ),
        known=f"Your account id is {aid} and your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("list_plans", line_type="home_internet"),
            act("change_plan", account_id=aid, line_id="LN15979", new_plan_id="HOM-FIBER2G"),
        ],
        outputs=["92.00"],
        tags=["plan-change", "easy"],
    )


@dev
def d03_family_addons(b: Builder) -> None:
    aid = "AC124313"
    hotspot = next(
        a
        for a in b.line(aid, "LN23454")["addons"]
        if a["addon_id"] == "ADD-HOTSPOT20" and a["status"] == "active"
    )
    b.task(
        "dev",
        "telecom-dev-03",
        persona=(
            "You are Bohdan Melnyk, a bus mechanic in Quillon Heights who manages his "
            "family's phones. You are gruff but fair."
        ),
        goal=(
            "1) Your son Taras needs to call his grandparents abroad: add World Calling 300 "
            "to his line. 2) Your daughter Natalia never uses her Hotspot Boost: remove it "
            "from her line."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Taras's number is "
            "538-259-4740 and Natalia's is 619-324-3944."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("add_addon", account_id=aid, line_id="LN77827", addon_id="ADD-INTLCALL"),
            act("get_line_details", account_id=aid, line_id="LN23454"),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN23454",
                line_addon_id=hotspot["line_addon_id"],
            ),
        ],
        outputs=[],
        tags=["add-on", "multi-write"],
    )


@dev
def d04_duplicate_then_pay(b: Builder) -> None:
    aid = "AC490609"
    bill = b.invoice(aid, b.account(aid)["invoices"][0]["invoice_id"])
    dup = duplicate_item(bill, "Call Guard Pro, 472-771-9082")
    card = b.method(aid, "PM15511")
    remaining = add_money(bill["balance"], f"-{dup['amount']}")
    b.task(
        "dev",
        "telecom-dev-04",
        persona=(
            "You are Gustavo Carvalho, a chef in Juniper Crossing paying his bill on his "
            "day off. You are relaxed and friendly."
        ),
        goal=(
            "Your newest bill charges Call Guard Pro twice on your daughter Larissa's line. "
            "Have the duplicate credited first, then pay the rest of that bill in full with "
            "your Discover card, and ask how much you paid."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Larissa's number is "
            "472-771-9082. Your Discover ends in 9989."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                reason="billing_error",
                amount=float(dup["amount"]),
                item_id=dup["item_id"],
            ),
            act(
                "make_payment",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                method_id=card["method_id"],
                amount=float(remaining),
            ),
        ],
        outputs=[remaining],
        tags=["billing", "credit", "payment", "multi-write"],
    )


@dev
def d05_pay_then_upgrade(b: Builder) -> None:
    aid = "AC709484"
    acct = b.account(aid)
    overdue = next(i for i in acct["invoices"] if i["status"] == "overdue")
    card = next(m for m in acct["payment_methods"] if m["kind"] == "card")
    b.refused([], "change_plan", "R4", account_id=aid, line_id="LN48959", new_plan_id="MOB-SPARK15")
    b.task(
        "dev",
        "telecom-dev-05",
        persona=(
            "You are Zofia Kaczmarek, a wedding-cake decorator in Rookhaven who keeps "
            "running out of data. You are polite and a bit forgetful about bills."
        ),
        goal=(
            "Move your phone from Spark 5 to Spark 15. If the agent says an overdue bill "
            "blocks it, pay that overdue amount in full with your Mastercard and then make "
            "the plan change."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your Mastercard ends in 3888.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act(
                "make_payment",
                account_id=aid,
                invoice_id=overdue["invoice_id"],
                method_id=card["method_id"],
                amount=float(overdue["balance"]),
            ),
            act("change_plan", account_id=aid, line_id="LN48959", new_plan_id="MOB-SPARK15"),
        ],
        outputs=[overdue["balance"]],
        tags=["payment", "plan-change", "overdue", "multi-write"],
    )


@dev
def d06_fiber_outage_credit(b: Builder) -> None:
    aid = "AC299492"
    newest = b.account(aid)["invoices"][0]
    outage = b.outage("73104", "OUT7150")
    amount = entitlement(b.line(aid, "LN26856")["monthly_price"], outage["duration_days"])
    b.task(
        "dev",
        "telecom-dev-06",
        persona=(
            "You are Dwayne McKenzie, a remote sales manager in Brennick Falls who lost "
            "two days of work when the fiber went down in April. You are firm but polite."
        ),
        goal=(
            "Ask for the outage credit for your home internet for the long fiber outage in "
            "late April, and ask how much it is."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. Your zip code is 73104.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("check_outages", zip_code="73104"),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=newest["invoice_id"],
                reason="outage",
                amount=float(amount),
                line_id="LN26856",
                outage_id="OUT7150",
            ),
        ],
        outputs=[amount],
        tags=["outage", "credit"],
    )


@dev
def d07_overlapping_pass(b: Builder) -> None:
    aid = "AC442725"
    line = b.line(aid, "LN58728")
    asia = next(a for a in line["addons"] if a["status"] == "scheduled")
    assert asia["end_date"] == "2026-06-26"
    b.refused(
        [],
        "add_addon",
        "R8",
        account_id=aid,
        line_id="LN58728",
        addon_id="RP-EU7",
        start_date="2026-06-24",
    )
    b.task(
        "dev",
        "telecom-dev-07",
        persona=(
            "You are Minh Pham, a sommelier in Eastmere on a long work trip. You are "
            "precise about dates and a little impatient."
        ),
        goal=(
            "You already have an Asia-Pacific pass on your phone for the first part of your "
            "trip. Add a Europe 7-Day Pass to your phone starting 2026-06-24. If the agent "
            "says it overlaps with your existing pass, ask for the Europe pass to start the "
            "day after the existing pass ends, and ask for the new pass's start and end "
            "dates."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_line_details", account_id=aid, line_id="LN58728"),
            act(
                "add_addon",
                account_id=aid,
                line_id="LN58728",
                addon_id="RP-EU7",
                start_date="2026-06-27",
            ),
        ],
        outputs=["2026-06-27", "2026-07-03"],
        tags=["roaming", "refusal", "dates"],
    )


@dev
def d08_stolen_new_sim(b: Builder) -> None:
    aid = "AC907778"
    new_sim = iccid("891427004417620095")
    b.task(
        "dev",
        "telecom-dev-08",
        persona=(
            "You are Eitan Levi, an orthodontist in Alder Cove. Your daughter Ilana's phone "
            "was stolen this morning; she already bought a new phone and a Larkspur SIM "
            "card. You are calm and efficient."
        ),
        goal=(
            "1) Block Ilana's line right away because her phone was stolen, so the thief "
            "cannot use it. 2) Put her new SIM card on the line. 3) Turn her line back on "
            "so she can use her new phone."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Ilana's number is "
            f"538-385-4787. The new SIM card number is {new_sim}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("suspend_line", account_id=aid, line_id="LN73722", reason="lost_or_stolen"),
            act("swap_sim", account_id=aid, line_id="LN73722", new_iccid=new_sim),
            act("resume_line", account_id=aid, line_id="LN73722"),
        ],
        outputs=[],
        tags=["lost-phone", "suspend", "sim-swap", "resume", "multi-write"],
    )


@dev
def d09_existing_ticket_and_fee(b: Builder) -> None:
    aid = "AC247512"
    bill = b.invoice(aid, "INV1780185")
    previous = b.invoice(aid, "INV7397599")
    assert previous["payments"][-1]["paid_at"][:10] > previous["due_date"]
    b.refused(
        [], "open_ticket", "R18", account_id=aid, issue="intermittent_service", line_id="LN93496"
    )
    b.task(
        "dev",
        "telecom-dev-09",
        persona=(
            "You are Henrik Nyberg, a retired sailor in Eastmere. Your calls keep dropping "
            "at home and you are grumpy about it."
        ),
        goal=(
            "1) Ask for a new support ticket about your calls dropping at home. If a ticket "
            "already exists, ask for its id and status. 2) Ask for the late payment fee on "
            "your newest bill to be removed. If the agent explains you paid the previous "
            "bill late, accept it. Do not pay anything."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="You paid the May bill about a week after its due date, but you forgot.",
        actions=[
            auth_pin(b, aid),
            act("list_tickets", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act("get_invoice", account_id=aid, invoice_id=previous["invoice_id"]),
        ],
        outputs=["TK30677"],
        tags=["ticket", "billing", "refusal"],
    )


@dev
def d10_port_out(b: Builder) -> None:
    aid = "AC850328"
    dev_row = b.device(aid, "DV14682")
    b.task(
        "dev",
        "telecom-dev-10",
        persona=(
            "You are Kristine Santos, a paramedic in Tessary whose daughter Jasmine is moving "
            "to her own contract with another company. You are cooperative."
        ),
        goal=(
            "First ask how much is still owed on Jasmine's phone. Then ask to move "
            "Jasmine's number to another provider (port it out). If the agent cannot do "
            "that, accept a transfer to a human agent."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. Jasmine's number is 472-877-3536."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_device_details", account_id=aid, device_id="DV14682"),
            act(
                "transfer_to_human_agents",
                summary=f"{aid}: customer wants to port out line LN32583",
            ),
        ],
        outputs=[dev_row["financing_balance"]],
        tags=["transfer", "financing", "lookup"],
    )


@dev
def d11_payoff_and_watch(b: Builder) -> None:
    aid = "AC908041"
    lost = b.device(aid, "DV46139")
    assert lost["status"] == "lost"
    watch = b.device(aid, "DV17557")
    assert watch["status"] == "active" and watch["warranty_until"] > "2026-06-10"
    card = b.account(aid)["payment_methods"][0]
    b.task(
        "dev",
        "telecom-dev-11",
        persona=(
            "You are Francesca Romano, a ceramic artist in Port Saffron. Your son Marco's "
            "phone was stolen last month and your new watch already has a dead screen. You "
            "are expressive and a little exasperated."
        ),
        goal=(
            "1) Pay off the remaining balance on Marco's stolen phone in one go with your "
            "Discover card, and ask how much that was. 2) Get a warranty replacement for "
            "your smartwatch, which stopped turning on."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("pay_off_device", account_id=aid, device_id="DV46139", method_id=card["method_id"]),
            act("request_warranty_replacement", account_id=aid, device_id="DV17557"),
        ],
        outputs=[lost["financing_balance"]],
        tags=["financing", "warranty", "device", "multi-write"],
    )


@dev
def d12_mobile_outage(b: Builder) -> None:
    aid = "AC305895"
    outage = b.outage("74090", "OUT3859")
    b.task(
        "dev",
        "telecom-dev-12",
        persona=(
            "You are Anna Schuster, a hairdresser in Carrow Point whose phone has had no "
            "signal since yesterday morning. You are worried about missing bookings."
        ),
        goal=(
            "Ask why your phone has no service and when it will be back. Ask to be "
            "notified when service is restored."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}. You live in zip 74090.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("check_outages", zip_code="74090"),
            act("report_outage", account_id=aid, line_id="LN31473"),
        ],
        outputs=[outage["estimated_restore"][:10]],
        tags=["outage"],
    )


@dev
def d13_wrong_late_fee_open_bill(b: Builder) -> None:
    aid = "AC836075"
    bill = b.invoice(aid, "INV2941959")
    previous = b.invoice(aid, "INV1870695")
    assert previous["payments"][-1]["paid_at"][:10] <= previous["due_date"]
    fee = next(i for i in bill["items"] if i["description"] == "Late payment fee")
    hotspot = next(
        a
        for a in b.line(aid, "LN78443")["addons"]
        if a["addon_id"] == "ADD-HOTSPOT20" and a["status"] == "active"
    )
    results = b.task(
        "dev",
        "telecom-dev-13",
        persona=(
            "You are Sofia Karagiannis, a court stenographer in Quillon Heights who is sure she "
            "paid on time. You are courteous and precise."
        ),
        goal=(
            "1) Your newest bill has a late payment fee, but autopay paid the April bill on "
            "its due date; get the fee credited and ask what the bill comes to afterwards. "
            "2) Remove the Hotspot Boost add-on from your phone; you never use it."
        ),
        known=f"Your account id is {aid}; your PIN is {b.pin(aid)}.",
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_invoice", account_id=aid, invoice_id=bill["invoice_id"]),
            act("get_invoice", account_id=aid, invoice_id=previous["invoice_id"]),
            act(
                "apply_bill_credit",
                account_id=aid,
                invoice_id=bill["invoice_id"],
                reason="billing_error",
                amount=float(fee["amount"]),
                item_id=fee["item_id"],
            ),
            act(
                "remove_addon",
                account_id=aid,
                line_id="LN78443",
                line_addon_id=hotspot["line_addon_id"],
            ),
        ],
        outputs=[add_money(bill["balance"], f"-{fee['amount']}")],
        tags=["billing", "credit", "add-on", "multi-write"],
    )
    assert results[4]["invoice"]["balance"] == b.tasks["dev"][-1]["required_outputs"][0]


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
