"""The telehealth generator's visits step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..rules import INVOICE_DUE_DAYS, LATE_CANCEL_SHARE, LATE_CANCEL_WINDOW, NOW
from .state import TODAY, Clinic, cents, iso, slots_start
from .world import CONDITIONS, NOTE_TEMPLATES, PLANS, Row


def make_visits(clinic: Clinic) -> None:
    """Past appointments (with their slots, visit notes and invoices) and upcoming ones."""
    rng, ids, tables = clinic.rng, clinic.ids, clinic.tables
    future_slots = clinic.future_slots
    patient_conditions = clinic.patient_conditions
    patients = clinic.patients
    provider_specialty = clinic.provider_specialty
    providers = clinic.providers
    records = clinic.records
    slots = clinic.slots
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
            prov = clinic.pick_provider(CONDITIONS[cond][2], pat["state"], when_day)
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
                    "due_on": iso(start.date() + timedelta(days=INVOICE_DUE_DAYS)),
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
                    "due_on": iso(issued + timedelta(days=INVOICE_DUE_DAYS)),
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
                    if not clinic.licensed(p["provider_id"], pat["state"], start.date()):
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
    clinic.invoices = invoices
    clinic.plan_by_id = plan_by_id
