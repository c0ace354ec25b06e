"""Larkspur Telecom's catalogue and accounts: customers, payment methods, lines, add-ons,
devices and usage."""

from __future__ import annotations

from datetime import date, timedelta

from .state import (
    TODAY,
    Row,
    State,
    add_months,
    ascii_slug,
    cycle_start_on_or_before,
    method_valid_on,
    money,
    months_between,
)
from .world import (
    ADDONS,
    CITIES,
    EMAIL_DOMAINS,
    N_ACCOUNTS,
    NAMES,
    PHONES,
    PLANS,
    ROUTERS,
    SIM_MODEL,
    STREETS,
    WATCHES,
)


class Accounts(State):
    """Makes the catalogue, then every account with its lines and devices."""

    # --- catalogue -----------------------------------------------------------------------

    def catalogue(self) -> None:
        for pid, name, ltype, price, data, hotspot, speed, available, text in PLANS:
            self.tables["plans"].append(
                {
                    "plan_id": pid,
                    "name": name,
                    "line_type": ltype,
                    "monthly_price": money(price),
                    "data_gb": data,
                    "hotspot_gb": hotspot,
                    "speed_mbps": speed,
                    "available": available,
                    "description": text,
                }
            )
        for aid, name, kind, ltype, price, days, region, available, text in ADDONS:
            self.tables["addons"].append(
                {
                    "addon_id": aid,
                    "name": name,
                    "kind": kind,
                    "line_type": ltype,
                    "price": money(price),
                    "duration_days": days,
                    "region": region,
                    "available": available,
                    "description": text,
                }
            )

    # --- accounts ------------------------------------------------------------------------

    def accounts(self) -> None:
        for _ in range(N_ACCOUNTS):
            self.account()

    def account(self) -> None:
        rng = self.rng
        account_id = self.ids.new("AC", 6)
        first, last, culture = self.person()
        city, zips = self.pick(CITIES)
        zip_code = self.pick(zips)
        street = f"{rng.randrange(2, 2400)} {self.pick(STREETS)}"
        if self.chance(0.2):
            street += f", Apt {rng.randrange(1, 40)}{self.pick(['', 'A', 'B', 'C'])}"
        since = self.day_between(date(2011, 3, 1), date(2026, 4, 20))
        email_user = f"{ascii_slug(first)}.{ascii_slug(last)}"
        if self.chance(0.35):
            email_user += str(rng.randrange(1, 99))
        customer: Row = {
            "account_id": account_id,
            "first_name": first,
            "last_name": last,
            "email": f"{email_user}@{self.pick(EMAIL_DOMAINS)}",
            "contact_phone": "",
            "pin": f"{rng.randrange(0, 10000):04d}",
            "street": street,
            "city": city,
            "zip_code": zip_code,
            "customer_since": since.isoformat(),
            "billing_cycle_day": self.pick([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]),
            "credit_balance": money(self.pick([500, 750, 1000, 1250, 2000]))
            if self.chance(0.05)
            else 0.0,
        }
        self.tables["customers"].append(customer)
        self.current_cycle = cycle_start_on_or_before(TODAY, customer["billing_cycle_day"])
        methods = self.payment_methods(account_id, since)
        lines = self.lines(customer, culture, since)
        mobile = [ln for ln in lines if ln["line_type"] == "mobile"]
        customer["contact_phone"] = mobile[0]["phone_number"] if mobile else self.phone_number()
        self.account_lines[account_id] = lines
        self.account_methods[account_id] = methods

    def payment_methods(self, account_id: str, since: date) -> list[Row]:
        rng = self.rng
        methods: list[Row] = []
        count = self.pick([1, 1, 2, 2, 2, 3])
        for i in range(count):
            is_card = i == 0 or self.chance(0.7)
            if is_card:
                # mostly valid cards; some expired ones linger on file
                if i > 0 and self.chance(0.35):
                    exp_year, exp_month = self.pick([(2025, 9), (2025, 12), (2026, 2), (2026, 5)])
                else:
                    exp_year, exp_month = rng.randrange(2026, 2031), rng.randrange(1, 13)
                    if (exp_year, exp_month) < (2026, 7):
                        exp_year = 2027
                brand = self.pick(["visa", "visa", "mastercard", "mastercard", "amex", "discover"])
            else:
                exp_year = exp_month = None
                brand = self.pick(
                    [
                        "Harborline Credit Union",
                        "First Tessary Bank",
                        "Millbridge Savings",
                        "Northwind Cooperative Bank",
                        "Port Saffron Trust",
                    ]
                )
            methods.append(
                {
                    "method_id": self.ids.new("PM", 5),
                    "account_id": account_id,
                    "kind": "card" if is_card else "bank_account",
                    "brand": brand,
                    "last4": f"{rng.randrange(0, 10000):04d}",
                    "exp_month": exp_month,
                    "exp_year": exp_year,
                    "is_autopay": False,
                }
            )
        valid = [m for m in methods if method_valid_on(m, TODAY)]
        if valid and self.chance(0.55):
            self.pick(valid)["is_autopay"] = True
        self.tables["payment_methods"].extend(methods)
        return methods

    def lines(self, customer: Row, culture: int, since: date) -> list[Row]:
        account_id = customer["account_id"]
        lines: list[Row] = []
        internet_only = self.chance(0.1)
        n_mobile = 0 if internet_only else self.pick([1, 1, 1, 1, 2, 2, 2, 3, 3, 4])
        household = [customer["first_name"]]
        while len(household) < n_mobile:
            name = self.pick(NAMES[culture][0])
            if name not in household:
                household.append(name)
        for i in range(n_mobile):
            plan = self.pick(
                [
                    "MOB-SPARK5",
                    "MOB-SPARK15",
                    "MOB-SPARK15",
                    "MOB-HZN",
                    "MOB-HZN",
                    "MOB-HZN",
                    "MOB-HZNMAX",
                    "MOB-HZNMAX",
                    "MOB-CLASSIC10",
                    "MOB-TALKTXT",
                ]
            )
            activated = since if i == 0 else self.day_between(since, TODAY - timedelta(days=20))
            lines.append(
                self.line(
                    account_id, "mobile", f"{household[i]}'s phone", plan, customer, activated
                )
            )
        if internet_only or self.chance(0.4):
            plan = self.pick(
                [
                    "HOM-FIBER300",
                    "HOM-FIBER300",
                    "HOM-FIBER1G",
                    "HOM-FIBER1G",
                    "HOM-FIBER2G",
                    "HOM-AIR100",
                    "HOM-COPPER25",
                ]
            )
            activated = self.day_between(since, TODAY - timedelta(days=20))
            lines.append(
                self.line(account_id, "home_internet", "Home internet", plan, customer, activated)
            )
        if n_mobile and self.chance(0.18):
            plan = self.pick(["WRB-LINK", "WRB-LINK", "WRB-LINKPLUS"])
            activated = self.day_between(max(since, date(2023, 1, 1)), TODAY - timedelta(days=20))
            lines.append(
                self.line(
                    account_id, "wearable", f"{household[0]}'s watch", plan, customer, activated
                )
            )
        return lines

    def line(
        self,
        account_id: str,
        line_type: str,
        label: str,
        plan_id: str,
        customer: Row,
        activated: date,
    ) -> Row:
        line_id = self.ids.new("LN", 5)
        status, reason, suspended_on = "active", None, None
        if line_type != "home_internet" and self.chance(0.05):
            status, reason = (
                "suspended",
                self.pick(["lost_or_stolen", "lost_or_stolen", "temporary_hold"]),
            )
            suspended_on = self.day_between(
                max(activated + timedelta(days=8), TODAY - timedelta(days=40)),
                TODAY - timedelta(days=1),
            )
        last_change = None
        if self.chance(0.3) and (TODAY - activated).days > 60:
            last_change = self.day_between(
                max(activated, TODAY - timedelta(days=400)), TODAY - timedelta(days=2)
            )
            if self.plans[plan_id][7]:  # current plan available: they moved from another one
                options = [p[0] for p in PLANS if p[2] == line_type and p[0] != plan_id]
                self.prev_plan[line_id] = self.pick(options)
            else:
                last_change = None  # nobody moves onto a legacy plan
        last_swap = None
        if line_type == "mobile" and self.chance(0.12):
            last_swap = self.day_between(
                max(activated, TODAY - timedelta(days=300)), TODAY - timedelta(days=1)
            )
        row: Row = {
            "line_id": line_id,
            "account_id": account_id,
            "line_type": line_type,
            "label": label,
            "phone_number": None if line_type == "home_internet" else self.phone_number(),
            "plan_id": plan_id,
            "status": status,
            "suspension_reason": reason,
            "suspended_on": suspended_on.isoformat() if suspended_on else None,
            "service_street": customer["street"] if line_type == "home_internet" else None,
            "service_zip": customer["zip_code"],
            "activated_on": activated.isoformat(),
            "last_plan_change": last_change.isoformat() if last_change else None,
            "last_sim_swap": last_swap.isoformat() if last_swap else None,
        }
        self.tables["lines"].append(row)
        self.line_addons(row, activated)
        self.devices(row, activated)
        self.usage(row, customer)
        return row

    def line_addons(self, line: Row, activated: date) -> None:
        ltype = line["line_type"]
        features = [a for a in ADDONS if a[3] == ltype and a[2] == "feature"]
        for addon in features:
            if not self.chance(0.16):
                continue
            # a legacy add-on was only sold before 2025
            latest = TODAY - timedelta(days=3) if addon[7] else date(2024, 12, 31)
            if line["suspended_on"]:  # nothing is added to a suspended line
                latest = min(latest, date.fromisoformat(line["suspended_on"]) - timedelta(days=1))
            if activated > latest:
                continue
            start = self.day_between(max(activated, TODAY - timedelta(days=700)), latest)
            status, end = "active", None
            if self.chance(0.2) or not addon[7]:
                end = self.day_between(start, TODAY - timedelta(days=1))
                status = "removed"
            self.add_line_addon(line, addon[0], status, start, end, start)
        if ltype != "mobile":
            return
        passes = [a for a in ADDONS if a[2] == "roaming_pass"]
        if self.chance(0.22):  # a past trip
            addon = self.pick(passes)
            start = self.day_between(TODAY - timedelta(days=170), TODAY - timedelta(days=35))
            end = start + timedelta(days=addon[5] - 1)
            self.add_line_addon(
                line,
                addon[0],
                "expired",
                start,
                end,
                start - timedelta(days=self.rng.randrange(1, 15)),
            )
        if line["status"] == "active" and self.chance(0.1):  # a trip now or soon
            addon = self.pick(passes)
            start = self.day_between(TODAY - timedelta(days=2), TODAY + timedelta(days=40))
            end = start + timedelta(days=addon[5] - 1)
            status = "active" if start <= TODAY else "scheduled"
            added = self.day_between(TODAY - timedelta(days=20), min(start, TODAY))
            self.add_line_addon(line, addon[0], status, start, end, added)

    def add_line_addon(
        self, line: Row, addon_id: str, status: str, start: date, end: date | None, added: date
    ) -> None:
        self.tables["line_addons"].append(
            {
                "line_addon_id": self.ids.new("LA", 5),
                "line_id": line["line_id"],
                "addon_id": addon_id,
                "status": status,
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
                "added_on": added.isoformat(),
            }
        )

    def device_row(
        self,
        line: Row,
        kind: str,
        model: str,
        purchased: date,
        price: int,
        *,
        imei: str | None = None,
        serial: str | None = None,
        iccid: str | None = None,
        status: str = "active",
        finance: bool = False,
    ) -> Row:
        term = installment = paid = None
        balance = 0
        if finance:
            term = self.pick([24, 24, 36])
            installment = round(price / term)
            months = months_between(purchased, self.current_cycle)  # installments billed
            paid = min(months, term)
            balance = 0 if paid >= term else price - installment * paid
        row: Row = {
            "device_id": self.ids.new("DV", 5),
            "account_id": line["account_id"],
            "line_id": line["line_id"],
            "kind": kind,
            "model": model,
            "imei": imei,
            "serial_number": serial,
            "iccid": iccid,
            "status": status,
            "purchased_on": purchased.isoformat(),
            "purchase_price": money(price),
            "financed": finance,
            "term_months": term,
            "installment": money(installment) if installment is not None else None,
            "installments_paid": paid,
            "financing_balance": money(balance),
            "replaced_by": None,
        }
        self.tables["devices"].append(row)
        return row

    def devices(self, line: Row, activated: date) -> None:
        rng = self.rng
        ltype = line["line_type"]
        lost = line["suspension_reason"] == "lost_or_stolen"
        # devices were bought before the line was suspended
        last_buy = TODAY - timedelta(days=6)
        if line["suspended_on"]:
            last_buy = min(last_buy, date.fromisoformat(line["suspended_on"]) - timedelta(days=1))
        if ltype == "mobile":
            # the SIM (replaced by a new one at the last SIM swap, if any)
            if line["last_sim_swap"]:
                swap = date.fromisoformat(line["last_sim_swap"])
                self.device_row(
                    line, "sim", SIM_MODEL, activated, 0, iccid=self.iccid(), status="deactivated"
                )
                self.device_row(line, "sim", SIM_MODEL, swap, 0, iccid=self.iccid())
            else:
                self.device_row(line, "sim", SIM_MODEL, activated, 0, iccid=self.iccid())
            if self.chance(0.78):  # otherwise the customer brought their own phone
                model, price, tac = self.pick(PHONES)
                purchased = self.day_between(max(activated, TODAY - timedelta(days=1000)), last_buy)
                if self.chance(0.12) and (TODAY - purchased).days > 400:
                    # an older phone that was traded in before this one
                    old_model, old_price, old_tac = self.pick(PHONES)
                    old = self.device_row(
                        line,
                        "phone",
                        old_model,
                        purchased - timedelta(days=rng.randrange(400, 900)),
                        old_price,
                        imei=self.imei(old_tac),
                        status="returned",
                    )
                    old["line_id"] = None
                finance = self.chance(0.6) and (TODAY - purchased).days < 36 * 30
                self.device_row(
                    line,
                    "phone",
                    model,
                    purchased,
                    price,
                    imei=self.imei(tac),
                    status="lost" if lost else "active",
                    finance=finance,
                )
        elif ltype == "wearable":
            model, price, tac = self.pick(WATCHES)
            purchased = self.day_between(activated, last_buy)
            self.device_row(
                line,
                "watch",
                model,
                purchased,
                price,
                imei=self.imei(tac),
                status="lost" if lost else "active",
                finance=self.chance(0.4),
            )
        else:
            key = {"HOM-AIR100": "air", "HOM-COPPER25": "copper", "HOM-FIBER2G": "fiber7"}.get(
                line["plan_id"], "fiber"
            )
            model, prefix = ROUTERS[key]
            serial = prefix + "".join(
                self.pick(list("ABCDEFGHJKLMNPRSTUVWXYZ23456789")) for _ in range(8)
            )
            purchased = self.day_between(
                max(activated, TODAY - timedelta(days=1400)), TODAY - timedelta(days=6)
            )
            self.device_row(line, "router", model, purchased, 0, serial=serial)

    def usage(self, line: Row, customer: Row) -> None:
        rng = self.rng
        cycle_day = customer["billing_cycle_day"]
        current = cycle_start_on_or_before(TODAY, cycle_day)
        previous = add_months(current, -1, cycle_day)
        plan = self.plans[line["plan_id"]]
        for start in (previous, current):
            end = add_months(start, 1, cycle_day) - timedelta(days=1)
            days = min((TODAY - start).days + 1, (end - start).days + 1)
            share = days / ((end - start).days + 1)
            if line["line_type"] == "home_internet":
                data = rng.uniform(180, 1400) * share
                minutes = texts = 0
            elif line["line_type"] == "wearable":
                data = rng.uniform(0.2, 3.0) * share
                minutes, texts = (
                    int(rng.randrange(0, 120) * share),
                    int(rng.randrange(0, 300) * share),
                )
            else:
                cap = plan[4] if plan[4] is not None else 60
                data = rng.uniform(0.15, 1.05) * cap * share
                if plan[4] is not None:
                    data = min(data, cap * 1.0)
                minutes = int(rng.randrange(40, 1400) * share)
                texts = int(rng.randrange(20, 2600) * share)
            if line["status"] == "suspended" and start == current:
                data, minutes, texts = data * 0.2, minutes // 5, texts // 5
            self.tables["usage_records"].append(
                {
                    "usage_id": self.ids.new("US", 5),
                    "line_id": line["line_id"],
                    "cycle_start": start.isoformat(),
                    "cycle_end": end.isoformat(),
                    "data_gb": round(data, 2),
                    "voice_minutes": minutes,
                    "texts": texts,
                }
            )
