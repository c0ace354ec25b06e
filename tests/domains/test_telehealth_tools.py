"""Every telehealth tool: its success path and its refusals, on the in-memory database.

A refusal that a numbered rule of the policy makes is tested once, in
test_telehealth_policy.py (under that rule); the refusals here are the rest (unknown ids,
malformed arguments...).
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import available_splits, load_tasks
from tests.domains.calls import Probe
from tests.domains.grading import check_typed_variants_reach_gold

DOMAIN = load_domain("telehealth")
TABLES = DOMAIN.spec.metadata.tables
NOW = DOMAIN.spec.now


def probe() -> Probe:
    """A fresh episode with every patient verified."""
    return Probe(DOMAIN, "patients", "patient_id")


# ------------------------------------------------------------------ patients


def test_find_patient_by_name_dob_matches_ignoring_case_and_accents() -> None:
    p = probe()
    found = p.ok(
        "find_patient_by_name_dob",
        first_name="camila",
        last_name="GARCIA",
        date_of_birth="1985-10-17",
    )
    assert found == {
        "patient_id": "P-104910",
        "first_name": "Camila",
        "last_name": "García",
        "status": "active",
    }


def test_find_patient_by_name_dob_uses_dob_to_tell_same_names_apart() -> None:
    p = probe()
    a = p.ok(
        "find_patient_by_name_dob",
        first_name="Daniel",
        last_name="Carver",
        date_of_birth="1966-04-13",
    )
    b = p.ok(
        "find_patient_by_name_dob",
        first_name="Daniel",
        last_name="Carver",
        date_of_birth="1983-11-07",
    )
    assert (a["patient_id"], b["patient_id"]) == ("P-103455", "P-100970")


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        (
            "no patient matches",
            {"first_name": "Camila", "last_name": "García", "date_of_birth": "1985-10-18"},
        ),
        (
            "YYYY-MM-DD",
            {"first_name": "Camila", "last_name": "García", "date_of_birth": "17/10/1985"},
        ),
        (
            "both required",
            {"first_name": " ", "last_name": "García", "date_of_birth": "1985-10-17"},
        ),
        ("invalid arguments", {"first_name": "Camila"}),
    ],
)
def test_find_patient_by_name_dob_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("find_patient_by_name_dob", fragment, **args)


def test_get_patient_details() -> None:
    p = probe()
    details = p.ok("get_patient_details", patient_id="p-101895")
    assert details["address"]["state"] == "WA"
    assert details["insurance"]["plan_id"] == "NGH-BASIC"
    assert details["card_on_file_last4"] is None
    assert details["preferred_pharmacy"]["supplier_id"] == "PH-212"
    p.refused("get_patient_details", "no patient", patient_id="P-999999")


def test_update_contact_info_normalises_and_writes() -> None:
    p = probe()
    out = p.ok(
        "update_contact_info",
        patient_id="P-102867",
        phone="+1 (541) 555-0199",
        email="Ingrid.Dahl@Example.org",
        street="2207  Heron Pond Drive",
        city="Fernwood",
        state="or",
        zip_code="97128",
    )
    assert out["phone"] == "541-555-0199"
    row = p.row("patients", patient_id="P-102867")
    assert (row["email"], row["street"], row["state"]) == (
        "ingrid.dahl@example.org",
        "2207 Heron Pond Drive",
        "OR",
    )


def test_update_contact_info_refusals() -> None:
    p = probe()
    pid = "P-102867"
    p.refused("update_contact_info", "nothing to change", patient_id=pid)
    p.refused("update_contact_info", "not a valid email", patient_id=pid, email="ingrid@")
    p.refused("update_contact_info", "10-digit", patient_id=pid, phone="555-0199")
    p.refused("update_contact_info", "together", patient_id=pid, street="1 Main St", city="X")
    p.refused(
        "update_contact_info",
        "does not serve",
        patient_id=pid,
        street="5 Sage Road",
        city="Boise",
        state="ID",
        zip_code="83702",
    )
    p.refused(
        "update_contact_info",
        "5-digit",
        patient_id=pid,
        street="5 Sage Road",
        city="Fernwood",
        state="OR",
        zip_code="9712",
    )
    p.refused("update_contact_info", "no patient", patient_id="P-1", email="a@example.com")


def test_list_insurance_plans() -> None:
    plans = {p["plan_id"]: p for p in probe().ok("list_insurance_plans")}
    assert len(plans) == 8
    assert plans["BPK-CLASSIC"]["accepting"] is False
    assert plans["CDM-GOLD"]["device_coverage_pct"] == 80


def test_update_insurance() -> None:
    p = probe()
    out = p.ok(
        "update_insurance", patient_id="P-101895", plan_id="bpk-select", member_id="bpk 7730-1842"
    )
    assert out["member_id"] == "BPK77301842"
    row = p.row("patients", patient_id="P-101895")
    assert (row["plan_id"], row["member_id"]) == ("BPK-SELECT", "BPK77301842")


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        ("no insurance plan", {"patient_id": "P-101895", "plan_id": "X", "member_id": "A1"}),
        (
            "no longer accepted",
            {"patient_id": "P-101895", "plan_id": "TRL-ESSENTIAL", "member_id": "TRL12345678"},
        ),
        (
            "not a valid member id",
            {"patient_id": "P-101895", "plan_id": "NGH-PLUS", "member_id": "N1"},
        ),
    ],
)
def test_update_insurance_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("update_insurance", fragment, **args)


def test_set_preferred_pharmacy() -> None:
    p = probe()
    out = p.ok("set_preferred_pharmacy", patient_id="P-105422", pharmacy_id="PH-302")
    assert out["mail_order"] is True
    assert p.row("patients", patient_id="P-105422")["preferred_pharmacy_id"] == "PH-302"
    p.ok("set_preferred_pharmacy", patient_id="P-105422", pharmacy_id="PH-203")


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        ("retail pharmacy in OR", {"patient_id": "P-105422", "pharmacy_id": "PH-209"}),
        ("not a pharmacy", {"patient_id": "P-105422", "pharmacy_id": "DS-501"}),
        ("no supplier", {"patient_id": "P-105422", "pharmacy_id": "PH-999"}),
    ],
)
def test_set_preferred_pharmacy_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("set_preferred_pharmacy", fragment, **args)


# ---------------------------------------------------------------- scheduling


def test_search_providers_lists_only_valid_licences() -> None:
    p = probe()
    nm = p.ok("search_providers", specialty="cardiology", state="nm")
    assert [(x["provider_id"], x["licence_expires_on"]) for x in nm] == [("DR-3170", "2026-06-13")]
    co_psych = [
        x["provider_id"] for x in p.ok("search_providers", specialty="psychiatry", state="CO")
    ]
    assert "DR-3183" not in co_psych  # its Colorado licence lapsed on 2026-05-21
    arabic = p.ok("search_providers", specialty="cardiology", state="WI", language="arabic")
    assert [x["provider_id"] for x in arabic] == ["DR-3165"]
    assert p.ok("search_providers", specialty="dermatology", state="UT", language="Klingon") == []
    p.refused("search_providers", "not a service state", specialty="cardiology", state="TX")
    p.refused("search_providers", "invalid arguments", specialty="podiatry", state="CO")


def test_list_available_slots() -> None:
    p = probe()
    out = p.ok("list_available_slots", provider_id="DR-3170", date="2026-06-17")
    assert [s["slot_id"] for s in out["open_slots"]] == [
        "S-250634",
        "S-250635",
        "S-250636",
        "S-250637",
        "S-250639",
    ]
    assert {"state": "NM", "expires_on": "2026-06-13"} in out["licences"]
    everything = p.ok("list_available_slots", provider_id="DR-3119")["open_slots"]
    assert all(s["start"] > "2026-06-09 09:00" for s in everything)
    p.refused("list_available_slots", "no provider", provider_id="DR-0000")
    p.refused("list_available_slots", "YYYY-MM-DD", provider_id="DR-3170", date="June 17")


def test_list_appointments() -> None:
    p = probe()
    upcoming = p.ok("list_appointments", patient_id="P-105528")
    assert [a["appointment_id"] for a in upcoming] == ["A-60250", "A-60249", "A-60251"]
    assert all(a["fee_if_cancelled_now"] == 0.0 for a in upcoming)
    soon = p.ok("list_appointments", patient_id="P-102107")
    assert soon[0]["fee_if_cancelled_now"] == 65.2
    history = p.ok("list_appointments", patient_id="P-105528", include_past=True)
    assert len(history) > len(upcoming)
    p.refused("list_appointments", "no patient", patient_id="P-000001")


def test_book_appointment() -> None:
    p = probe()
    appt = p.ok("book_appointment", patient_id="P-103539", slot_id="S-250875", visit_type="video")
    assert appt["appointment_id"] == "A-250875"  # named after the slot it books
    assert appt["provider_id"] == "DR-3184"
    assert p.row("slots", slot_id="S-250875")["status"] == "booked"
    row = p.row("appointments", appointment_id="A-250875")
    assert (row["status"], row["patient_id"], row["booked_at"]) == ("scheduled", "P-103539", NOW)


def test_book_appointment_refusals() -> None:
    p = probe()
    past_open = p.rows("slots", slot_id="S-251214")[0]
    assert past_open["status"] == "open" and past_open["start_at"] < NOW
    p.refused(
        "book_appointment",
        "has passed",
        patient_id="P-103539",
        slot_id="S-251214",
        visit_type="video",
    )
    p.refused(
        "book_appointment",
        "not open",
        patient_id="P-103539",
        slot_id="S-250014",
        visit_type="video",
    )
    booked = p.row("appointments", appointment_id="A-60239")["slot_id"]
    p.refused(
        "book_appointment", "not open", patient_id="P-103539", slot_id=booked, visit_type="phone"
    )
    p.refused(
        "book_appointment",
        "no licence for NM",
        patient_id="P-104988",
        slot_id="S-250636",
        visit_type="phone",
    )
    p.refused(
        "book_appointment",
        "already has 3",
        patient_id="P-105528",
        slot_id="S-250581",
        visit_type="video",
    )
    p.refused(
        "book_appointment",
        "inactive",
        patient_id="P-101549",
        slot_id="S-250581",
        visit_type="video",
    )
    p.refused(
        "book_appointment", "no slot", patient_id="P-103539", slot_id="S-1", visit_type="video"
    )
    p.refused(
        "book_appointment",
        "invalid arguments",
        patient_id="P-103539",
        slot_id="S-250875",
        visit_type="in person",
    )


def test_reschedule_appointment() -> None:
    p = probe()
    out = p.ok(
        "reschedule_appointment",
        patient_id="P-102266",
        appointment_id="A-60253",
        new_slot_id="S-250636",
    )
    assert out["start"] == "2026-06-17 10:00"
    assert out["reschedule_count"] == 2
    row = p.row("appointments", appointment_id="A-60253")
    assert row["slot_id"] == "S-250636"
    old = p.rows("slots", provider_id="DR-3170", start_at=datetime(2026, 6, 26, 11, 30))[0]
    assert old["status"] == "open"
    assert p.row("slots", slot_id="S-250636")["status"] == "booked"


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        (
            "already rescheduled 2 times",
            {"patient_id": "P-102014", "appointment_id": "A-60225", "new_slot_id": "S-250129"},
        ),
        (
            "belongs to provider DR-3165",
            {"patient_id": "P-102266", "appointment_id": "A-60253", "new_slot_id": "S-250581"},
        ),
        (
            "no licence for NM",
            {"patient_id": "P-102224", "appointment_id": "A-60263", "new_slot_id": "S-250636"},
        ),
        (
            "is completed",
            {"patient_id": "P-102266", "appointment_id": "A-60060", "new_slot_id": "S-250636"},
        ),
        (
            "does not belong",
            {"patient_id": "P-100609", "appointment_id": "A-60253", "new_slot_id": "S-250636"},
        ),
        (
            "no appointment",
            {"patient_id": "P-102266", "appointment_id": "A-1", "new_slot_id": "S-250636"},
        ),
    ],
)
def test_reschedule_appointment_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("reschedule_appointment", fragment, **args)


def test_cancel_appointment_free_when_24_hours_or_more_ahead() -> None:
    p = probe()
    out = p.ok("cancel_appointment", patient_id="P-100609", appointment_id="A-60239")
    assert (out["status"], out["fee_charged"], out["fee_invoice_id"]) == ("cancelled", 0.0, None)
    row = p.row("appointments", appointment_id="A-60239")
    assert (row["cancelled_at"], row["cancellation_fee"]) == (NOW, 0.0)
    assert p.row("slots", slot_id=row["slot_id"])["status"] == "open"
    assert p.rows("invoices", appointment_id="A-60239") == []


def test_cancel_appointment_late_creates_fee_invoice() -> None:
    p = probe()
    out = p.ok("cancel_appointment", patient_id="P-102107", appointment_id="A-60191")
    assert out["fee_charged"] == 65.2
    invoice = p.row("invoices", invoice_id=out["fee_invoice_id"])
    assert (invoice["kind"], invoice["amount"], invoice["status"]) == (
        "late_cancellation",
        65.2,
        "open",
    )
    assert invoice["due_on"] == date(2026, 7, 9)


def test_cancel_appointment_refusals() -> None:
    p = probe()
    p.refused("cancel_appointment", "is completed", patient_id="P-100609", appointment_id="A-60013")
    p.refused(
        "cancel_appointment", "no appointment", patient_id="P-100609", appointment_id="A-99999"
    )
    slot = p.row("appointments", appointment_id="A-60239")["slot_id"]
    p.set("slots", {"slot_id": slot}, start_at=NOW - timedelta(minutes=5))
    p.refused(
        "cancel_appointment", "already started", patient_id="P-100609", appointment_id="A-60239"
    )


# ------------------------------------------------------------ records, pharmacy


def test_get_medical_record_summary() -> None:
    p = probe()
    out = p.ok("get_medical_record_summary", patient_id="P-104834", date_of_birth="1985-03-01")
    assert sorted(out["allergies"]) == ["Iodinated contrast: hives", "Penicillin: hives"]
    assert out["conditions"][0]["condition"] == "Chronic low back pain"
    none = p.ok("get_medical_record_summary", patient_id="P-105422", date_of_birth="1980-02-12")
    assert none["allergies"] == ["no known allergies recorded"]
    p.refused(
        "get_medical_record_summary",
        "identity check failed",
        patient_id="P-104834",
        date_of_birth="1985-01-03",
    )
    p.refused(
        "get_medical_record_summary", "no patient", patient_id="P-1", date_of_birth="1985-03-01"
    )


def test_list_prescriptions() -> None:
    p = probe()
    rxs = {r["rx_id"]: r for r in p.ok("list_prescriptions", patient_id="P-104910")}
    assert rxs["RX-75812"]["latest_refill"]["status"] == "ready"
    assert rxs["RX-75812"]["pharmacy_name"] == "Pinecrest Falls Community Pharmacy"
    ctrl = {r["rx_id"]: r for r in p.ok("list_prescriptions", patient_id="P-103805")}
    assert ctrl["RX-74739"]["controlled_substance"] is True
    p.refused("list_prescriptions", "no patient", patient_id="P-2")


def test_check_drug_interactions() -> None:
    p = probe()
    out = p.ok("check_drug_interactions", patient_id="P-106291", drug_name="Ibuprofen")
    assert [(i["with_drug"], i["severity"]) for i in out["interactions"]] == [
        ("lisinopril", "moderate")
    ]
    severe = p.ok("check_drug_interactions", patient_id="P-100518", drug_name="D-SIM40")
    assert [i["severity"] for i in severe["interactions"]] == ["severe"]
    assert p.ok("check_drug_interactions", patient_id="P-105422", drug_name="omeprazole")[
        "interactions"
    ] == [
        {
            "with_drug": "levothyroxine",
            "rx_id": "RX-76247",
            "severity": "minor",
            "effect": "may reduce levothyroxine absorption",
        }
    ]
    p.refused(
        "check_drug_interactions",
        "in the formulary",
        patient_id="P-105422",
        drug_name="unobtainium",
    )


def test_request_refill() -> None:
    p = probe()
    stock_before = p.row("supplier_stock", supplier_id="PH-302", drug_id="D-LEV75")["quantity"]
    out = p.ok("request_refill", patient_id="P-105422", rx_id="rx-76247")
    assert (out["refill_id"], out["status"], out["refills_remaining"]) == (
        "RF-76247-2",  # the second refill request of RX-76247
        "requested",
        9,
    )
    assert p.row("prescriptions", rx_id="RX-76247")["refills_remaining"] == 9
    assert p.row("refill_requests", refill_id="RF-76247-2")["requested_at"] == NOW
    stock_after = p.row("supplier_stock", supplier_id="PH-302", drug_id="D-LEV75")["quantity"]
    assert stock_before - stock_after == 60
    p.refused("request_refill", "still requested", patient_id="P-105422", rx_id="RX-76247")


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        ("expiry date 2026-01-21", {"patient_id": "P-104786", "rx_id": "RX-75760"}),
        ("SEVERE interaction", {"patient_id": "P-100518", "rx_id": "RX-71173"}),
        ("has 0 of hydrochlorothiazide", {"patient_id": "P-106604", "rx_id": "RX-77581"}),
        ("inactive", {"patient_id": "P-101549", "rx_id": "RX-72230"}),
        ("does not belong", {"patient_id": "P-100518", "rx_id": "RX-77581"}),
        ("no prescription", {"patient_id": "P-100518", "rx_id": "RX-1"}),
    ],
)
def test_request_refill_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("request_refill", fragment, **args)


def test_transfer_prescription() -> None:
    p = probe()
    out = p.ok(
        "transfer_prescription", patient_id="P-106197", rx_id="RX-76998", pharmacy_id="PH-301"
    )
    assert (out["from_pharmacy_id"], out["to_pharmacy_id"]) == ("PH-215", "PH-301")
    row = p.row("prescriptions", rx_id="RX-76998")
    assert (row["pharmacy_id"], row["refills_remaining"]) == ("PH-301", 3)
    assert p.rows("refill_requests", rx_id="RX-76998", status="requested") == []


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        (
            "already filled at PH-302",
            {"patient_id": "P-105422", "rx_id": "RX-76247", "pharmacy_id": "PH-302"},
        ),
        (
            "not a pharmacy",
            {"patient_id": "P-105422", "rx_id": "RX-76247", "pharmacy_id": "DS-501"},
        ),
        ("still ready", {"patient_id": "P-102266", "rx_id": "RX-73187", "pharmacy_id": "PH-302"}),
        ("SEVERE", {"patient_id": "P-100518", "rx_id": "RX-71173", "pharmacy_id": "PH-301"}),
        ("inactive", {"patient_id": "P-101549", "rx_id": "RX-72230", "pharmacy_id": "PH-302"}),
    ],
)
def test_transfer_prescription_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("transfer_prescription", fragment, **args)


# ------------------------------------------------------------------- supply


def test_find_suppliers() -> None:
    p = probe()
    wi = [s["supplier_id"] for s in p.ok("find_suppliers", kind="pharmacy", state="WI")]
    assert wi == ["PH-215", "PH-216", "PH-301", "PH-302"]
    cuffs = p.ok("find_suppliers", kind="device_supplier", item="bp-210")
    assert [(s["supplier_id"], s["unit_price"]) for s in cuffs] == [
        ("DS-502", 64.48),
        ("DS-503", 56.51),
        ("DS-504", 68.98),
    ]
    hctz = p.ok("find_suppliers", kind="pharmacy", state="WI", item="hydrochlorothiazide")
    assert [s["supplier_id"] for s in hctz] == ["PH-215", "PH-216", "PH-302"]
    p.refused("find_suppliers", "not a service state", kind="pharmacy", state="NV")
    p.refused("find_suppliers", "in the formulary", kind="pharmacy", item="aspirinx")
    p.refused("find_suppliers", "no device model", kind="device_supplier", item="BP-999")


def test_check_supplier_stock() -> None:
    p = probe()
    out = p.ok("check_supplier_stock", supplier_id="DS-501")
    stock = {i["model_id"]: i["quantity"] for i in out["stock"]}
    assert stock["GL-G2"] == 0
    pharmacy = p.ok("check_supplier_stock", supplier_id="PH-301")
    assert any(i["drug_id"] == "D-SIM40" for i in pharmacy["stock"])
    p.refused("check_supplier_stock", "no supplier", supplier_id="XX-1")


def test_list_device_models() -> None:
    models = probe().ok("list_device_models")
    assert [m["model_id"] for m in models] == [
        "BP-210",
        "BP-340",
        "GL-G2",
        "GL-G4",
        "OX-P1",
        "SC-W5",
    ]


# ------------------------------------------------------------------ devices


def test_list_devices() -> None:
    p = probe()
    out = p.ok("list_devices", patient_id="P-101246")
    assert [d["serial_number"] for d in out["devices"]] == ["SN-748817"]
    assert out["orders"][0]["serial_number"] == "SN-804045"
    assert out["orders"][0]["device_status"] == "unassigned"
    p.refused("list_devices", "no patient", patient_id="P-3")


def test_order_device_charges_the_uncovered_share() -> None:
    p = probe()
    out = p.ok("order_device", patient_id="P-104242", model_id="OX-P1", supplier_id="DS-503")
    price = out["price"]
    assert out["coverage_pct_applied"] == 90
    assert round(out["insurance_covered"] + out["patient_cost"], 2) == price
    assert out["order_id"] == "DO-104242-OX-P1" and out["status"] == "placed"
    assert out["invoice_id"] == "INV-DO-104242-OX-P1"
    invoice = p.row("invoices", invoice_id=out["invoice_id"])
    assert (invoice["amount"], invoice["kind"], invoice["status"]) == (
        out["patient_cost"],
        "device",
        "open",
    )
    order = p.row("device_orders", order_id="DO-104242-OX-P1")
    patient = p.row("patients", patient_id="P-104242")
    assert order["ship_to"] == (
        f"{patient['street']}, {patient['city']}, {patient['state']} {patient['zip_code']}"
    )


def test_quote_device_order_prices_without_ordering() -> None:
    p = probe()
    quote = p.ok(
        "quote_device_order", patient_id="P-105581", model_id="BP-210", supplier_id="DS-503"
    )
    assert (quote["price"], quote["insurance_covered"], quote["patient_cost"]) == (
        56.51,
        39.56,
        16.95,
    )
    assert p.env.state_hash() == DOMAIN.seed.seed_hash
    p.refused(
        "quote_device_order",
        "already has an active blood_pressure_cuff",
        patient_id="P-100609",
        model_id="BP-210",
        supplier_id="DS-503",
    )
    p.refused(
        "quote_device_order",
        "no GL-G2 in stock",
        patient_id="P-100716",
        model_id="GL-G2",
        supplier_id="DS-501",
    )


def test_order_device_legacy_plan_covers_nothing() -> None:
    p = probe()
    stock = p.row("supplier_stock", supplier_id="DS-502", model_id="SC-W5")["quantity"]
    out = p.ok("order_device", patient_id="P-101774", model_id="SC-W5", supplier_id="DS-502")
    assert (out["coverage_pct_applied"], out["insurance_covered"]) == (0, 0.0)
    assert out["patient_cost"] == out["price"]
    assert p.row("supplier_stock", supplier_id="DS-502", model_id="SC-W5")["quantity"] == stock - 1


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        (
            "already has an active blood_pressure_cuff",
            {"patient_id": "P-100609", "model_id": "BP-340", "supplier_id": "DS-502"},
        ),
        (
            "order DO-33045 (placed)",
            {"patient_id": "P-101813", "model_id": "OX-P1", "supplier_id": "DS-502"},
        ),
        (
            "order DO-33027 (delivered)",
            {"patient_id": "P-101246", "model_id": "BP-210", "supplier_id": "DS-502"},
        ),
        (
            "not a device supplier",
            {"patient_id": "P-100716", "model_id": "GL-G2", "supplier_id": "PH-201"},
        ),
        ("inactive", {"patient_id": "P-101549", "model_id": "GL-G2", "supplier_id": "DS-502"}),
        (
            "no device model",
            {"patient_id": "P-100716", "model_id": "XX-1", "supplier_id": "DS-502"},
        ),
    ],
)
def test_order_device_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("order_device", fragment, **args)


def test_cancel_device_order_voids_unpaid_invoice() -> None:
    p = probe()
    stock = p.row("supplier_stock", supplier_id="DS-504", model_id="OX-P1")["quantity"]
    out = p.ok("cancel_device_order", patient_id="P-101813", order_id="do-33045")
    assert (out["status"], out["refunded"]) == ("cancelled", 0.0)
    assert p.row("invoices", order_id="DO-33045")["status"] == "void"
    assert p.row("supplier_stock", supplier_id="DS-504", model_id="OX-P1")["quantity"] == stock + 1


def test_cancel_device_order_refunds_a_paid_invoice() -> None:
    p = probe()
    p.ok("pay_invoice", patient_id="P-103496", invoice_id="INV-30222", amount=10.6)
    out = p.ok("cancel_device_order", patient_id="P-103496", order_id="DO-33040")
    assert out["refunded"] == 10.6
    assert p.row("invoices", invoice_id="INV-30222")["status"] == "refunded"


def test_cancel_device_order_refusals() -> None:
    p = probe()
    p.refused("cancel_device_order", "no device order", patient_id="P-100609", order_id="DO-1")


def test_register_device() -> None:
    p = probe()
    out = p.ok("register_device", patient_id="P-101246", serial_number="sn-804045")
    assert (out["status"], out["registered_on"]) == ("active", "2026-06-09")
    row = p.row("devices", serial_number="SN-804045")
    assert (row["patient_id"], row["status"]) == ("P-101246", "active")


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        ("assigned to another patient", {"patient_id": "P-105581", "serial_number": "SN-901011"}),
        (
            "already registered to this patient",
            {"patient_id": "P-101246", "serial_number": "SN-748817"},
        ),
        ("deactivated", {"patient_id": "P-103539", "serial_number": "SN-630997"}),
        (
            "already has an active blood_pressure_cuff",
            {"patient_id": "P-100609", "serial_number": "SN-203336"},
        ),
        ("no device", {"patient_id": "P-100609", "serial_number": "SN-1"}),
    ],
)
def test_register_device_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("register_device", fragment, **args)


def test_deactivate_device() -> None:
    p = probe()
    out = p.ok(
        "deactivate_device", patient_id="P-104242", serial_number="SN-905121", reason="broken"
    )
    assert (out["status"], out["deactivation_reason"]) == ("deactivated", "broken")
    assert p.row("devices", serial_number="SN-905121")["deactivated_on"] == date(2026, 6, 9)
    p.refused(
        "deactivate_device",
        "not active",
        patient_id="P-104242",
        serial_number="SN-905121",
        reason="lost",
    )
    p.refused(
        "deactivate_device",
        "not registered to this patient",
        patient_id="P-104242",
        serial_number="SN-901011",
        reason="lost",
    )
    p.refused(
        "deactivate_device",
        "invalid arguments",
        patient_id="P-104242",
        serial_number="SN-921442",
        reason="stolen by aliens",
    )


def test_list_uploads_and_latest_readings() -> None:
    p = probe()
    week = p.ok("list_uploads", patient_id="P-100655", metric="blood_pressure", days=7)
    assert any(u["upload_id"] == "U-502004" and u["reading"] == "184/101 mmHg" for u in week)
    assert all(u["uploaded_at"] >= "2026-06-02 09:00" for u in week)
    docs = p.ok("list_uploads", patient_id="P-101581", upload_type="document", days=365)
    assert docs and all(u["type"] == "document" for u in docs)
    latest = p.ok("get_latest_readings", patient_id="P-106801")["latest"]
    glucose = p.ok("list_uploads", patient_id="P-106801", metric="glucose", days=3)
    assert latest["glucose"] == glucose[0]
    assert set(latest) == {"glucose", "spo2"}
    assert p.ok("get_latest_readings", patient_id="P-105422")["latest"] == {}
    p.refused("list_uploads", "between 1 and 365", patient_id="P-100655", days=0)
    p.refused("get_latest_readings", "no patient", patient_id="P-4")


def test_flag_reading_for_review() -> None:
    p = probe()
    out = p.ok("flag_reading_for_review", patient_id="P-100655", upload_id="U-502004")
    assert out["flagged_for_review"] is True
    row = p.row("uploads", upload_id="U-502004")
    assert (row["flagged"], row["flagged_at"]) == (True, NOW)
    p.refused(
        "flag_reading_for_review", "already flagged", patient_id="P-100655", upload_id="U-502004"
    )


def test_flag_reading_for_review_refusals() -> None:
    p = probe()
    p.refused(
        "flag_reading_for_review", "does not belong", patient_id="P-100609", upload_id="U-501959"
    )
    p.refused("flag_reading_for_review", "no upload", patient_id="P-100609", upload_id="U-9")


# ------------------------------------------------------------------ billing


def test_list_invoices() -> None:
    p = probe()
    out = p.ok("list_invoices", patient_id="P-102464")
    assert out["total_open_balance"] == 30.0
    open_only = p.ok("list_invoices", patient_id="P-100609", status="open")["invoices"]
    assert [i["invoice_id"] for i in open_only] == ["INV-30063"]
    p.refused("list_invoices", "invalid arguments", patient_id="P-100609", status="overdue")


def test_pay_invoice_partial_then_full() -> None:
    p = probe()
    part = p.ok("pay_invoice", patient_id="P-106426", invoice_id="INV-30189", amount=50)
    assert (part["status"], part["balance"], part["charged"]) == ("open", 46.75, 50.0)
    full = p.ok("pay_invoice", patient_id="P-106426", invoice_id="INV-30189", amount=46.749)
    assert (full["status"], full["balance"], full["amount_paid"]) == ("paid", 0.0, 96.75)
    assert p.row("invoices", invoice_id="INV-30189")["status"] == "paid"


@pytest.mark.parametrize(
    ("fragment", "args"),
    [
        (
            "more than the balance",
            {"patient_id": "P-106426", "invoice_id": "INV-30189", "amount": 100},
        ),
        ("at least 0.01", {"patient_id": "P-106426", "invoice_id": "INV-30189", "amount": 0.001}),
        ("is paid", {"patient_id": "P-100609", "invoice_id": "INV-30046", "amount": 5}),
        ("no payment card", {"patient_id": "P-105751", "invoice_id": "INV-30101", "amount": 97.25}),
        ("does not belong", {"patient_id": "P-100609", "invoice_id": "INV-30189", "amount": 5}),
        ("no invoice", {"patient_id": "P-100609", "invoice_id": "INV-1", "amount": 5}),
        (
            "finite number",
            {"patient_id": "P-106426", "invoice_id": "INV-30189", "amount": float("nan")},
        ),
    ],
)
def test_pay_invoice_refusals(fragment: str, args: dict[str, Any]) -> None:
    probe().refused("pay_invoice", fragment, **args)


def test_waive_late_cancellation_fee() -> None:
    p = probe()
    out = p.ok("waive_late_cancellation_fee", patient_id="P-105528", invoice_id="INV-30087")
    assert (out["status"], out["waived_on"], out["balance"]) == ("waived", "2026-06-09", 0.0)
    assert p.row("invoices", invoice_id="INV-30087")["waived_on"] == date(2026, 6, 9)


def test_waive_late_cancellation_fee_refusals() -> None:
    p = probe()
    p.refused(
        "waive_late_cancellation_fee",
        "only late-cancellation",
        patient_id="P-106426",
        invoice_id="INV-30189",
    )
    p.refused(
        "waive_late_cancellation_fee",
        "does not belong",
        patient_id="P-101423",
        invoice_id="INV-30087",
    )
    p.set("invoices", {"invoice_id": "INV-30046"}, waived_on=date(2025, 6, 9))
    p.refused(
        "waive_late_cancellation_fee",
        "already waived on 2025-06-09",
        patient_id="P-100609",
        invoice_id="INV-30063",
    )


def test_transfer_to_human_agents_ends_the_episode() -> None:
    p = probe()
    result = p.env.execute("transfer_to_human_agents", {"summary": "P-101549 wants reactivation"})
    assert result.outcome == "ok" and result.ends_episode
    assert json.loads(result.content)["status"] == "transferred"
    p.refused("transfer_to_human_agents", "summary", summary="  ")


def test_every_tool_has_a_test_in_this_module() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [name for name in DOMAIN.tools if f'"{name}"' not in source]
    assert missing == []


def test_no_tool_crashes_on_odd_arguments() -> None:
    """Unknown ids, wrong types, empty strings, absurd numbers: refusals, never crashes."""
    rng = random.Random(20260609)
    values: list[Any] = [
        "",
        " ",
        "P-100331",
        "p-100655",
        "RX-71173",
        "A-60239",
        "S-250636",
        "INV-30184",
        "DO-33045",
        "SN-901011",
        "U-502004",
        "DR-3170",
        "PH-201",
        "DS-503",
        "BP-210",
        "CO",
        "1985-10-17",
        "2026-13-45",
        "x" * 300,
        "'; DROP TABLE patients; --",
        None,
        0,
        -1,
        10**12,
        3.14159,
        float("inf"),
        True,
        [],
        {},
    ]
    for name, spec in DOMAIN.tools.items():
        for _ in range(25):
            env = Environment(DOMAIN)
            kwargs = {
                k: rng.choice(values) for k in spec.arguments.model_fields if rng.random() < 0.9
            }
            result = env.execute(name, kwargs)
            assert result.outcome != "crash", (name, kwargs, result.content)


def test_contact_details_and_member_ids_are_stored_in_one_form() -> None:
    checked = check_typed_variants_reach_gold(
        DOMAIN,
        {
            "update_contact_info": ["street", "city", "email"],
            "update_insurance": ["member_id"],
        },
    )
    assert len(checked) >= 3


def test_new_ids_do_not_depend_on_the_order_of_independent_requests() -> None:
    # telehealth-dev-09 asks for two refills and sets no order (max + 1 ids broke it).
    task = next(
        t
        for split in available_splits("telehealth")
        for t in load_tasks("telehealth", split).tasks
        if t.id == "telehealth-dev-09"
    )
    *before, lisinopril, losartan = task.gold_actions
    assert lisinopril.name == losartan.name == "request_refill"
    states, ids = [], []
    for refills in ((lisinopril, losartan), (losartan, lisinopril)):
        p = probe()
        for action in before:
            p.ok(action.name, **action.kwargs)
        ids.append(sorted(p.ok(a.name, **a.kwargs)["refill_id"] for a in refills))
        states.append(p.env.state_hash())
    assert states[0] == states[1] and ids[0] == ids[1]
    assert all(i.startswith(("RF-75213-", "RF-75231-")) for i in ids[0])
