"""The telehealth generator's catalogue step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from .state import DRUG_BY_NAME, STATE_CODES, Clinic, cents
from .world import DEVICE_MODELS, DRUGS, INTERACTIONS, PLANS, STATES, STREETS, Row


def make_catalogue(clinic: Clinic) -> None:
    """Drugs, their interactions, the partner pharmacies and device suppliers, and their stock."""
    rng, ids, tables = clinic.rng, clinic.ids, clinic.tables
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
    clinic.device_suppliers = device_suppliers
    clinic.local_pharmacies = local_pharmacies
    clinic.pharmacies = pharmacies
    clinic.severe_pairs = severe_pairs
    clinic.stock = stock
    clinic.stock_index = stock_index
