"""One test per hard rule [Rn] of the telehealth policy: the tools enforce each of them."""

from __future__ import annotations

import re
import sys
from datetime import date

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tests.domains.calls import Probe
from tests.domains.grading import check_writes_need_authentication

DOMAIN = load_domain("telehealth")
TABLES = DOMAIN.spec.metadata.tables


def probe() -> Probe:
    """A fresh episode with every patient verified."""
    return Probe(DOMAIN, "patients", "patient_id")


def test_R1_identity_and_ownership_are_checked() -> None:
    e = probe()
    e.refused(
        "find_patient_by_name_dob",
        "no patient matches",
        first_name="Katarzyna",
        last_name="Kovalenko",
        date_of_birth="1985-03-02",
    )
    e.refused(
        "get_medical_record_summary",
        "identity check failed",
        patient_id="P-104834",
        date_of_birth="1985-03-02",
    )
    e.refused(
        "cancel_appointment", "does not belong", patient_id="P-100609", appointment_id="A-60191"
    )
    e.refused("request_refill", "does not belong", patient_id="P-100609", rx_id="RX-76247")
    e.refused(
        "pay_invoice", "does not belong", patient_id="P-100609", invoice_id="INV-30189", amount=1
    )
    e.refused("cancel_device_order", "does not belong", patient_id="P-100609", order_id="DO-33045")
    e.refused(
        "deactivate_device",
        "not registered to this patient",
        patient_id="P-100609",
        serial_number="SN-905121",
        reason="lost",
    )
    e.refused(
        "flag_reading_for_review", "does not belong", patient_id="P-100609", upload_id="U-502004"
    )


def test_R1_changes_need_the_patient_authenticated_in_this_conversation() -> None:
    env = Environment(DOMAIN)
    wrong = {"first_name": "Camila", "last_name": "García", "date_of_birth": "1985-10-18"}
    assert env.execute("find_patient_by_name_dob", wrong).outcome == "error"
    assert env.auth.verified == frozenset()
    right = {**wrong, "first_name": "CAMILA", "last_name": "Garcia", "date_of_birth": "1985-10-17"}
    assert env.execute("find_patient_by_name_dob", right).outcome == "ok"
    assert env.auth.verified == {"P-104910"}
    check_writes_need_authentication(DOMAIN, ("find_patient_by_name_dob",), stranger="P-000000")


def test_R2_inactive_account_cannot_book_refill_transfer_or_order() -> None:
    e = probe()
    assert e.value("patients", "status", patient_id="P-101549") == "inactive"
    e.refused(
        "book_appointment",
        "inactive",
        patient_id="P-101549",
        slot_id="S-250636",
        visit_type="video",
    )
    e.refused("request_refill", "inactive", patient_id="P-101549", rx_id="RX-72230")
    e.refused(
        "transfer_prescription",
        "inactive",
        patient_id="P-101549",
        rx_id="RX-72230",
        pharmacy_id="PH-302",
    )
    e.refused(
        "order_device", "inactive", patient_id="P-101549", model_id="BP-210", supplier_id="DS-502"
    )


def test_R3_provider_must_be_licensed_in_patient_state_on_visit_date() -> None:
    e = probe()
    # DR-3170's New Mexico licence expires 2026-06-13: June 17 is refused, June 12 is fine.
    e.refused(
        "book_appointment",
        "no licence for NM valid on 2026-06-17",
        patient_id="P-104988",
        slot_id="S-250636",
        visit_type="phone",
    )
    e.ok("book_appointment", patient_id="P-104988", slot_id="S-250627", visit_type="phone")
    # DR-3184 holds no New Mexico licence at all.
    e.refused(
        "book_appointment",
        "no licence for NM",
        patient_id="P-104988",
        slot_id="S-250875",
        visit_type="video",
    )
    e.refused(
        "reschedule_appointment",
        "no licence for NM",
        patient_id="P-102224",
        appointment_id="A-60263",
        new_slot_id="S-250636",
    )


def test_R4_only_open_future_slots_can_be_booked() -> None:
    e = probe()
    e.refused(
        "book_appointment",
        "has passed",
        patient_id="P-103539",
        slot_id="S-251214",
        visit_type="video",
    )
    e.refused(
        "book_appointment",
        "is blocked",
        patient_id="P-103539",
        slot_id="S-250014",
        visit_type="video",
    )
    e.ok("book_appointment", patient_id="P-103539", slot_id="S-250875", visit_type="video")
    e.refused(
        "book_appointment",
        "is booked",
        patient_id="P-103539",
        slot_id="S-250875",
        visit_type="video",
    )


def test_R5_at_most_three_upcoming_appointments() -> None:
    e = probe()
    e.refused(
        "book_appointment",
        "limit is 3",
        patient_id="P-105528",
        slot_id="S-250581",
        visit_type="video",
    )
    e.ok("cancel_appointment", patient_id="P-105528", appointment_id="A-60251")
    e.ok("book_appointment", patient_id="P-105528", slot_id="S-250581", visit_type="video")


def test_R6_late_cancellation_costs_half_the_visit_fee() -> None:
    e = probe()
    free = e.ok("cancel_appointment", patient_id="P-100609", appointment_id="A-60239")
    assert free["fee_charged"] == 0.0
    late = e.ok("cancel_appointment", patient_id="P-106801", appointment_id="A-60195")
    assert late["fee_charged"] == 88.88  # 50% of 177.75, rounded half up
    assert e.value("invoices", "amount", invoice_id=late["fee_invoice_id"]) == 88.88
    e.refused("cancel_appointment", "is cancelled", patient_id="P-106801", appointment_id="A-60195")
    e.refused("cancel_appointment", "is completed", patient_id="P-100609", appointment_id="A-60013")


def test_R7_reschedule_same_provider_24h_ahead_at_most_twice() -> None:
    e = probe()
    e.refused(
        "reschedule_appointment",
        "less than 24 hours",
        patient_id="P-105660",
        appointment_id="A-60190",
        new_slot_id="S-250169",
    )
    e.refused(
        "reschedule_appointment",
        "to change provider",
        patient_id="P-102266",
        appointment_id="A-60253",
        new_slot_id="S-250581",
    )
    e.ok(
        "reschedule_appointment",
        patient_id="P-102266",
        appointment_id="A-60253",
        new_slot_id="S-250636",
    )
    e.refused(
        "reschedule_appointment",
        "limit is 2",
        patient_id="P-102266",
        appointment_id="A-60253",
        new_slot_id="S-250637",
    )


def test_R8_refill_needs_active_unexpired_rx_with_refills_no_waiting_fill_and_stock() -> None:
    e = probe()
    e.refused("request_refill", "expired", patient_id="P-104786", rx_id="RX-75760")
    e.refused("request_refill", "discontinued", patient_id="P-100437", rx_id="RX-71107")
    e.refused("request_refill", "no refills remaining", patient_id="P-104910", rx_id="RX-75812")
    e.refused("request_refill", "still ready", patient_id="P-102266", rx_id="RX-73187")
    e.refused(
        "request_refill", "in stock but the fill needs 60", patient_id="P-106604", rx_id="RX-77581"
    )
    # An active prescription past its expiry date is refused even if its status lags.
    e.set("prescriptions", {"rx_id": "RX-76247"}, expires_on=date(2026, 6, 8))
    e.refused("request_refill", "expired", patient_id="P-105422", rx_id="RX-76247")


def test_R9_controlled_substances_are_never_refilled_or_transferred() -> None:
    e = probe()
    e.refused("request_refill", "controlled substance", patient_id="P-103805", rx_id="RX-74739")
    e.refused(
        "transfer_prescription",
        "controlled substance",
        patient_id="P-103805",
        rx_id="RX-74739",
        pharmacy_id="PH-301",
    )
    e.refused("request_refill", "controlled substance", patient_id="P-106065", rx_id="RX-76881")


def test_R10_severe_interaction_blocks_refill_and_transfer() -> None:
    e = probe()
    e.refused("request_refill", "severe interaction", patient_id="P-100518", rx_id="RX-71173")
    e.refused(
        "transfer_prescription",
        "severe interaction",
        patient_id="P-100518",
        rx_id="RX-71173",
        pharmacy_id="PH-301",
    )
    e.refused("request_refill", "severe interaction", patient_id="P-101361", rx_id="RX-71968")
    # Once the interacting drug is discontinued, the refill goes through.
    e.set("prescriptions", {"rx_id": "RX-77917"}, status="discontinued")
    e.ok("request_refill", patient_id="P-100518", rx_id="RX-71173")


def test_R11_transfer_needs_eligible_rx_and_in_state_stocked_pharmacy() -> None:
    e = probe()
    e.refused(
        "transfer_prescription",
        "retail pharmacy in OR",
        patient_id="P-105422",
        rx_id="RX-76247",
        pharmacy_id="PH-209",
    )
    e.refused(
        "transfer_prescription",
        "already filled at",
        patient_id="P-105422",
        rx_id="RX-76247",
        pharmacy_id="PH-302",
    )
    e.refused(
        "transfer_prescription",
        "a fill needs 60",
        patient_id="P-100970",
        rx_id="RX-71701",
        pharmacy_id="PH-209",
    )
    e.refused(
        "transfer_prescription",
        "no refills remaining",
        patient_id="P-104910",
        rx_id="RX-75812",
        pharmacy_id="PH-202",
    )
    e.refused(
        "transfer_prescription",
        "expired",
        patient_id="P-104786",
        rx_id="RX-75760",
        pharmacy_id="PH-208",
    )
    e.ok("transfer_prescription", patient_id="P-105422", rx_id="RX-76247", pharmacy_id="PH-301")


def test_R12_a_device_belongs_to_one_patient_at_a_time() -> None:
    e = probe()
    e.refused(
        "register_device",
        "only one patient at a time",
        patient_id="P-105581",
        serial_number="SN-901011",
    )
    e.refused(
        "register_device", "cannot be reused", patient_id="P-103539", serial_number="SN-630997"
    )
    e.refused(
        "register_device",
        "another patient's order",
        patient_id="P-105581",
        serial_number="SN-804045",
    )
    e.ok("register_device", patient_id="P-101246", serial_number="SN-804045")
    e.refused(
        "register_device",
        "only one patient at a time",
        patient_id="P-105581",
        serial_number="SN-804045",
    )


def test_R13_one_device_of_each_kind_per_patient() -> None:
    e = probe()
    e.refused(
        "register_device", "deactivate it first", patient_id="P-100609", serial_number="SN-203336"
    )
    e.refused(
        "order_device",
        "deactivate it first",
        patient_id="P-100609",
        model_id="BP-340",
        supplier_id="DS-502",
    )
    e.refused(
        "order_device",
        "only one device of each kind",
        patient_id="P-103155",
        model_id="GL-G2",
        supplier_id="DS-502",
    )
    e.ok("deactivate_device", patient_id="P-100609", serial_number="SN-901011", reason="broken")
    e.ok("register_device", patient_id="P-100609", serial_number="SN-203336")


def test_R14_device_cost_is_price_minus_accepted_plan_coverage() -> None:
    e = probe()
    e.refused(
        "order_device",
        "no GL-G2 in stock",
        patient_id="P-100716",
        model_id="GL-G2",
        supplier_id="DS-501",
    )
    covered = e.ok("order_device", patient_id="P-100716", model_id="BP-210", supplier_id="DS-503")
    assert (covered["price"], covered["insurance_covered"], covered["patient_cost"]) == (
        56.51,
        33.91,
        22.6,
    )  # BPK-SELECT covers 60%
    legacy = e.ok("order_device", patient_id="P-101774", model_id="OX-P1", supplier_id="DS-503")
    assert legacy["insurance_covered"] == 0.0  # BPK-CLASSIC is no longer accepted
    assert legacy["patient_cost"] == legacy["price"]


def test_R15_only_unshipped_device_orders_can_be_cancelled() -> None:
    e = probe()
    e.refused("cancel_device_order", "is shipped", patient_id="P-103155", order_id="DO-33035")
    e.refused("cancel_device_order", "is delivered", patient_id="P-101246", order_id="DO-33027")
    e.ok("cancel_device_order", patient_id="P-101813", order_id="DO-33045")
    assert e.value("invoices", "status", order_id="DO-33045") == "void"
    e.refused("cancel_device_order", "is cancelled", patient_id="P-101813", order_id="DO-33045")


def test_R16_only_own_active_devices_can_be_deactivated() -> None:
    e = probe()
    e.refused(
        "deactivate_device",
        "not registered to this patient",
        patient_id="P-104242",
        serial_number="SN-901011",
        reason="lost",
    )
    e.refused(
        "deactivate_device",
        "is deactivated",
        patient_id="P-103539",
        serial_number="SN-630997",
        reason="broken",
    )
    e.ok("deactivate_device", patient_id="P-104242", serial_number="SN-905121", reason="broken")
    e.refused(
        "register_device", "cannot be reused", patient_id="P-104242", serial_number="SN-905121"
    )


def test_R17_only_recent_readings_flagged_once() -> None:
    e = probe()
    e.refused(
        "flag_reading_for_review", "is a document", patient_id="P-101581", upload_id="U-500001"
    )
    e.refused(
        "flag_reading_for_review",
        "more than 30 days ago",
        patient_id="P-104652",
        upload_id="U-500392",
    )
    e.ok("flag_reading_for_review", patient_id="P-104652", upload_id="U-501959")
    e.refused(
        "flag_reading_for_review", "already flagged", patient_id="P-104652", upload_id="U-501959"
    )


def test_R18_contact_changes_need_valid_values_and_a_service_state() -> None:
    e = probe()
    e.refused(
        "update_contact_info",
        "does not serve 'NV'",
        patient_id="P-103587",
        street="55 Desert Willow Road",
        city="Henderson",
        state="NV",
        zip_code="89002",
    )
    e.refused("update_contact_info", "together", patient_id="P-103587", city="Saguaro Bend")
    e.refused("update_contact_info", "not a valid email", patient_id="P-103587", email="vik@")
    e.refused("update_contact_info", "10-digit", patient_id="P-103587", phone="555 0100")
    assert "first_name" not in DOMAIN.tools["update_contact_info"].arguments.model_fields
    assert "date_of_birth" not in DOMAIN.tools["update_contact_info"].arguments.model_fields


def test_R19_only_accepted_plans_with_valid_member_ids() -> None:
    e = probe()
    e.refused(
        "update_insurance",
        "no longer accepted",
        patient_id="P-101895",
        plan_id="BPK-CLASSIC",
        member_id="BPK77301842",
    )
    e.refused(
        "update_insurance",
        "not a valid member id",
        patient_id="P-101895",
        plan_id="BPK-SELECT",
        member_id="B-1",
    )
    e.ok("update_insurance", patient_id="P-101895", plan_id="BPK-SELECT", member_id="BPK77301842")


def test_R20_payments_only_on_open_invoices_with_card_up_to_balance() -> None:
    e = probe()
    e.refused(
        "pay_invoice",
        "more than the balance",
        patient_id="P-102464",
        invoice_id="INV-30184",
        amount=15.01,
    )
    e.refused(
        "pay_invoice", "at least 0.01", patient_id="P-102464", invoice_id="INV-30184", amount=-5
    )
    e.refused(
        "pay_invoice", "no payment card", patient_id="P-105751", invoice_id="INV-30101", amount=10
    )
    e.ok("pay_invoice", patient_id="P-102464", invoice_id="INV-30184", amount=15)
    e.refused(
        "pay_invoice", "nothing to pay", patient_id="P-102464", invoice_id="INV-30184", amount=1
    )


def test_R21_one_fee_waiver_per_365_days_only_unpaid_late_fees() -> None:
    e = probe()
    e.refused(
        "waive_late_cancellation_fee",
        "only an open, unpaid fee",
        patient_id="P-101423",
        invoice_id="INV-30182",
    )
    e.refused(
        "waive_late_cancellation_fee",
        "only late-cancellation",
        patient_id="P-102464",
        invoice_id="INV-30184",
    )
    e.ok("waive_late_cancellation_fee", patient_id="P-105528", invoice_id="INV-30087")
    # A second open late fee for the same patient cannot be waived within 365 days.
    e.set(
        "invoices",
        {"invoice_id": "INV-30095"},
        kind="late_cancellation",
        status="open",
        amount_paid=0.0,
    )
    e.refused(
        "waive_late_cancellation_fee",
        "already waived on 2026-06-09",
        patient_id="P-105528",
        invoice_id="INV-30095",
    )
    # Partly paid fees cannot be waived either.
    e.ok("pay_invoice", patient_id="P-100609", invoice_id="INV-30063", amount=10)
    e.refused(
        "waive_late_cancellation_fee",
        "only an open, unpaid fee",
        patient_id="P-100609",
        invoice_id="INV-30063",
    )


def test_R22_preferred_pharmacy_in_home_state_or_mail_order() -> None:
    e = probe()
    e.refused(
        "set_preferred_pharmacy",
        "retail pharmacy in OR",
        patient_id="P-105422",
        pharmacy_id="PH-210",
    )
    e.refused(
        "set_preferred_pharmacy", "not a pharmacy", patient_id="P-105422", pharmacy_id="DS-504"
    )
    e.ok("set_preferred_pharmacy", patient_id="P-105422", pharmacy_id="PH-301")
    # Changing it does not move existing prescriptions.
    assert e.value("prescriptions", "pharmacy_id", rx_id="RX-76247") == "PH-302"


def test_every_policy_rule_has_a_test() -> None:
    policy = DOMAIN.policy
    rules = sorted({int(n) for n in re.findall(r"\*\*\[R(\d+)\]\*\*", policy)})
    assert rules == list(range(1, len(rules) + 1)), "rules are numbered R1..Rn without gaps"
    module = sys.modules[__name__]
    tested = {
        int(m.group(1))
        for name in dir(module)
        if (m := re.match(r"test_R(\d+)_", name)) and callable(getattr(module, name))
    }
    assert tested == set(rules)
