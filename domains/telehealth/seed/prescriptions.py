"""The telehealth generator's prescriptions step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..rules import NOW
from .state import DRUG_BY_NAME, TODAY, Clinic, cents, iso
from .world import CONDITIONS, DIRECTIONS, DRUGS, Row


def make_prescriptions(clinic: Clinic) -> None:
    """Prescriptions (some with a severe interaction held at the pharmacy) and refill history."""
    rng, ids, tables = clinic.rng, clinic.ids, clinic.tables
    patient_conditions = clinic.patient_conditions
    patients = clinic.patients
    pharmacies = clinic.pharmacies
    providers = clinic.providers
    severe_pairs = clinic.severe_pairs
    stock = clinic.stock
    stock_index = clinic.stock_index
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
                prov = clinic.pick_provider(
                    specialty, pat["state"], written
                ) or clinic.pick_provider("family medicine", pat["state"], TODAY)
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
            cands = [p for p in family if clinic.licensed(p["provider_id"], pat["state"], TODAY)]
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
