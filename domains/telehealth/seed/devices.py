"""The telehealth generator's devices step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..rules import INVOICE_DUE_DAYS, NOW
from .state import MODELS_BY_KIND, TODAY, Clinic, cents, iso
from .world import CONDITIONS, DEVICE_MODELS, DOCUMENTS, Row


def make_devices(clinic: Clinic) -> None:
    """Monitoring devices, device orders, device invoices and uploaded readings."""
    rng, ids, tables = clinic.rng, clinic.ids, clinic.tables
    device_suppliers = clinic.device_suppliers
    invoices = clinic.invoices
    patient_conditions = clinic.patient_conditions
    patients = clinic.patients
    plan_by_id = clinic.plan_by_id
    stock_index = clinic.stock_index
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
                "due_on": iso(issued + timedelta(days=INVOICE_DUE_DAYS)),
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
