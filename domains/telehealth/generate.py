"""Deterministic generator of the Alderbrook Telecare seed data (``data/<table>.json``).

Everything here is fictional: the clinic, its partner pharmacies and device suppliers,
the towns, the patients, the providers and every reading. ``tautrait domains generate
telehealth`` writes :func:`tables` into ``data/`` (``--check`` compares instead).

The output depends only on the fixed seed below and the domain's fixed time
(``rules.NOW``): no wall clock, no set iteration order.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from .rules import LATE_CANCEL_SHARE, LATE_CANCEL_WINDOW, NOW, SERVICE_STATES
from .seed.world import (
    ALLERGIES,
    CONDITION_WEIGHTS,
    CONDITIONS,
    DEVICE_MODELS,
    DIRECTIONS,
    DOCUMENTS,
    DRUGS,
    EMAIL_DOMAINS,
    INTERACTIONS,
    NAME_POOLS,
    NOTE_TEMPLATES,
    PLANS,
    POOL_LANGUAGE,
    SPECIALTIES,
    STATES,
    STREETS,
    Row,
)

SEED = 6092026
TODAY = NOW.date()

# --------------------------------------------------------------------------- world

STATE_CODES = list(STATES)


DRUG_BY_NAME = {d[1]: d for d in DRUGS}


MODELS_BY_KIND: dict[str, list[str]] = {}
for _m in DEVICE_MODELS:
    MODELS_BY_KIND.setdefault(_m["kind"], []).append(_m["model_id"])


# ------------------------------------------------------------------------- helpers


def cents(x: float) -> float:
    return round(x + 1e-9, 2)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def weekdays(start: date, end: date) -> list[date]:
    out = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


class Ids:
    """Sequential ids per prefix, e.g. ``A-60001``."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}

    def next(self, prefix: str, start: int) -> str:
        value = self.counters.get(prefix, start)
        self.counters[prefix] = value + 1
        return f"{prefix}{value}"


# ------------------------------------------------------------------------ generation


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    if sorted(STATES) != sorted(SERVICE_STATES):
        raise ValueError("STATES must describe exactly the service states of rules.py")
    rng = random.Random(SEED)
    ids = Ids()
    tables: dict[str, list[Row]] = {}

    tables["insurance_plans"] = [dict(p) for p in PLANS]
    tables["device_models"] = [dict(m) for m in DEVICE_MODELS]

    # ---- drugs and interactions
    tables["drugs"] = [
        {
            "drug_id": d[0],
            "name": d[1],
            "strength": d[2],
            "form": d[3],
            "drug_class": d[4],
            "controlled": d[5] is not None,
            "schedule": d[5],
        }
        for d in DRUGS
    ]
    interactions = []
    for n, (a, b, severity, effect) in enumerate(INTERACTIONS, start=1):
        interactions.append(
            {
                "interaction_id": f"IX-{n:03d}",
                "drug_a_id": DRUG_BY_NAME[a][0],
                "drug_b_id": DRUG_BY_NAME[b][0],
                "severity": severity,
                "effect": effect,
            }
        )
    tables["drug_interactions"] = interactions
    severe_pairs: list[tuple[str, str]] = []
    for a, b, severity, _ in INTERACTIONS:
        if severity == "severe":
            severe_pairs.append((a, b))
            severe_pairs.append((b, a))

    # ---- suppliers
    suppliers: list[Row] = []
    pharm_names = [
        "Community Pharmacy",
        "Apothecary",
        "Corner Drug",
        "Family Pharmacy",
        "Health Mart",
        "Prescription Shop",
    ]
    for i, state in enumerate(STATE_CODES):
        towns = STATES[state]["towns"]
        for j in range(2):
            town, zip_code = towns[j]
            suppliers.append(
                {
                    "supplier_id": f"PH-{201 + 2 * i + j}",
                    "name": f"{town} {pharm_names[(i + j) % len(pharm_names)]}",
                    "kind": "pharmacy",
                    "street": f"{rng.randint(10, 2999)} {rng.choice(STREETS)}",
                    "city": town,
                    "state": state,
                    "zip_code": zip_code,
                    "phone": f"{rng.choice(STATES[state]['area'])}-555-{rng.randint(100, 199):04d}",
                    "mail_order": False,
                }
            )
    suppliers.append(
        {
            "supplier_id": "PH-301",
            "name": "ParcelRx Mail Pharmacy",
            "kind": "pharmacy",
            "street": "800 Dispatch Parkway",
            "city": "Juniper Hollow",
            "state": "UT",
            "zip_code": "84062",
            "phone": "801-555-0300",
            "mail_order": True,
        }
    )
    suppliers.append(
        {
            "supplier_id": "PH-302",
            "name": "Evergreen Home Delivery Pharmacy",
            "kind": "pharmacy",
            "street": "15 Conveyor Road",
            "city": "Fernwood",
            "state": "OR",
            "zip_code": "97128",
            "phone": "503-555-0302",
            "mail_order": True,
        }
    )
    device_suppliers = [
        ("DS-501", "Beacon Home Medical Supply", "CO"),
        ("DS-502", "Northstar Durable Medical", "MN"),
        ("DS-503", "Cascade Health Devices", "WA"),
        ("DS-504", "Sonoran MedEquip", "AZ"),
    ]
    for sid, name, state in device_suppliers:
        town, zip_code = STATES[state]["towns"][2]
        suppliers.append(
            {
                "supplier_id": sid,
                "name": name,
                "kind": "device_supplier",
                "street": f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
                "city": town,
                "state": state,
                "zip_code": zip_code,
                "phone": f"{STATES[state]['area'][0]}-555-{rng.randint(200, 299):04d}",
                "mail_order": True,
            }
        )
    tables["suppliers"] = suppliers
    pharmacies = [s for s in suppliers if s["kind"] == "pharmacy"]
    local_pharmacies = {
        st: [p for p in pharmacies if p["state"] == st and not p["mail_order"]]
        for st in STATE_CODES
    }

    # ---- stock
    stock: list[Row] = []
    stock_index: dict[tuple[str, str], Row] = {}
    for ph in pharmacies:
        for d in DRUGS:
            if rng.random() < 0.12 and not ph["mail_order"]:
                continue  # not carried
            roll = rng.random()
            if roll < 0.08:
                qty = 0
            elif roll < 0.18:
                qty = rng.randint(5, 40)
            else:
                qty = rng.randint(60, 600)
            if d[3] in ("inhaler", "pen", "cream"):
                qty = qty // 20
            row = {
                "stock_id": ids.next("ST-", 1001),
                "supplier_id": ph["supplier_id"],
                "drug_id": d[0],
                "model_id": None,
                "quantity": qty,
                "unit_price": cents(d[6] * rng.uniform(0.9, 1.25)),
            }
            stock.append(row)
            stock_index[(ph["supplier_id"], d[0])] = row
    for sid, _, _ in device_suppliers:
        for m in DEVICE_MODELS:
            if rng.random() < 0.1:
                continue
            qty = 0 if rng.random() < 0.12 else rng.randint(3, 40)
            row = {
                "stock_id": ids.next("ST-", 1001),
                "supplier_id": sid,
                "drug_id": None,
                "model_id": m["model_id"],
                "quantity": qty,
                "unit_price": cents(m["list_price"] * rng.uniform(0.85, 1.1)),
            }
            stock.append(row)
            stock_index[(sid, m["model_id"])] = row
    tables["supplier_stock"] = stock

    # ---- people: unique full names
    used_names: list[tuple[str, str]] = []

    def person(pool_index: int | None = None) -> tuple[str, str, str, int]:
        while True:
            idx = rng.randrange(len(NAME_POOLS)) if pool_index is None else pool_index
            female, male, last = NAME_POOLS[idx]
            sex = rng.choice(["F", "M"])
            first = rng.choice(female if sex == "F" else male)
            surname = rng.choice(last)
            if (first, surname) not in used_names:
                used_names.append((first, surname))
                return first, surname, sex, idx

    # ---- providers and licences
    providers: list[Row] = []
    licenses: list[Row] = []
    provider_specialty: dict[str, str] = {}
    pid = 3101
    for specialty, count, (lo, hi) in SPECIALTIES:
        group = []
        for _ in range(count):
            first, last, _sex, idx = person()
            langs = ["English"]
            if (lang := POOL_LANGUAGE[idx]) and rng.random() < 0.6:
                langs.append(lang)
            fee = cents(rng.randint(lo, hi) + rng.choice([0, 0.25, 0.5, 0.75, 0.4, 0.9]))
            cred = rng.choice(
                ["MD", "MD", "DO", "NP", "PA"]
                if specialty == "family medicine"
                else ["MD", "MD", "DO", "NP"]
            )
            row = {
                "provider_id": f"DR-{pid}",
                "first_name": first,
                "last_name": last,
                "credential": cred,
                "specialty": specialty,
                "visit_fee": fee,
                "languages": langs,
            }
            pid += rng.randint(1, 9)
            providers.append(row)
            group.append(row)
            provider_specialty[row["provider_id"]] = specialty
        # every state covered by someone in the specialty, plus extra states
        states = STATE_CODES[:]
        rng.shuffle(states)
        assigned: dict[str, list[str]] = {p["provider_id"]: [] for p in group}
        for k, st in enumerate(states):
            assigned[group[k % len(group)]["provider_id"]].append(st)
        for p in group:
            for st in STATE_CODES:
                if st not in assigned[p["provider_id"]] and rng.random() < 0.25:
                    assigned[p["provider_id"]].append(st)
            for st in sorted(assigned[p["provider_id"]], key=STATE_CODES.index):
                roll = rng.random()
                if roll < 0.07:
                    expires = TODAY + timedelta(days=rng.randint(3, 12))  # lapses soon
                elif roll < 0.11:
                    expires = TODAY - timedelta(days=rng.randint(10, 90))  # lapsed
                else:
                    expires = date(rng.choice([2027, 2027, 2028]), rng.randint(1, 12), 28)
                licenses.append(
                    {
                        "license_id": ids.next("LIC-", 4001),
                        "provider_id": p["provider_id"],
                        "state": st,
                        "license_number": f"{st}{rng.randint(100000, 999999)}",
                        "expires_on": iso(expires),
                    }
                )
    tables["providers"] = providers
    tables["provider_licenses"] = licenses

    def licensed(provider_id: str, state: str, on: date) -> bool:
        return any(
            lic["provider_id"] == provider_id
            and lic["state"] == state
            and lic["expires_on"] >= on.isoformat()
            for lic in licenses
        )

    # ---- schedules: future open slots (today after NOW through 17 days out)
    slots: list[Row] = []
    future_slots: dict[str, list[Row]] = {}
    days = weekdays(TODAY, TODAY + timedelta(days=17))
    for p in providers:
        workdays = sorted(rng.sample(range(5), 3))
        block_start = rng.choice([8, 9, 10, 13, 14])
        future_slots[p["provider_id"]] = []
        for day in days:
            if day.weekday() not in workdays:
                continue
            for k in range(6):
                start = datetime.combine(day, time(block_start)) + timedelta(minutes=30 * k)
                if start <= NOW:
                    continue
                row = {
                    "slot_id": ids.next("S-", 250001),
                    "provider_id": p["provider_id"],
                    "start_at": iso(start),
                    "duration_min": 30,
                    "status": "blocked" if rng.random() < 0.05 else "open",
                }
                slots.append(row)
                future_slots[p["provider_id"]].append(row)

    # ---- patients
    patients: list[Row] = []
    plan_ids = [p["plan_id"] for p in PLANS]
    pat_no = rng.randint(100200, 100400)
    for n in range(124):
        first, last, sex, _ = person()
        if n == 57:  # two patients share a name: the date of birth tells them apart
            first, last, sex = (
                patients[12]["first_name"],
                patients[12]["last_name"],
                patients[12]["sex"],
            )
        state = STATE_CODES[n % len(STATE_CODES)] if n < 16 else rng.choice(STATE_CODES)
        town, zip_code = rng.choice(STATES[state]["towns"])
        age_roll = rng.random()
        year = (
            rng.randint(1940, 1960)
            if age_roll < 0.35
            else rng.randint(1961, 1985)
            if age_roll < 0.8
            else rng.randint(1986, 2005)
        )
        dob = date(year, rng.randint(1, 12), rng.randint(1, 28))
        senior = dob.year <= 1961
        if rng.random() < 0.13:
            plan = None
        elif senior and rng.random() < 0.6:
            plan = "SOL-SENIOR"
        else:
            plan = rng.choice([p for p in plan_ids if p != "SOL-SENIOR"])
        ascii_first = first.lower().replace("í", "i").replace("é", "e").replace("á", "a")
        ascii_last = (
            last.lower().replace("í", "i").replace("á", "a").replace("é", "e").replace(" ", "")
        )
        email = (
            f"{ascii_first.replace('-', '')}.{ascii_last}{rng.randint(1, 99)}@"
            f"{rng.choice(EMAIL_DOMAINS)}"
        )
        local = local_pharmacies[state]
        pref = rng.choice(local) if rng.random() < 0.8 else rng.choice(pharmacies[-2:])
        patients.append(
            {
                "patient_id": f"P-{pat_no}",
                "first_name": first,
                "last_name": last,
                "date_of_birth": iso(dob),
                "sex": sex,
                "email": email,
                "phone": f"{rng.choice(STATES[state]['area'])}-555-{rng.randint(1000, 9999)}",
                "street": f"{rng.randint(12, 9870)} {rng.choice(STREETS)}",
                "city": town,
                "state": state,
                "zip_code": zip_code,
                "plan_id": plan,
                "member_id": None
                if plan is None
                else f"{plan[:3]}{rng.randint(10000000, 99999999)}",
                "preferred_pharmacy_id": pref["supplier_id"],
                "card_last4": None if rng.random() < 0.12 else f"{rng.randint(0, 9999):04d}",
                "status": "inactive" if rng.random() < 0.05 else "active",
                "joined_on": iso(TODAY - timedelta(days=rng.randint(40, 1500))),
            }
        )
        pat_no += rng.randint(3, 97)
    tables["patients"] = patients

    # ---- conditions, allergies
    records: list[Row] = []
    patient_conditions: dict[str, list[str]] = {}
    for pat in patients:
        conds = [c for c, w in CONDITION_WEIGHTS if rng.random() < w]
        if not conds:
            conds = [
                rng.choice(
                    [
                        "Essential hypertension",
                        "Type 2 diabetes mellitus",
                        "Hyperlipidemia",
                        "Gastroesophageal reflux disease",
                    ]
                )
            ]
        patient_conditions[pat["patient_id"]] = conds
        joined = date.fromisoformat(pat["joined_on"])
        for c in conds:
            records.append(
                {
                    "record_id": "",
                    "patient_id": pat["patient_id"],
                    "record_type": "condition",
                    "description": c,
                    "status": "resolved"
                    if c == "Acne vulgaris" and rng.random() < 0.4
                    else "active",
                    "recorded_on": iso(joined + timedelta(days=rng.randint(0, 30))),
                    "provider_id": None,
                    "appointment_id": None,
                }
            )
        for allergy in rng.sample(ALLERGIES, k=rng.choice([0, 0, 0, 1, 1, 2])):
            records.append(
                {
                    "record_id": "",
                    "patient_id": pat["patient_id"],
                    "record_type": "allergy",
                    "description": allergy,
                    "status": "active",
                    "recorded_on": pat["joined_on"],
                    "provider_id": None,
                    "appointment_id": None,
                }
            )

    def pick_provider(specialty: str, state: str, on: date) -> Row | None:
        cands = [
            p
            for p in providers
            if p["specialty"] == specialty and licensed(p["provider_id"], state, on)
        ]
        if not cands:
            cands = [
                p
                for p in providers
                if p["specialty"] == "family medicine" and licensed(p["provider_id"], state, on)
            ]
        return rng.choice(cands) if cands else None

    # ---- past appointments (+ slots), visit notes
    appointments: list[Row] = []
    invoices: list[Row] = []
    plan_by_id = {p["plan_id"]: p for p in PLANS}
    fee_by_provider = {p["provider_id"]: p["visit_fee"] for p in providers}
    past_appts: list[tuple[Row, Row, str]] = []
    taken: dict[tuple[str, datetime], bool] = {}
    for pat in patients:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            cond = rng.choice(patient_conditions[pat["patient_id"]])
            when_day = TODAY - timedelta(days=rng.randint(3, 330))
            while when_day.weekday() >= 5:
                when_day -= timedelta(days=1)
            prov = pick_provider(CONDITIONS[cond][2], pat["state"], when_day)
            if prov is None:
                continue
            start = datetime.combine(
                when_day, time(rng.choice([8, 9, 10, 11, 13, 14, 15]), rng.choice([0, 30]))
            )
            if (prov["provider_id"], start) in taken:
                continue
            taken[(prov["provider_id"], start)] = True
            roll = rng.random()
            status = "completed" if roll < 0.8 else "cancelled" if roll < 0.93 else "no_show"
            slot = {
                "slot_id": ids.next("S-", 250001),
                "provider_id": prov["provider_id"],
                "start_at": iso(start),
                "duration_min": 30,
                "status": "open" if status == "cancelled" else "booked",
            }
            slots.append(slot)
            late = status == "cancelled" and rng.random() < 0.6
            cancelled_at = None
            fee = 0.0
            if status == "cancelled":
                hours_before = rng.randint(2, 20) if late else rng.randint(30, 240)
                cancelled_at = start - timedelta(hours=hours_before)
                if late:
                    fee = cents(fee_by_provider[prov["provider_id"]] * float(LATE_CANCEL_SHARE))
            appt = {
                "appointment_id": ids.next("A-", 60001),
                "patient_id": pat["patient_id"],
                "provider_id": prov["provider_id"],
                "slot_id": slot["slot_id"],
                "visit_type": rng.choice(["video", "video", "phone"]),
                "status": status,
                "reschedule_count": rng.choice([0, 0, 0, 1]),
                "cancellation_fee": fee,
                "booked_at": iso(
                    start - timedelta(days=rng.randint(2, 30), hours=rng.randint(0, 8))
                ),
                "cancelled_at": iso(cancelled_at),
            }
            appointments.append(appt)
            past_appts.append((appt, pat, cond))
    past_appts.sort(key=lambda t: slots_start(slots, t[0]["slot_id"]))
    for appt, pat, cond in past_appts:
        start = datetime.fromisoformat(slots_start(slots, appt["slot_id"]))
        if appt["status"] == "completed":
            spec = provider_specialty[appt["provider_id"]]
            records.append(
                {
                    "record_id": "",
                    "patient_id": pat["patient_id"],
                    "record_type": "visit_note",
                    "description": rng.choice(NOTE_TEMPLATES[spec]).format(c=cond.lower()),
                    "status": "final",
                    "recorded_on": iso(start.date()),
                    "provider_id": appt["provider_id"],
                    "appointment_id": appt["appointment_id"],
                }
            )
            visit_plan = plan_by_id.get(pat["plan_id"]) if pat["plan_id"] else None
            amount = (
                visit_plan["visit_copay"] if visit_plan else fee_by_provider[appt["provider_id"]]
            )
            age = (TODAY - start.date()).days
            paid = age > 45 or rng.random() < 0.6
            invoices.append(
                {
                    "invoice_id": "",
                    "patient_id": pat["patient_id"],
                    "kind": "visit",
                    "appointment_id": appt["appointment_id"],
                    "order_id": None,
                    "description": f"{'Copay' if visit_plan else 'Self-pay'} for visit on "
                    f"{start.date().isoformat()}",
                    "amount": cents(amount),
                    "amount_paid": cents(amount) if paid else 0.0,
                    "status": "paid" if paid else "open",
                    "issued_on": iso(start.date()),
                    "due_on": iso(start.date() + timedelta(days=30)),
                    "waived_on": None,
                }
            )
        elif appt["cancellation_fee"] > 0:
            issued = datetime.fromisoformat(appt["cancelled_at"]).date()
            roll = rng.random()
            status = "paid" if roll < 0.35 else "waived" if roll < 0.62 else "open"
            invoices.append(
                {
                    "invoice_id": "",
                    "patient_id": pat["patient_id"],
                    "kind": "late_cancellation",
                    "appointment_id": appt["appointment_id"],
                    "order_id": None,
                    "description": f"Late cancellation fee, visit of {start.date().isoformat()}",
                    "amount": appt["cancellation_fee"],
                    "amount_paid": appt["cancellation_fee"] if status == "paid" else 0.0,
                    "status": status,
                    "issued_on": iso(issued),
                    "due_on": iso(issued + timedelta(days=30)),
                    "waived_on": iso(issued + timedelta(days=rng.randint(1, 6)))
                    if status == "waived"
                    else None,
                }
            )

    # ---- upcoming appointments in open future slots
    upcoming_patients = rng.sample([p for p in patients if p["status"] == "active"], 62)
    for k, pat in enumerate(upcoming_patients):
        how_many = 1 if k < 52 else 3 if k < 56 else 2
        for j in range(how_many):
            cond = rng.choice(patient_conditions[pat["patient_id"]])
            soon = k < 10 and j == 0  # within the next 24 hours
            cands = []
            for p in providers:
                if p["specialty"] not in (CONDITIONS[cond][2], "family medicine"):
                    continue
                for s in future_slots[p["provider_id"]]:
                    start = datetime.fromisoformat(s["start_at"])
                    if s["status"] != "open":
                        continue
                    if soon != (start - NOW < LATE_CANCEL_WINDOW):
                        continue
                    if not licensed(p["provider_id"], pat["state"], start.date()):
                        continue
                    cands.append(s)
            if not cands:
                continue
            slot = rng.choice(cands)
            slot["status"] = "booked"
            start = datetime.fromisoformat(slot["start_at"])
            appointments.append(
                {
                    "appointment_id": ids.next("A-", 60001),
                    "patient_id": pat["patient_id"],
                    "provider_id": slot["provider_id"],
                    "slot_id": slot["slot_id"],
                    "visit_type": rng.choice(["video", "video", "phone"]),
                    "status": "scheduled",
                    "reschedule_count": rng.choice([0, 0, 0, 0, 1, 2]),
                    "cancellation_fee": 0.0,
                    "booked_at": iso(
                        NOW - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 9))
                    ),
                    "cancelled_at": None,
                }
            )
    tables["appointments"] = appointments
    tables["slots"] = slots

    # ---- prescriptions
    prescriptions: list[Row] = []
    active_drugs: dict[str, list[str]] = {}
    rx_no = 71020
    for pat in patients:
        meds: list[str] = []
        for cond in patient_conditions[pat["patient_id"]]:
            _, drug_names, specialty = CONDITIONS[cond]
            picks = rng.sample(drug_names, k=1 if len(drug_names) < 3 or rng.random() < 0.6 else 2)
            for name in picks:
                if name in meds:
                    continue
                if any((name, other) in severe_pairs for other in meds):
                    continue
                if any(DRUG_BY_NAME[other][4] == DRUG_BY_NAME[name][4] for other in meds):
                    continue
                meds.append(name)
                drug = DRUG_BY_NAME[name]
                roll = rng.random()
                if roll < 0.1:
                    written = TODAY - timedelta(days=rng.randint(380, 560))
                    status = "expired"
                elif roll < 0.18:
                    written = TODAY - timedelta(days=rng.randint(60, 300))
                    status = "discontinued"
                elif roll < 0.25:
                    written = TODAY - timedelta(days=rng.randint(345, 362))  # expires soon
                    status = "active"
                else:
                    written = TODAY - timedelta(days=rng.randint(10, 330))
                    status = "active"
                prov = pick_provider(specialty, pat["state"], written) or pick_provider(
                    "family medicine", pat["state"], TODAY
                )
                if prov is None:
                    prov = providers[0]
                ninety = drug[3] == "tablet" and rng.random() < 0.45 and drug[5] is None
                qty = {"inhaler": 1, "pen": 5, "cream": 1}.get(drug[3], 90 if ninety else 30)
                directions = rng.choice(DIRECTIONS[drug[3]])
                if "twice" in directions and drug[3] in ("tablet", "capsule"):
                    qty *= 2
                if drug[5] == "II":
                    refills = 0
                elif drug[5] is not None:
                    refills = rng.randint(0, 2)
                else:
                    refills = (
                        rng.choice([0, 1, 2, 3, 3, 5, 5, 11])
                        if not ninety
                        else rng.choice([0, 1, 2, 3])
                    )
                remaining = rng.randint(0, refills) if refills else 0
                pharm = pat["preferred_pharmacy_id"]
                if rng.random() < 0.15:
                    pharm = rng.choice(pharmacies[-2:])["supplier_id"]
                prescriptions.append(
                    {
                        "rx_id": f"RX-{rx_no}",
                        "patient_id": pat["patient_id"],
                        "provider_id": prov["provider_id"],
                        "drug_id": drug[0],
                        "directions": directions,
                        "quantity": qty,
                        "days_supply": 90 if ninety else 30,
                        "refills_authorized": refills,
                        "refills_remaining": remaining,
                        "written_on": iso(written),
                        "expires_on": iso(written + timedelta(days=365)),
                        "status": status,
                        "pharmacy_id": pharm,
                    }
                )
                rx_no += rng.randint(2, 40)
                if status == "active":
                    active_drugs.setdefault(pat["patient_id"], []).append(name)

    # A few patients got a drug from an outside or urgent-care prescriber that interacts
    # severely with one of their regular medications (the pharmacy holds such refills).
    family = [p for p in providers if p["specialty"] == "family medicine"]
    injections = [
        ("warfarin", "fluconazole"),
        ("warfarin", "naproxen"),
        ("simvastatin", "clarithromycin"),
        ("sertraline", "tramadol"),
        ("apixaban", "ibuprofen"),
    ]
    injected: list[str] = []
    for base_drug, extra in injections:
        for pat in patients:
            pid_ = pat["patient_id"]
            if pid_ in injected or base_drug not in active_drugs.get(pid_, []):
                continue
            if extra in active_drugs[pid_] or pat["status"] != "active":
                continue
            drug = DRUG_BY_NAME[extra]
            cands = [p for p in family if licensed(p["provider_id"], pat["state"], TODAY)]
            written = TODAY - timedelta(days=rng.randint(2, 9))
            prescriptions.append(
                {
                    "rx_id": f"RX-{rx_no}",
                    "patient_id": pid_,
                    "provider_id": rng.choice(cands)["provider_id"],
                    "drug_id": drug[0],
                    "directions": DIRECTIONS[drug[3]][0],
                    "quantity": 30 if drug[5] else 14,
                    "days_supply": 14,
                    "refills_authorized": 1,
                    "refills_remaining": 1,
                    "written_on": iso(written),
                    "expires_on": iso(written + timedelta(days=365)),
                    "status": "active",
                    "pharmacy_id": pat["preferred_pharmacy_id"],
                }
            )
            rx_no += rng.randint(2, 40)
            active_drugs[pid_].append(extra)
            injected.append(pid_)
            break
    tables["prescriptions"] = prescriptions

    # every pharmacy carries what it has active prescriptions for (stock may still be low)
    for rx in prescriptions:
        if rx["status"] == "active" and (rx["pharmacy_id"], rx["drug_id"]) not in stock_index:
            price = next(d[6] for d in DRUGS if d[0] == rx["drug_id"])
            row = {
                "stock_id": ids.next("ST-", 1001),
                "supplier_id": rx["pharmacy_id"],
                "drug_id": rx["drug_id"],
                "model_id": None,
                "quantity": rx["quantity"] * rng.randint(2, 8),
                "unit_price": cents(price * rng.uniform(0.9, 1.25)),
            }
            stock.append(row)
            stock_index[(rx["pharmacy_id"], rx["drug_id"])] = row

    # ---- refill history
    refills_rows: list[Row] = []
    for rx in prescriptions:
        if rx["status"] != "active":
            continue
        written = date.fromisoformat(rx["written_on"])
        used = rx["refills_authorized"] - rx["refills_remaining"]
        for u in range(used):
            when = datetime.combine(
                written + timedelta(days=rx["days_supply"] * (u + 1) - 3),
                time(rng.randint(8, 19), rng.choice([0, 15, 30, 45])),
            )
            if when >= NOW - timedelta(hours=2):
                break
            recent = NOW - when < timedelta(days=6)
            status = ("requested" if rng.random() < 0.5 else "ready") if recent else "picked_up"
            refills_rows.append(
                {
                    "refill_id": "",
                    "rx_id": rx["rx_id"],
                    "pharmacy_id": rx["pharmacy_id"],
                    "requested_at": iso(when),
                    "status": status,
                }
            )
    refills_rows.sort(key=lambda r: (r["requested_at"], r["rx_id"]))
    for r in refills_rows:
        r["refill_id"] = ids.next("RF-", 90001)
    tables["refill_requests"] = refills_rows

    # ---- devices, device orders, uploads
    devices: list[Row] = []
    orders: list[Row] = []
    uploads: list[Row] = []
    serial_pool = rng.sample(range(100000, 999999), 400)
    serial_iter = iter(serial_pool)

    def new_serial() -> str:
        return f"SN-{next(serial_iter)}"

    def address(pat: Row) -> str:
        return f"{pat['street']}, {pat['city']}, {pat['state']} {pat['zip_code']}"

    def make_order(pat: Row, model_id: str, status: str, ordered: datetime) -> Row:
        supplier = rng.choice([s for s, _, _ in device_suppliers if (s, model_id) in stock_index])
        price = stock_index[(supplier, model_id)]["unit_price"]
        plan = plan_by_id.get(pat["plan_id"]) if pat["plan_id"] else None
        covered = (
            cents(price * plan["device_coverage_pct"] / 100) if plan and plan["accepting"] else 0.0
        )
        order = {
            "order_id": ids.next("DO-", 33001),
            "patient_id": pat["patient_id"],
            "model_id": model_id,
            "supplier_id": supplier,
            "status": status,
            "price": price,
            "insurance_covered": covered,
            "patient_cost": cents(price - covered),
            "ordered_at": iso(ordered),
            "ship_to": address(pat),
        }
        orders.append(order)
        return order

    device_rows_for: dict[str, list[Row]] = {}
    for pat in patients:
        kinds: list[str] = []
        for cond in patient_conditions[pat["patient_id"]]:
            kind = CONDITIONS[cond][0]
            if kind and kind not in kinds:
                kinds.append(kind)
        for kind in kinds:
            if pat["status"] == "inactive" or rng.random() < 0.12:
                continue
            model_id = rng.choice(MODELS_BY_KIND[kind])
            joined = date.fromisoformat(pat["joined_on"])
            # an older, retired unit first for some patients
            if rng.random() < 0.2:
                dead = {
                    "serial_number": new_serial(),
                    "model_id": model_id,
                    "patient_id": pat["patient_id"],
                    "order_id": None,
                    "status": "deactivated",
                    "registered_on": iso(joined),
                    "deactivated_on": iso(joined + timedelta(days=rng.randint(60, 300))),
                    "deactivation_reason": rng.choice(["broken", "lost", "replaced"]),
                }
                if dead["deactivated_on"] < TODAY.isoformat():
                    devices.append(dead)
            roll = rng.random()
            if roll < 0.7:
                dev = {
                    "serial_number": new_serial(),
                    "model_id": model_id,
                    "patient_id": pat["patient_id"],
                    "order_id": None,
                    "status": "active",
                    "registered_on": iso(
                        min(TODAY - timedelta(days=35), joined + timedelta(days=rng.randint(1, 20)))
                    ),
                    "deactivated_on": None,
                    "deactivation_reason": None,
                }
            else:
                ordered = NOW - timedelta(days=rng.randint(40, 200), hours=rng.randint(0, 8))
                order = make_order(pat, model_id, "delivered", ordered)
                dev = {
                    "serial_number": new_serial(),
                    "model_id": model_id,
                    "patient_id": pat["patient_id"],
                    "order_id": order["order_id"],
                    "status": "active",
                    "registered_on": iso(ordered.date() + timedelta(days=rng.randint(4, 9))),
                    "deactivated_on": None,
                    "deactivation_reason": None,
                }
            devices.append(dev)
            device_rows_for.setdefault(pat["patient_id"], []).append(dev)

    # recent orders: delivered but not yet registered, in transit, just placed, cancelled
    kinds_all = list(MODELS_BY_KIND)
    eligible = [p for p in patients if p["status"] == "active"]
    order_patients = rng.sample(eligible, 26)
    for k, pat in enumerate(order_patients):
        have = [
            next(m["kind"] for m in DEVICE_MODELS if m["model_id"] == d["model_id"])
            for d in device_rows_for.get(pat["patient_id"], [])
        ]
        free_kinds = [kd for kd in kinds_all if kd not in have]
        if not free_kinds:
            continue
        kind = rng.choice(free_kinds)
        model_id = rng.choice(MODELS_BY_KIND[kind])
        if k < 8:
            status, age = "delivered", rng.randint(5, 12)
        elif k < 13:
            status, age = "shipped", rng.randint(2, 4)
        elif k < 20:
            status, age = "placed", rng.randint(0, 1)
        else:
            status, age = "cancelled", rng.randint(6, 40)
        ordered = NOW - timedelta(days=age, hours=rng.randint(1, 10))
        order = make_order(pat, model_id, status, ordered)
        if status == "delivered":
            devices.append(
                {
                    "serial_number": new_serial(),
                    "model_id": model_id,
                    "patient_id": None,
                    "order_id": order["order_id"],
                    "status": "unassigned",
                    "registered_on": None,
                    "deactivated_on": None,
                    "deactivation_reason": None,
                }
            )
    # clinic loaner pool
    for _ in range(10):
        devices.append(
            {
                "serial_number": new_serial(),
                "model_id": rng.choice(DEVICE_MODELS)["model_id"],
                "patient_id": None,
                "order_id": None,
                "status": "unassigned",
                "registered_on": None,
                "deactivated_on": None,
                "deactivation_reason": None,
            }
        )
    orders.sort(key=lambda o: o["order_id"])
    tables["device_orders"] = orders
    tables["devices"] = devices

    # device invoices
    for order in orders:
        if order["patient_cost"] <= 0:
            continue
        issued = datetime.fromisoformat(order["ordered_at"]).date()
        if order["status"] == "cancelled":
            status, paid_amount = "void", 0.0
        elif order["status"] == "delivered" and rng.random() < 0.85:
            status, paid_amount = "paid", order["patient_cost"]
        else:
            status, paid_amount = "open", 0.0
        invoices.append(
            {
                "invoice_id": "",
                "patient_id": order["patient_id"],
                "kind": "device",
                "appointment_id": None,
                "order_id": order["order_id"],
                "description": f"Device order {order['order_id']} ({order['model_id']})",
                "amount": order["patient_cost"],
                "amount_paid": paid_amount,
                "status": status,
                "issued_on": iso(issued),
                "due_on": iso(issued + timedelta(days=30)),
                "waived_on": None,
            }
        )

    # readings
    for dev in devices:
        if dev["status"] != "active":
            continue
        kind = next(m["kind"] for m in DEVICE_MODELS if m["model_id"] == dev["model_id"])
        registered = date.fromisoformat(dev["registered_on"])
        base = {
            "blood_pressure_cuff": (rng.randint(118, 150), rng.randint(72, 92)),
            "glucose_meter": (rng.randint(95, 170), 0),
            "pulse_oximeter": (rng.randint(92, 98), 0),
            "weight_scale": (rng.randint(55, 125), 0),
        }[kind]
        when = NOW - timedelta(days=rng.randint(40, 45))
        while True:
            when += timedelta(
                days=rng.randint(1, 3),
                hours=rng.randint(-3, 3),
                minutes=rng.choice([0, 7, 18, 26, 41, 53]),
            )
            if when >= NOW - timedelta(minutes=30):
                break
            if when.date() < registered:
                continue
            row = {
                "upload_id": "",
                "patient_id": dev["patient_id"],
                "serial_number": dev["serial_number"],
                "upload_type": "reading",
                "metric": None,
                "systolic": None,
                "diastolic": None,
                "value": None,
                "unit": None,
                "document_title": None,
                "uploaded_at": iso(when),
                "flagged": False,
                "flagged_at": None,
            }
            spike = rng.random() < 0.06
            if kind == "blood_pressure_cuff":
                row.update(
                    metric="blood_pressure",
                    unit="mmHg",
                    systolic=base[0] + rng.randint(-9, 9) + (38 if spike else 0),
                    diastolic=base[1] + rng.randint(-6, 6) + (24 if spike else 0),
                )
            elif kind == "glucose_meter":
                row.update(
                    metric="glucose",
                    unit="mg/dL",
                    value=float(max(48, base[0] + rng.randint(-30, 40) + (160 if spike else 0))),
                )
            elif kind == "pulse_oximeter":
                row.update(
                    metric="spo2",
                    unit="%",
                    value=float(min(100, base[0] + rng.randint(-2, 2) - (6 if spike else 0))),
                )
            else:
                row.update(
                    metric="weight",
                    unit="kg",
                    value=round(base[0] + rng.uniform(-1.5, 1.5) + (2.4 if spike else 0), 1),
                )
            if spike and rng.random() < 0.5 and when < NOW - timedelta(days=2):
                row["flagged"] = True
                row["flagged_at"] = iso(when + timedelta(hours=rng.randint(1, 20)))
            uploads.append(row)
    for pat in rng.sample(patients, 40):
        for title in rng.sample(DOCUMENTS, k=rng.choice([1, 1, 2])):
            when = NOW - timedelta(
                days=rng.randint(1, 200), hours=rng.randint(0, 12), minutes=rng.randint(0, 59)
            )
            uploads.append(
                {
                    "upload_id": "",
                    "patient_id": pat["patient_id"],
                    "serial_number": None,
                    "upload_type": "document",
                    "metric": None,
                    "systolic": None,
                    "diastolic": None,
                    "value": None,
                    "unit": None,
                    "document_title": title,
                    "uploaded_at": iso(when),
                    "flagged": False,
                    "flagged_at": None,
                }
            )
    uploads.sort(key=lambda u: (u["uploaded_at"], u["patient_id"]))
    for upload in uploads:
        upload["upload_id"] = ids.next("U-", 500001)
    tables["uploads"] = uploads

    # ---- number records and invoices
    records.sort(
        key=lambda r: (r["recorded_on"], r["patient_id"], r["record_type"], r["description"])
    )
    for r in records:
        r["record_id"] = ids.next("MR-", 800001)
    tables["medical_records"] = records
    invoices.sort(key=lambda r: (r["issued_on"], r["patient_id"], r["kind"]))
    for r in invoices:
        r["invoice_id"] = ids.next("INV-", 30001)
    tables["invoices"] = invoices
    return tables


def slots_start(slots: list[Row], slot_id: str) -> str:
    for s in slots:
        if s["slot_id"] == slot_id:
            return s["start_at"]
    raise KeyError(slot_id)
