"""Larkspur Telecom's outages and billing history: invoices, items, payments, credits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..rules import (
    NOW,
    PER_INVOICE_CREDIT_CAP,
    ROLLING_CREDIT_CAP,
    outage_credit,
    outage_days,
    service_of,
)
from .accounts import Accounts
from .state import (
    TODAY,
    Row,
    add_months,
    cycle_start_on_or_before,
    method_valid_on,
    money,
    months_between,
)
from .world import CITIES, N_INVOICES, OUTAGE_CAUSES


class Billing(Accounts):
    """Adds the outages and each account's invoices, payments and credits."""

    # --- outages -------------------------------------------------------------------------

    def outages(self) -> None:
        rng = self.rng
        all_zips = [(city, z) for city, zips in CITIES for z in zips]
        for kind in ["active"] * 4 + ["recent"] * 12 + ["old"] * 8:
            city, zip_code = self.pick(all_zips)
            service = self.pick(["mobile", "home_internet"])
            hours = self.pick([2, 3, 5, 7, 9, 14, 20, 26, 31, 38, 47, 52, 61, 75])
            minutes = self.pick([0, 15, 30, 45])
            if kind == "active":
                started = NOW - timedelta(hours=rng.randrange(1, 30), minutes=minutes)
                resolved = None
                eta = NOW + timedelta(hours=rng.randrange(2, 36))
                status = "active"
            else:
                if kind == "recent":
                    day = self.day_between(TODAY - timedelta(days=52), TODAY - timedelta(days=5))
                else:
                    day = self.day_between(TODAY - timedelta(days=200), TODAY - timedelta(days=75))
                started = self.at_time(day, 0, 22)
                resolved = started + timedelta(hours=hours, minutes=minutes)
                eta = None
                status = "resolved"
            self.tables["outages"].append(
                {
                    "outage_id": self.ids.new("OUT", 4),
                    "service": service,
                    "zip_code": zip_code,
                    "city": city,
                    "status": status,
                    "started_at": started.isoformat(),
                    "resolved_at": resolved.isoformat() if resolved else None,
                    "estimated_restore": eta.isoformat() if eta else None,
                    "cause": self.pick(OUTAGE_CAUSES[service]),
                }
            )

    def outage_reports(self) -> None:
        for outage in self.tables["outages"]:
            started = datetime.fromisoformat(outage["started_at"])
            end = datetime.fromisoformat(outage["resolved_at"]) if outage["resolved_at"] else NOW
            for line in self.tables["lines"]:
                if line["service_zip"] != outage["zip_code"] or line["status"] != "active":
                    continue
                if service_of(line["line_type"]) != outage["service"]:
                    continue
                if not self.chance(0.3):
                    continue
                span = max(int((end - started).total_seconds() // 60) - 5, 1)
                at = started + timedelta(minutes=5 + self.rng.randrange(span))
                at = at.replace(second=0, microsecond=0)
                self.tables["outage_reports"].append(
                    {
                        "report_id": self.ids.new("OR", 5),
                        "outage_id": outage["outage_id"],
                        "account_id": line["account_id"],
                        "line_id": line["line_id"],
                        "reported_at": at.isoformat(),
                        "description": self.pick(
                            [
                                "No service at all since this morning.",
                                "Internet light is red on the gateway.",
                                "Calls fail with 'no network'.",
                                "Stopped working at the same time as the neighbours.",
                                "Very slow, then nothing.",
                            ]
                        ),
                    }
                )

    # --- billing -------------------------------------------------------------------------

    def billing(self) -> None:
        for table in ("line_addons", "devices"):
            index: dict[str, list[Row]] = {}
            for row in self.tables[table]:
                if row["line_id"]:
                    index.setdefault(row["line_id"], []).append(row)
            self.by_line[table] = index
        customers = self.tables["customers"]
        autopay_accounts = {
            m["account_id"] for m in self.tables["payment_methods"] if m["is_autopay"]
        }
        # accounts behind on payments (never on autopay)
        candidates = [
            c["account_id"]
            for c in customers
            if c["account_id"] not in autopay_accounts and c["customer_since"] < "2025-10-01"
        ]
        overdue: dict[str, int] = {}
        for account_id in candidates:
            if self.chance(0.17):
                overdue[account_id] = 2 if self.chance(0.4) else 1
        for customer in customers:
            self.account_invoices(
                customer,
                customer["account_id"] in autopay_accounts,
                overdue.get(customer["account_id"], 0),
            )

    def account_invoices(self, customer: Row, autopay: bool, n_overdue: int) -> None:
        rng = self.rng
        account_id = customer["account_id"]
        cycle_day = customer["billing_cycle_day"]
        lines = self.account_lines[account_id]
        methods = self.account_methods[account_id]
        since = date.fromisoformat(customer["customer_since"])
        latest = cycle_start_on_or_before(TODAY, cycle_day)
        issues = [add_months(latest, -k, cycle_day) for k in range(N_INVOICES - 1, -1, -1)]
        issues = [d for d in issues if d >= since]
        if not issues:
            issues = [latest]
        # which past-due invoices stay unpaid
        past_due = [d for d in issues if d + timedelta(days=20) < TODAY]
        unpaid = set(past_due[-n_overdue:]) if n_overdue else set()
        suspend_for_nonpayment = n_overdue == 2
        prev_paid_late = False
        for issue in issues:
            period_end = add_months(issue, 1, cycle_day) - timedelta(days=1)
            due = issue + timedelta(days=20)
            invoice_id = self.ids.new("INV", 7)
            wrong_late_fee = issue != issues[0] and not prev_paid_late and self.chance(0.02)
            items = self.invoice_items(lines, issue, period_end, prev_paid_late or wrong_late_fee)
            total = sum(i[3] for i in items)
            # billing errors: a late fee after an on-time payment, or a duplicate charge
            errors: list[int] = []
            if wrong_late_fee:
                errors.append(next(k for k, i in enumerate(items) if i[2] == "Late payment fee"))
            if self.chance(0.045):
                candidates = [k for k, i in enumerate(items) if i[1] in ("addon", "fee", "plan")]
                if candidates:
                    original = items[self.pick(candidates)]
                    items.append(original)
                    errors.append(len(items) - 1)
                    total += original[3]
            item_ids: list[str] = []
            for line_id, kind, description, amount in items:
                item_id = self.ids.new("II", 6)
                item_ids.append(item_id)
                self.tables["invoice_items"].append(
                    {
                        "item_id": item_id,
                        "invoice_id": invoice_id,
                        "line_id": line_id,
                        "kind": kind,
                        "description": description,
                        "amount": money(amount),
                    }
                )
            invoice: Row = {
                "invoice_id": invoice_id,
                "account_id": account_id,
                "period_start": issue.isoformat(),
                "period_end": period_end.isoformat(),
                "issue_date": issue.isoformat(),
                "due_date": due.isoformat(),
                "total": money(total),
                "amount_paid": 0.0,
                "credit_total": 0.0,
                "status": "open",
            }
            self.tables["invoices"].append(invoice)
            credited = 0
            # some billing errors were already credited
            for k in errors:
                if self.chance(0.4):
                    amount = min(items[k][3], PER_INVOICE_CREDIT_CAP)
                    created = self.at_time(
                        self.day_between(
                            issue + timedelta(days=2), min(due, TODAY - timedelta(days=1))
                        )
                    )
                    note = (
                        "Late fee charged in error."
                        if items[k][2] == "Late payment fee"
                        else "Duplicate charge refunded as a bill credit."
                    )
                    self.credit(
                        account_id,
                        invoice_id,
                        "billing_error",
                        amount,
                        created,
                        item_id=item_ids[k],
                        line_id=items[k][0],
                        note=note,
                    )
                    credited += amount
            outstanding = total - credited
            paid_late = False
            if issue in unpaid:
                invoice["status"] = "overdue"
                if self.chance(0.3) and outstanding > 2000:
                    partial = round(outstanding * self.pick([0.25, 0.4, 0.5]))
                    self.payment(
                        account_id,
                        invoice_id,
                        methods,
                        partial,
                        self.day_between(issue + timedelta(days=3), due),
                    )
                    outstanding -= partial
                    invoice["amount_paid"] = money(partial)
            elif due < TODAY or autopay or (not n_overdue and self.chance(0.4)):
                if autopay:
                    when = due if due < TODAY else None
                else:
                    when = self.day_between(issue + timedelta(days=1), due)
                    if due < TODAY - timedelta(days=12) and self.chance(0.1):
                        when = due + timedelta(days=rng.randrange(3, 11))
                        paid_late = True
                if when is not None and when < TODAY:
                    if self.chance(0.05):
                        self.payment(
                            account_id, invoice_id, methods, outstanding, when, status="declined"
                        )
                        when = min(when + timedelta(days=1), TODAY - timedelta(days=1))
                    self.payment(account_id, invoice_id, methods, outstanding, when)
                    invoice["amount_paid"] = money(outstanding)
                    outstanding = 0
            invoice["credit_total"] = money(credited)
            if outstanding == 0:
                invoice["status"] = "paid"
            prev_paid_late = paid_late
        if suspend_for_nonpayment:
            first_unpaid = min(unpaid)
            when = first_unpaid + timedelta(days=35)
            for line in lines:
                if line["status"] == "active" and line["line_type"] != "home_internet":
                    line["status"] = "suspended"
                    line["suspension_reason"] = "non_payment"
                    line["suspended_on"] = min(when, TODAY - timedelta(days=1)).isoformat()

    def invoice_items(
        self, lines: list[Row], issue: date, period_end: date, late_fee: bool
    ) -> list[tuple[str | None, str, str, int]]:
        items: list[tuple[str | None, str, str, int]] = []
        taxable = 0
        for line in lines:
            if date.fromisoformat(line["activated_on"]) > period_end:
                continue
            line_id = line["line_id"]
            who = line["phone_number"] or line["service_street"]
            plan_id = line["plan_id"]
            change = line["last_plan_change"]
            if change and issue < date.fromisoformat(change) and line_id in self.prev_plan:
                plan_id = self.prev_plan[line_id]
            plan = self.plans[plan_id]
            items.append((line_id, "plan", f"{plan[1]} plan, {who}", plan[3]))
            taxable += plan[3]
            for la in self.by_line["line_addons"].get(line_id, []):
                addon = self.addons[la["addon_id"]]
                start = date.fromisoformat(la["start_date"])
                end = date.fromisoformat(la["end_date"]) if la["end_date"] else None
                if addon[2] == "feature":
                    if start <= period_end and (end is None or end >= issue) and start <= issue:
                        items.append((line_id, "addon", f"{addon[1]}, {who}", addon[4]))
                        taxable += addon[4]
                else:
                    # a pass is billed on the first invoice issued after it starts
                    if add_months(issue, -1) <= start < issue:
                        items.append((line_id, "roaming", f"{addon[1]}, {who}", addon[4]))
                        taxable += addon[4]
            for dev in self.by_line["devices"].get(line_id, []):
                if not dev["financed"]:
                    continue
                purchased = date.fromisoformat(dev["purchased_on"])
                number = months_between(purchased, issue)
                if 1 <= number <= dev["term_months"]:
                    amount = round(dev["installment"] * 100)
                    items.append(
                        (
                            line_id,
                            "device_installment",
                            f"{dev['model']} installment {number} of {dev['term_months']}",
                            amount,
                        )
                    )
            if line["line_type"] == "home_internet":
                items.append((line_id, "fee", f"Network access fee, {who}", 299))
            else:
                items.append((line_id, "fee", f"Regulatory recovery fee, {who}", 149))
            if line["line_type"] == "mobile" and self.chance(0.07):
                amount = self.pick([120, 345, 580, 960, 1275, 1875])
                items.append((line_id, "usage", f"International calls, {who}", amount))
                taxable += amount
        if late_fee:
            items.append((None, "fee", "Late payment fee", 750))
        items.append((None, "tax", "Taxes and 911 surcharges", round(taxable * 0.068)))
        return items

    def payment(
        self,
        account_id: str,
        invoice_id: str,
        methods: list[Row],
        amount: int,
        when: date,
        status: str = "completed",
    ) -> None:
        usable = [m for m in methods if method_valid_on(m, when)]
        autopay = [m for m in usable if m["is_autopay"]]
        method = autopay[0] if autopay else self.pick(usable or methods)
        self.tables["payments"].append(
            {
                "payment_id": self.ids.new("PAY", 6),
                "account_id": account_id,
                "invoice_id": invoice_id,
                "device_id": None,
                "method_id": method["method_id"],
                "kind": "bill",
                "amount": money(amount),
                "paid_at": self.at_time(when, 6, 22).isoformat(),
                "status": status,
            }
        )

    def credit(
        self,
        account_id: str,
        invoice_id: str,
        reason: str,
        amount: int,
        created: datetime,
        *,
        item_id: str | None = None,
        line_id: str | None = None,
        outage_id: str | None = None,
        note: str,
    ) -> None:
        self.tables["credits"].append(
            {
                "credit_id": self.ids.new("CR", 5),
                "account_id": account_id,
                "invoice_id": invoice_id,
                "reason": reason,
                "amount": money(amount),
                "line_id": line_id,
                "outage_id": outage_id,
                "item_id": item_id,
                "created_at": created.isoformat(),
                "note": note,
            }
        )

    def outage_credits(self) -> None:
        """Some customers hit by resolved outages already got their credit."""
        invoices_by_account: dict[str, list[Row]] = {}
        for inv in self.tables["invoices"]:
            invoices_by_account.setdefault(inv["account_id"], []).append(inv)
        per_invoice: dict[str, int] = {}
        per_account: dict[str, int] = {}
        for c in self.tables["credits"]:
            amount = round(c["amount"] * 100)
            per_invoice[c["invoice_id"]] = per_invoice.get(c["invoice_id"], 0) + amount
            per_account[c["account_id"]] = per_account.get(c["account_id"], 0) + amount
        for outage in self.tables["outages"]:
            if outage["status"] != "resolved":
                continue
            started = datetime.fromisoformat(outage["started_at"])
            resolved = datetime.fromisoformat(outage["resolved_at"])
            days = outage_days(started, resolved)
            for line in self.tables["lines"]:
                if line["service_zip"] != outage["zip_code"]:
                    continue
                if service_of(line["line_type"]) != outage["service"]:
                    continue
                if not self.chance(0.25):
                    continue
                invoices = [
                    i
                    for i in invoices_by_account[line["account_id"]]
                    if i["issue_date"] >= resolved.date().isoformat()
                ]
                if not invoices:
                    continue
                invoice = invoices[0]
                price = self.plans[line["plan_id"]][3]
                account_id = line["account_id"]
                amount = min(
                    outage_credit(days, price),
                    PER_INVOICE_CREDIT_CAP - per_invoice.get(invoice["invoice_id"], 0),
                    ROLLING_CREDIT_CAP - per_account.get(account_id, 0),
                )
                if amount <= 0:
                    continue
                per_account[account_id] = per_account.get(account_id, 0) + amount
                first_day = max(
                    resolved.date() + timedelta(days=1), date.fromisoformat(invoice["issue_date"])
                )
                created = self.at_time(self.day_between(first_day, TODAY - timedelta(days=1)))
                self.credit(
                    line["account_id"],
                    invoice["invoice_id"],
                    "outage",
                    amount,
                    created,
                    line_id=line["line_id"],
                    outage_id=outage["outage_id"],
                    note=f"Outage credit: {days} day(s) of service.",
                )
                per_invoice[invoice["invoice_id"]] = (
                    per_invoice.get(invoice["invoice_id"], 0) + amount
                )
                self.apply_credit_to_invoice(invoice, amount)

    def apply_credit_to_invoice(self, invoice: Row, amount: int) -> None:
        """Reduce the balance (a paid invoice's surplus goes to the account's credit)."""
        total = round(invoice["total"] * 100)
        paid = round(invoice["amount_paid"] * 100)
        credited = round(invoice["credit_total"] * 100)
        outstanding = total - paid - credited
        applied = min(amount, outstanding)
        invoice["credit_total"] = money(credited + applied)
        if total - paid - credited - applied == 0:
            invoice["status"] = "paid"
        surplus = amount - applied
        if surplus:
            for customer in self.tables["customers"]:
                if customer["account_id"] == invoice["account_id"]:
                    customer["credit_balance"] = money(
                        round(customer["credit_balance"] * 100) + surplus
                    )
