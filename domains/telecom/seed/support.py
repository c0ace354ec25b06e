"""Larkspur Telecom's support tickets, and the whole generator in its drawing order."""

from __future__ import annotations

from datetime import timedelta
from operator import itemgetter

from ..rules import NOW
from .billing import Billing
from .state import TODAY, Row
from .world import TICKET_NOTE_TEXTS, TICKET_SUBJECTS


class Generator(Billing):
    """Every table: catalogue, accounts, outages, billing, credits, then tickets."""

    # --- support -------------------------------------------------------------------------

    def tickets(self) -> None:
        rng = self.rng
        open_keys: set[tuple[str, str | None, str]] = set()
        customers = self.tables["customers"]
        for _ in range(190):
            customer = self.pick(customers)
            account_id = customer["account_id"]
            lines = self.account_lines[account_id]
            category = self.pick(
                ["billing", "billing", "network", "network", "device", "plan", "account"]
            )
            line_id: str | None = None
            subject_key = category
            if category in ("network", "device", "plan"):
                line = self.pick(lines)
                line_id = line["line_id"]
                subject_key = f"{category}:{line['line_type']}"
            status = self.pick(
                [
                    "open",
                    "in_progress",
                    "in_progress",
                    "resolved",
                    "resolved",
                    "closed",
                    "closed",
                    "closed",
                ]
            )
            if status in ("open", "in_progress"):
                key = (account_id, line_id, category)
                if key in open_keys:
                    status = "closed"
                else:
                    open_keys.add(key)
            age = {
                "open": (1, 12),
                "in_progress": (2, 25),
                "resolved": (4, 50),
                "closed": (20, 220),
            }[status]
            created = self.at_time(TODAY - timedelta(days=rng.randrange(*age)))
            ticket_id = self.ids.new("TK", 5)
            history = {
                "open": ["open"],
                "in_progress": ["open", "in_progress"],
                "resolved": ["open", "in_progress", "resolved"],
                "closed": ["open", "in_progress", "resolved", "closed"],
            }[status]
            span = max(((NOW - created).total_seconds() // 3600) - 1, 1)
            stamps = sorted(
                created + timedelta(hours=rng.randrange(int(span))) for _ in history[1:]
            )
            stamps = [created, *stamps]
            for step, when in zip(history, stamps, strict=True):
                self.tables["ticket_notes"].append(
                    {
                        "note_id": self.ids.new("TN", 5),
                        "ticket_id": ticket_id,
                        "created_at": when.isoformat(),
                        "author": "customer_care" if step in ("open", "closed") else "technician",
                        "text": self.pick(TICKET_NOTE_TEXTS[step]),
                    }
                )
            self.tables["tickets"].append(
                {
                    "ticket_id": ticket_id,
                    "account_id": account_id,
                    "line_id": line_id,
                    "category": category,
                    "subject": self.pick(TICKET_SUBJECTS[subject_key]),
                    "status": status,
                    "priority": self.pick(["low", "normal", "normal", "normal", "high"]),
                    "created_at": created.isoformat(),
                    "updated_at": stamps[-1].isoformat(),
                }
            )

    # --- all -----------------------------------------------------------------------------

    def run(self) -> dict[str, list[Row]]:
        self.catalogue()
        self.accounts()
        self.outages()
        self.outage_reports()
        self.billing()
        self.outage_credits()
        self.tickets()
        keys = {
            "customers": "account_id",
            "payment_methods": "method_id",
            "plans": "plan_id",
            "addons": "addon_id",
            "lines": "line_id",
            "line_addons": "line_addon_id",
            "devices": "device_id",
            "invoices": "invoice_id",
            "invoice_items": "item_id",
            "payments": "payment_id",
            "credits": "credit_id",
            "tickets": "ticket_id",
            "ticket_notes": "note_id",
            "outages": "outage_id",
            "outage_reports": "report_id",
            "usage_records": "usage_id",
        }
        return {
            name: sorted(rows, key=itemgetter(keys[name])) for name, rows in self.tables.items()
        }
