"""The telehealth generator's patients step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from datetime import date, timedelta

from .state import STATE_CODES, TODAY, Clinic, iso
from .world import ALLERGIES, CONDITION_WEIGHTS, EMAIL_DOMAINS, PLANS, STATES, STREETS, Row


def make_patients(clinic: Clinic) -> None:
    """Patients, their conditions and allergies."""
    rng, tables = clinic.rng, clinic.tables
    local_pharmacies = clinic.local_pharmacies
    pharmacies = clinic.pharmacies
    # ---- patients
    patients: list[Row] = []
    plan_ids = [p["plan_id"] for p in PLANS]
    pat_no = rng.randint(100200, 100400)
    for n in range(124):
        first, last, sex, _ = clinic.person()
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
    clinic.patient_conditions = patient_conditions
    clinic.patients = patients
    clinic.records = records
