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
    aid = "AC102327"
    acct = b.account(aid)
    bill = acct["invoices"][0]
    assert bill["status"] == "open"
    autopay = next(m for m in acct["payment_methods"] if m["autopay"])
    b.task(
        "test",
        "telecom-001",
        persona=(
            "You are Ayşe Şahin, a pastry chef in Tessary who is calling during a short "
            "break. You are friendly but in a hurry and answer in short sentences."
        ),
        goal=(
            "Find out how much your newest Larkspur bill is and the date it is due. Then "
            "ask whether autopay will pay it automatically or whether you need to do "
            "anything. You do not want to make a payment or change anything today; once "
            "you have the amount, the due date and the autopay answer, thank the agent and "
            "end the conversation."
        ),
        known=(
            f"Your mobile number is {acct['contact_phone']}. Your account PIN is {b.pin(aid)}. "
            f"You remember setting up autopay on a Mastercard ending {autopay['last4']}."
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
def t002_frozen_requests(b: Builder) -> None:
    aid = "AC655011"
    acct = b.account(aid)
    line = b.line(aid, "LN74451")
    roaming = next(a for a in line["addons"] if a["addon_id"] == "RP-GLOBAL30")
    assert roaming["status"] == "active" and line["last_plan_change"] == "2026-05-26"
    overdue = acct["overdue_balance"]
    b.refused(
        [],
        "remove_addon",
        "R9",
        account_id=aid,
        line_id="LN74451",
        line_addon_id=roaming["line_addon_id"],
    )
    b.refused([], "change_plan", "R4", account_id=aid, line_id="LN74451", new_plan_id="MOB-SPARK5")
    b.task(
        "test",
        "telecom-002",
        persona=(
            "You are Hodan Farah, a logistics coordinator from Eastmere. Your trip abroad "
            "was cancelled at the last minute and you are frustrated about money; you are "
            "polite but push back once before accepting an answer."
        ),
        goal=(
            "1) Ask to cancel the Worldwide 30-Day roaming pass on your phone line and get "
            "your money back, because your trip was cancelled yesterday. If the agent says "
            "it cannot be removed, push back once, then accept. 2) Ask to move your phone "
            "to the cheapest plan to save money. If the agent refuses because of an unpaid "
            "bill, explain that you cannot pay anything until your paycheck on Friday and "
            "do NOT make a payment today. 3) Ask exactly how much you owe that is overdue, "
            "and from which date you could change your plan at the earliest once the bill "
            "is paid. Then end the conversation."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Your phone number is "
            f"{acct['contact_phone']}. The roaming pass started on {roaming['start_date']}."
        ),
        withheld="You do not volunteer that you changed your plan recently unless asked.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            act("get_line_details", account_id=aid, line_id="LN74451"),
        ],
        outputs=[overdue, "2026-06-25"],
        tags=["refusal", "roaming", "plan-change", "overdue", "hard"],
    )


@test
def t003_restore_after_nonpayment(b: Builder) -> None:
    aid = "AC281417"
    acct = b.account(aid)
    overdue = [i for i in acct["invoices"] if i["status"] == "overdue"]
    overdue.sort(key=lambda i: i["issue_date"])
    assert len(overdue) == 2
    card = next(m for m in acct["payment_methods"] if m["last4"] == "7874")
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
    b.refused([], "resume_line", "R7", account_id=aid, line_id="LN68599")
    b.refused(pays[:1], "resume_line", "R7", account_id=aid, line_id="LN68599")
    total = add_money(*(i["balance"] for i in overdue))
    b.task(
        "test",
        "telecom-003",
        persona=(
            "You are Sofia Nikolaidis, a retired music teacher in Rookhaven. Your phone "
            "stopped working and you suspect it is about unpaid bills. You are calm, a "
            "little embarrassed, and you like to have amounts repeated to you."
        ),
        goal=(
            "Get your phone line working again today. Ask what you need to pay. Pay "
            "everything that is overdue (but not the newest bill, which is not due yet) "
            "with your Visa card, as separate payments if the agent needs that, and then "
            "ask for your line to be turned back on. Confirm each step when the agent "
            "asks. Make sure the agent tells you the total you paid."
        ),
        known=(
            f"Your account id is {aid}. Your PIN is {b.pin(aid)}. Your phone number is "
            f"{acct['contact_phone']}. You have a Visa ending 7874 and a Mastercard ending "
            "1555 on file; you want to use the Visa."
        ),
        withheld="You do not mention the Mastercard unless the agent asks which card.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            *pays,
            act("resume_line", account_id=aid, line_id="LN68599"),
        ],
        outputs=[total],
        tags=["billing", "payment", "resume", "non-payment", "multi-write"],
    )


@test
def t004_pay_then_addon(b: Builder) -> None:
    aid = "AC340293"
    acct = b.account(aid)
    overdue = next(i for i in acct["invoices"] if i["status"] == "overdue")
    card = acct["payment_methods"][0]
    b.refused([], "add_addon", "R4", account_id=aid, line_id="LN36727", addon_id="ADD-INTLCALL")
    pay = act(
        "make_payment",
        account_id=aid,
        invoice_id=overdue["invoice_id"],
        method_id=card["method_id"],
        amount=float(overdue["balance"]),
    )
    b.task(
        "test",
        "telecom-004",
        persona=(
            "You are Kavya Patel, a pharmacist in Carrow Point. Your daughter Meera is "
            "starting a semester abroad and needs to call home. You are organised and "
            "precise, and you expect clear explanations."
        ),
        goal=(
            "Add the World Calling 300 add-on to your daughter Meera's phone line (not "
            "your own line, which already has it). If the agent says this is blocked "
            "because of an overdue bill, ask how much is overdue, then agree to pay exactly "
            "that overdue amount with your Visa card, and then have the add-on added to "
            "Meera's line. Do not pay the newer bill that is not due yet."
        ),
        known=(
            f"Your account id is {aid} and your PIN is {b.pin(aid)}. Meera's number is "
            f"{acct['lines'][0]['phone_number']}. Your Visa ends in {card['last4']}."
        ),
        withheld="",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            pay,
            act("add_addon", account_id=aid, line_id="LN36727", addon_id="ADD-INTLCALL"),
        ],
        outputs=[overdue["balance"]],
        tags=["billing", "payment", "add-on", "overdue", "multi-write"],
    )


@test
def t005_partial_catch_up(b: Builder) -> None:
    aid = "AC893420"
    acct = b.account(aid)
    overdue = sorted(
        (i for i in acct["invoices"] if i["status"] == "overdue"), key=lambda i: i["issue_date"]
    )
    oldest, newer = overdue
    expired = next(m for m in acct["payment_methods"] if m["expired"])
    good = next(m for m in acct["payment_methods"] if m["last4"] == "2404")
    b.refused(
        [],
        "make_payment",
        "R13",
        account_id=aid,
        invoice_id=oldest["invoice_id"],
        method_id=expired["method_id"],
        amount=float(oldest["balance"]),
    )
    pay = act(
        "make_payment",
        account_id=aid,
        invoice_id=oldest["invoice_id"],
        method_id=good["method_id"],
        amount=float(oldest["balance"]),
    )
    b.refused(
        [pay], "change_plan", "R4", account_id=aid, line_id="LN90829", new_plan_id="HOM-FIBER300"
    )
    b.task(
        "test",
        "telecom-005",
        persona=(
            "You are Reza Tehrani, a freelance video editor in Carrow Point who works from "
            "home. Money is tight this month. You are talkative and a bit disorganised."
        ),
        goal=(
            "You want to lower your home-internet bill by moving to the cheaper Fiber 300 "
            "plan. If the agent says you must first pay what is overdue, you can only "
            "afford to pay the OLDEST overdue bill today, in full. Offer your Visa ending "
            f"{expired['last4']} first; if it is refused, use your Visa ending "
            f"{good['last4']}. After paying, ask again for the plan change. If it is still "
            "refused, ask how much is still overdue, say you will call back after payday, "
            "and end the conversation. Do not pay the second overdue bill."
        ),
        known=(
            f"Your account id is {aid}; your PIN is {b.pin(aid)}. You have a Visa ending "
            f"{expired['last4']} (you are not sure it is still valid), a Visa ending "
            f"{good['last4']} and an Amex ending 1145."
        ),
        withheld="You only mention the Amex if asked for yet another card; you prefer Visa.",
        actions=[
            auth_pin(b, aid),
            act("get_account_details", account_id=aid),
            pay,
        ],
        outputs=[newer["balance"]],
        tags=["billing", "payment", "plan-change", "refusal", "overdue"],
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
