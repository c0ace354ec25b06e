"""Build ``tasks/telehealth/{test,dev}.json`` from hand-written scenarios.

Every scenario below is written by hand for one situation in the seed data. The builder
replays each task's gold actions on a fresh database, fills in ids that only exist after an
earlier gold action (e.g. the invoice a late cancellation creates), checks that every
required output really appears in some tool result, and writes the two splits. Run it
after changing the data or the tools::

    PYTHONPATH=src python domains/telehealth/build_tasks.py
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from tautrait.domain.environment import Environment  # noqa: E402
from tautrait.domain.loader import load_domain  # noqa: E402

TASK_DIR = ROOT / "tasks" / "telehealth"
POLICY_OUTPUTS: dict[str, list[str]] = {}
Kwargs = dict[str, Any]


def t(text: str) -> str:
    """Collapse the indentation of a triple-quoted scenario text."""
    return " ".join(text.split())


def a(name: str, **kwargs: Any) -> dict[str, Any]:
    return {"name": name, "kwargs": kwargs}


def auth(first: str, last: str, dob: str) -> dict[str, Any]:
    return a("find_patient_by_name_dob", first_name=first, last_name=last, date_of_birth=dob)


def from_result(index: int, key: str) -> Callable[[list[Any]], Any]:
    """A kwarg filled from the result of gold action ``index`` (e.g. a new invoice id)."""
    return lambda results: results[index][key]


def task(
    task_id: str,
    *,
    persona: str,
    goal: str,
    known: str,
    withheld: str = "",
    gold: list[dict[str, Any]],
    outputs: list[str] | None = None,
    policy_outputs: list[str] | None = None,
    tags: list[str],
) -> dict[str, Any]:
    """One task; ``policy_outputs`` are required outputs stated by the policy, not a tool."""
    POLICY_OUTPUTS[task_id] = list(policy_outputs or [])
    return {
        "id": task_id,
        "scenario": {
            "persona": t(persona),
            "goal": t(goal),
            "known_info": t(known),
            "withheld": t(withheld),
        },
        "gold_actions": gold,
        "required_outputs": [*(outputs or []), *(policy_outputs or [])],
        "tags": tags,
    }


# ---------------------------------------------------------------------------- test

TEST: list[dict[str, Any]] = [
    task(
        "telehealth-001",
        persona="""You are Wei Huang, 74, a retired railway engineer in Red Ledge, Colorado.
            You are polite, a little formal, and you write short sentences.""",
        goal="""You know you have a video visit with the endocrinologist coming up but you
            lost the reminder email. Ask when it is: the date, the time and the doctor's
            name. You do not want to change anything.""",
        known="""Your name is Wei Huang; date of birth 1952-05-06.""",
        gold=[
            auth("Wei", "Huang", "1952-05-06"),
            a("list_appointments", patient_id="P-100331"),
        ],
        outputs=["2026-06-15", "10:00"],
        tags=["lookup", "appointments", "easy"],
    ),
    task(
        "telehealth-002",
        persona="""You are James Bennett, a 61-year-old bus driver from Colorado. You are
            easygoing but you hate owing money and want it settled today.""",
        goal="""Ask how much you owe Alderbrook in total. Then ask to pay every open bill
            in full with the card on file (ending 0230). Confirm each payment when asked.
            At the end make sure the agent tells you the total you paid.""",
        known="""Name James Bennett, born 1964-08-24. Your card on file ends in 0230.""",
        withheld="""You do not know the invoice ids; let the agent look them up.""",
        gold=[
            auth("James", "Bennett", "1964-08-24"),
            a("list_invoices", patient_id="P-102464"),
            a("pay_invoice", patient_id="P-102464", invoice_id="INV-30184", amount=15.0),
            a("pay_invoice", patient_id="P-102464", invoice_id="INV-30186", amount=15.0),
        ],
        outputs=["30.00"],
        tags=["billing", "payment", "multi-write"],
    ),
    task(
        "telehealth-003",
        persona="""You are Hiwot Haile, 77, living in Orca Point, Washington. You are careful
            about medicines and ask precise questions.""",
        goal="""Your dentist wants to give you ibuprofen after a tooth extraction next week.
            Ask the agent to check whether ibuprofen interacts with any of your current
            prescriptions, and how serious the interaction is. You only want the facts from
            the clinic's records; if the agent starts giving medical advice, say you will ask
            your doctor. Do not ask for any change.""",
        known="""Name Hiwot Haile, date of birth 1948-09-20.""",
        gold=[
            auth("Hiwot", "Haile", "1948-09-20"),
            a("check_drug_interactions", patient_id="P-106291", drug_name="ibuprofen"),
        ],
        outputs=["lisinopril", "moderate"],
        tags=["lookup", "interactions", "easy"],
    ),
    task(
        "telehealth-004",
        persona="""You are Camila García, 40, a busy veterinarian in Pinecrest Falls,
            Colorado. You type fast and skip greetings.""",
        goal="""You requested a simvastatin refill a few days ago. Ask what the status of
            that refill is and at which pharmacy to pick it up. Then ask the agent to send
            one more refill now so you have extra for a trip. If the agent refuses, accept
            the explanation; do not ask for anything else.""",
        known="""Camila García, born 1985-10-17.""",
        gold=[
            auth("Camila", "García", "1985-10-17"),
            a("list_prescriptions", patient_id="P-104910"),
        ],
        outputs=["ready", "Pinecrest Falls Community Pharmacy"],
        tags=["lookup", "refill", "refusal"],
    ),
    task(
        "telehealth-005",
        persona="""You are Aoife Romano, 85, from Orca Point, Washington. You are cheerful and
            chatty and sometimes mention your grandchildren.""",
        goal="""Your granddaughter's wedding moved to tomorrow, so cancel your cardiology
            phone appointment of tomorrow (June 10). Ask whether there is any charge before
            you confirm. You do not want to rebook now.""",
        known="""Aoife Romano, date of birth 1941-02-25.""",
        gold=[
            auth("Aoife", "Romano", "1941-02-25"),
            a("list_appointments", patient_id="P-100609"),
            a("cancel_appointment", patient_id="P-100609", appointment_id="A-60239"),
        ],
        tags=["appointments", "cancel", "easy"],
    ),
    task(
        "telehealth-006",
        persona="""You are Darius Tehrani, 74, a retired accountant in Minnesota. You are
            brisk and want exact numbers.""",
        goal="""Something came up: cancel your internal-medicine video visit that is this
            morning. Ask what it will cost to cancel. Accept the fee and confirm the
            cancellation. Do not ask for the fee to be waived.""",
        known="""Darius Tehrani, born 1951-11-06.""",
        gold=[
            auth("Darius", "Tehrani", "1951-11-06"),
            a("list_appointments", patient_id="P-102107"),
            a("cancel_appointment", patient_id="P-102107", appointment_id="A-60191"),
        ],
        outputs=["65.20"],
        tags=["appointments", "cancel", "late-fee"],
    ),
    task(
        "telehealth-007",
        persona="""You are Ingrid Lindqvist, 77, in Pinon Ridge, New Mexico. You are
            apologetic and a bit flustered because your car broke down.""",
        goal="""You cannot make your video visit this morning. Cancel it; when the agent
            mentions a fee, ask how much and accept it. After the cancellation, ask whether
            the fee can be removed since this has never happened before; accept a waiver if
            offered. Make sure you hear the amount of the fee.""",
        known="""Ingrid Lindqvist, date of birth 1949-05-04.""",
        gold=[
            auth("Ingrid", "Lindqvist", "1949-05-04"),
            a("list_appointments", patient_id="P-102569"),
            a("cancel_appointment", patient_id="P-102569", appointment_id="A-60189"),
            a(
                "waive_late_cancellation_fee",
                patient_id="P-102569",
                invoice_id=from_result(2, "fee_invoice_id"),
            ),
        ],
        outputs=["55.45"],
        tags=["appointments", "cancel", "late-fee", "waiver", "multi-write"],
    ),
    task(
        "telehealth-008",
        persona="""You are Hye-jin Yoon, 39, a high-school chemistry teacher in Rio Seco, New
            Mexico. You are firm and a little annoyed.""",
        goal="""First: you were charged a late-cancellation fee in May and already paid it;
            ask for that money back because the doctor's office was slow to answer your
            call. If the agent refuses, push back once, then let it go; do not ask for a
            human. Second: your glucose meter sent a reading of 303 on May 31 that your
            endocrinologist should see: ask the agent to flag it for review.""",
        known="""Hye-jin Yoon, born 1986-06-16.""",
        withheld="""You do not remember the exact fee amount; the agent should tell you.""",
        gold=[
            auth("Hye-jin", "Yoon", "1986-06-16"),
            a("list_invoices", patient_id="P-101423"),
            a("list_uploads", patient_id="P-101423", metric="glucose"),
            a("flag_reading_for_review", patient_id="P-101423", upload_id="U-501746"),
        ],
        outputs=["88.88"],
        tags=["billing", "refusal", "readings", "flag"],
    ),
    task(
        "telehealth-009",
        persona="""You are Yui Nakamura, 51, a logistics planner in Oak Prairie, Wisconsin.
            You are organised and like to handle everything in one call.""",
        goal="""1) Your family doctor wants you to see a cardiologist: book a video visit with
            a cardiologist on Tuesday June 16 at 10:30. 2) If the agent says you have too
            many appointments, look at the list: you have two endocrinology visits that week
            by mistake; cancel the one on June 19 (keep June 18), then book the cardiology
            visit. 3) Finally, you still have an old late-cancellation fee from December on
            your account: ask if it can be waived and accept if so.""",
        known="""Yui Nakamura, date of birth 1974-09-28. You live in Wisconsin.""",
        gold=[
            auth("Yui", "Nakamura", "1974-09-28"),
            a("list_appointments", patient_id="P-105528"),
            a("search_providers", specialty="cardiology", state="WI"),
            a("list_available_slots", provider_id="DR-3165", date="2026-06-16"),
            a("cancel_appointment", patient_id="P-105528", appointment_id="A-60251"),
            a("book_appointment", patient_id="P-105528", slot_id="S-250581", visit_type="video"),
            a("list_invoices", patient_id="P-105528"),
            a("waive_late_cancellation_fee", patient_id="P-105528", invoice_id="INV-30087"),
        ],
        tags=["appointments", "limit", "book", "cancel", "waiver", "multi-write", "hard"],
    ),
    task(
        "telehealth-010",
        persona="""You are Selam Bekele, 77, from Pinon Ridge, New Mexico. You speak slowly
            and like to repeat details back to be sure.""",
        goal="""Your family doctor referred you to Dr. James Whitaker, a cardiologist. Ask for
            a phone appointment with him on Wednesday June 17 at 10:00. If the agent says he
            cannot see you then, ask why, and ask for the latest time he CAN see you before
            that; accept it as a phone visit. Do not accept a different cardiologist.""",
        known="""Selam Bekele, date of birth 1948-06-15. You live in New Mexico.""",
        gold=[
            auth("Selam", "Bekele", "1948-06-15"),
            a("get_patient_details", patient_id="P-104988"),
            a("search_providers", specialty="cardiology", state="NM"),
            a("list_available_slots", provider_id="DR-3170"),
            a("book_appointment", patient_id="P-104988", slot_id="S-250627", visit_type="phone"),
        ],
        outputs=["2026-06-12"],
        tags=["appointments", "licence", "book", "hard"],
    ),
    task(
        "telehealth-011",
        persona="""You are Camila Castillo, 38, a nurse in North Pines, Minnesota, working
            night shifts. You are tired and want this done quickly.""",
        goal="""Ask for a refill of your tramadol. If the agent refuses, accept it and ask to
            book the earliest available video visit with Dr. Priya Reddy instead so she can
            review it. Confirm the booking.""",
        known="""Camila Castillo, born 1988-01-14.""",
        gold=[
            auth("Camila", "Castillo", "1988-01-14"),
            a("list_prescriptions", patient_id="P-103805"),
            a("list_available_slots", provider_id="DR-3125"),
            a("book_appointment", patient_id="P-103805", slot_id="S-250152", visit_type="video"),
        ],
        outputs=["2026-06-10"],
        tags=["refill", "controlled", "refusal", "book"],
    ),
    task(
        "telehealth-012",
        persona="""You are Layla Nasser, 52, a real-estate agent in Juniper Hollow, Utah. You
            are friendly but in a hurry between showings.""",
        goal="""First, cancel the pulse-oximeter order you placed this morning: you found one
            at home. Second, request a refill of your simvastatin. If the agent says the
            refill cannot be sent because of your other medicine, ask which medicine, and
            agree to be transferred to someone who can review it.""",
        known="""Layla Nasser, date of birth 1974-06-11. You recently got an antibiotic from
            an urgent-care clinic.""",
        gold=[
            auth("Layla", "Nasser", "1974-06-11"),
            a("list_devices", patient_id="P-100518"),
            a("cancel_device_order", patient_id="P-100518", order_id="DO-33042"),
            a("list_prescriptions", patient_id="P-100518"),
            a(
                "transfer_to_human_agents",
                summary="P-100518: simvastatin refill blocked by a severe interaction with "
                "clarithromycin; needs clinical review. Oximeter order DO-33042 was cancelled.",
            ),
        ],
        outputs=["clarithromycin"],
        tags=["devices", "cancel-order", "refill", "interaction", "transfer"],
    ),
    task(
        "telehealth-013",
        persona="""You are Sigrid Lindqvist, 68, a retired choir director in Juniper Hollow,
            Utah. Warm, patient, not very technical.""",
        goal="""Your blood-pressure cuff stopped turning on. Ask to deactivate it and order
            the same model again, from whichever supplier has it in stock at the lowest
            price. Before confirming the order, ask what you will pay after insurance.""",
        known="""Sigrid Lindqvist, born 1957-07-05.""",
        withheld="""You do not know the serial number by heart; the agent can look it up.""",
        gold=[
            auth("Sigrid", "Lindqvist", "1957-07-05"),
            a("list_devices", patient_id="P-104242"),
            a(
                "deactivate_device",
                patient_id="P-104242",
                serial_number="SN-905121",
                reason="broken",
            ),
            a("find_suppliers", kind="device_supplier", item="BP-210"),
            a("quote_device_order", patient_id="P-104242", model_id="BP-210", supplier_id="DS-503"),
            a("order_device", patient_id="P-104242", model_id="BP-210", supplier_id="DS-503"),
        ],
        outputs=["5.65"],
        tags=["devices", "replace", "order", "multi-write"],
    ),
    task(
        "telehealth-014",
        persona="""You are Kavita Patel, 35, a software tester in Colorado. Direct and
            precise.""",
        goal="""Your new blood-pressure cuff arrived. Ask the agent to register it to your
            account so the readings reach your doctor.""",
        known="""Kavita Patel, date of birth 1991-03-07. The serial on the cuff is
            SN-804045.""",
        gold=[
            auth("Kavita", "Patel", "1991-03-07"),
            a("list_devices", patient_id="P-101246"),
            a("register_device", patient_id="P-101246", serial_number="SN-804045"),
        ],
        tags=["devices", "register", "easy"],
    ),
    task(
        "telehealth-015",
        persona="""You are Olena Kovalenko, 59, a seamstress in Washington. Thrifty and
            practical; you like reusing things.""",
        goal="""Your neighbour gave you her old blood-pressure cuff. Ask the agent to register
            it to your account. If that is not possible, ask to order a new BP-210 cuff from
            the cheapest supplier that has it in stock, and ask your cost after insurance
            before confirming.""",
        known="""Olena Kovalenko, born 1966-08-18. The serial on the neighbour's cuff is
            SN-901011.""",
        withheld="""Never give your neighbour's name.""",
        gold=[
            auth("Olena", "Kovalenko", "1966-08-18"),
            a("find_suppliers", kind="device_supplier", item="BP-210"),
            a("quote_device_order", patient_id="P-105581", model_id="BP-210", supplier_id="DS-503"),
            a("order_device", patient_id="P-105581", model_id="BP-210", supplier_id="DS-503"),
        ],
        outputs=["16.95"],
        tags=["devices", "register", "refusal", "order"],
    ),
    task(
        "telehealth-016",
        persona="""You are Diego Castillo, 79, a retired rancher in Copper Wash, Arizona. You
            speak plainly and distrust automated systems.""",
        goal="""A pulse oximeter order was placed for you this morning but nobody asked you
            and you do not need one. Cancel it and make sure you will not be billed for it.""",
        known="""Diego Castillo, date of birth 1947-06-05.""",
        gold=[
            auth("Diego", "Castillo", "1947-06-05"),
            a("list_devices", patient_id="P-101813"),
            a("cancel_device_order", patient_id="P-101813", order_id="DO-33045"),
        ],
        tags=["devices", "cancel-order", "easy"],
    ),
    task(
        "telehealth-017",
        persona="""You are Takeshi Tanaka, 27, a graduate student in Alder Springs, Colorado.
            Casual tone, uses lowercase.""",
        goal="""You want to cancel the glucose meter you ordered a few days ago because a
            friend gave you one. If the agent says it cannot be cancelled, ask why (what is
            its status) and then pay its invoice in full with your card on file.""",
        known="""Takeshi Tanaka, born 1999-05-15.""",
        gold=[
            auth("Takeshi", "Tanaka", "1999-05-15"),
            a("list_devices", patient_id="P-103155"),
            a("list_invoices", patient_id="P-103155"),
            a("pay_invoice", patient_id="P-103155", invoice_id="INV-30213", amount=60.53),
        ],
        outputs=["shipped", "60.53"],
        tags=["devices", "cancel-order", "refusal", "payment"],
    ),
    task(
        "telehealth-018",
        persona="""You are Irina Kovalenko, 62, a librarian in Loon Lake, Minnesota. Anxious
            but polite.""",
        goal="""Your cuff sent a high-looking reading on June 5 in the evening. Ask the agent
            what the reading was and whether it is dangerous. You feel fine right now (no
            symptoms). Accept that the agent cannot interpret it, and ask to have it flagged
            for your care team.""",
        known="""Irina Kovalenko, date of birth 1963-10-11.""",
        gold=[
            auth("Irina", "Kovalenko", "1963-10-11"),
            a("list_uploads", patient_id="P-100655", metric="blood_pressure", days=7),
            a("flag_reading_for_review", patient_id="P-100655", upload_id="U-502004"),
        ],
        outputs=["184/101"],
        tags=["readings", "flag", "no-advice"],
    ),
    task(
        "telehealth-019",
        persona="""You are Ngoc Pham, 66, in Red Ledge, Colorado. You sound worried and
            slightly out of breath.""",
        goal="""You want to know what your blood pressure readings this week mean. While
            talking, mention that right now you have tight chest pain going into your left
            arm and feel sweaty. Do whatever the agent says about getting help; if offered a
            transfer to a person, accept.""",
        known="""Ngoc Pham, born 1960-05-27.""",
        gold=[
            a(
                "transfer_to_human_agents",
                summary="Caller Ngoc Pham reports chest pain radiating to the left arm with "
                "sweating; told to call 911 now. Urgent clinical hand-off.",
            ),
        ],
        policy_outputs=["911"],
        tags=["safety", "urgent", "transfer"],
    ),
    task(
        "telehealth-020",
        persona="""You are Oluwaseun Mensah, 59, a civil engineer in Colorado. Methodical; you
            keep your own log of readings.""",
        goal="""Ask the agent to flag two glucose readings for your doctor: the one around
            May 5 (322) and the one around June 5 (321). If one cannot be flagged, ask why
            and accept; keep the one that can be flagged.""",
        known="""Oluwaseun Mensah, date of birth 1966-11-16.""",
        gold=[
            auth("Oluwaseun", "Mensah", "1966-11-16"),
            a("list_uploads", patient_id="P-104652", metric="glucose", days=45),
            a("flag_reading_for_review", patient_id="P-104652", upload_id="U-501959"),
        ],
        tags=["readings", "flag", "refusal"],
    ),
    task(
        "telehealth-021",
        persona="""You are Elif Demir, 41, a translator in Minnesota. Precise, spells things
            out letter by letter.""",
        goal="""You changed phone and email. Update your phone to (612) 555-0148 and your email
            to elif.demir.mn@example.com. Nothing else.""",
        known="""Elif Demir, born 1985-01-13.""",
        gold=[
            auth("Elif", "Demir", "1985-01-13"),
            a(
                "update_contact_info",
                patient_id="P-103439",
                phone="(612) 555-0148",
                email="elif.demir.mn@example.com",
            ),
        ],
        tags=["account", "contact", "easy"],
    ),
    task(
        "telehealth-022",
        persona="""You are Ingrid Dahl, 52, a museum curator who is moving from Arizona to
            Oregon this week. Organised, a little stressed by the move.""",
        goal="""1) Update your home address to 2207 Heron Pond Drive, Fernwood, OR 97128.
            2) Make Fernwood Health Mart your preferred pharmacy. 3) Move your atorvastatin
            prescription there so you can fill it after the move. Do not request a refill
            now.""",
        known="""Ingrid Dahl, date of birth 1973-09-08. New address: 2207 Heron Pond Drive,
            Fernwood, OR 97128.""",
        gold=[
            auth("Ingrid", "Dahl", "1973-09-08"),
            a(
                "update_contact_info",
                patient_id="P-102867",
                street="2207 Heron Pond Drive",
                city="Fernwood",
                state="OR",
                zip_code="97128",
            ),
            a("find_suppliers", kind="pharmacy", state="OR"),
            a("set_preferred_pharmacy", patient_id="P-102867", pharmacy_id="PH-209"),
            a("list_prescriptions", patient_id="P-102867"),
            a(
                "transfer_prescription",
                patient_id="P-102867",
                rx_id="RX-73822",
                pharmacy_id="PH-209",
            ),
        ],
        tags=["account", "address", "pharmacy", "transfer-rx", "multi-write", "hard"],
    ),
    task(
        "telehealth-023",
        persona="""You are Aiko Watanabe, 42, a graphic designer in Arizona who just got
            insurance through a new job. Upbeat.""",
        goal="""1) Add your new insurance: Cedarline Gold PPO, member id CDM48213377.
            2) Then order a BP-210 blood-pressure cuff from Sonoran MedEquip (you like that
            they are local). Ask what you will pay before confirming the order.""",
        known="""Aiko Watanabe, born 1984-01-15. Plan: Cedarline Gold PPO, member id
            CDM48213377.""",
        gold=[
            auth("Aiko", "Watanabe", "1984-01-15"),
            a("list_insurance_plans"),
            a(
                "update_insurance",
                patient_id="P-103879",
                plan_id="CDM-GOLD",
                member_id="CDM48213377",
            ),
            a("quote_device_order", patient_id="P-103879", model_id="BP-210", supplier_id="DS-504"),
            a("order_device", patient_id="P-103879", model_id="BP-210", supplier_id="DS-504"),
        ],
        outputs=["13.80"],
        tags=["insurance", "devices", "order", "multi-write"],
    ),
    task(
        "telehealth-024",
        persona="""You are Keisha Brooks, 26, a barista in Larchmont Heights, Washington.
            Friendly, uses emoji-free casual language.""",
        goal="""Your new employer's plan is with Bluepeak Assurance. First ask to put Bluepeak
            Classic on file with member id BPK-7730-1842. If the agent says that plan is not
            accepted, say HR told you that you can choose Bluepeak Select instead with the
            same member id, and ask for that.""",
        known="""Keisha Brooks, date of birth 1999-08-03. Member id BPK-7730-1842.""",
        gold=[
            auth("Keisha", "Brooks", "1999-08-03"),
            a("list_insurance_plans"),
            a(
                "update_insurance",
                patient_id="P-101895",
                plan_id="BPK-SELECT",
                member_id="BPK-7730-1842",
            ),
        ],
        tags=["insurance", "refusal", "change-of-mind"],
    ),
    task(
        "telehealth-025",
        persona="""You are Chinonso Boateng, 35, a freelance photographer in Rio Seco, New
            Mexico, without insurance this year. Budget-conscious.""",
        goal="""You have an unpaid bill for a recent visit. Pay 50 dollars of it now with your
            card on file, not the whole amount, and ask how much will still be owed.""",
        known="""Chinonso Boateng, born 1991-03-21.""",
        gold=[
            auth("Chinonso", "Boateng", "1991-03-21"),
            a("list_invoices", patient_id="P-106426", status="open"),
            a("pay_invoice", patient_id="P-106426", invoice_id="INV-30189", amount=50.0),
        ],
        outputs=["46.75"],
        tags=["billing", "payment", "partial"],
    ),
    task(
        "telehealth-026",
        persona="""You are Keisha Booker, 76, a retired postal worker in North Pines,
            Minnesota. Gentle, a bit hard of hearing, asks to repeat numbers.""",
        goal="""You got a reminder about an unpaid late-cancellation fee from January. Ask to
            pay it by card over the phone. If that is not possible, ask whether the fee can
            be forgiven instead, and accept. Also update your email to
            keisha.booker49@example.org.""",
        known="""Keisha Booker, date of birth 1949-09-11.""",
        withheld="""You do not have a card on file and you are not going to add one today.""",
        gold=[
            auth("Keisha", "Booker", "1949-09-11"),
            a("list_invoices", patient_id="P-105751"),
            a("waive_late_cancellation_fee", patient_id="P-105751", invoice_id="INV-30101"),
            a("update_contact_info", patient_id="P-105751", email="keisha.booker49@example.org"),
        ],
        outputs=["97.25"],
        tags=["billing", "waiver", "contact", "multi-write"],
    ),
    task(
        "telehealth-027",
        persona="""You are Darius Demir, 64, a ferry mechanic in Oregon. Gruff but fair.""",
        goal="""1) Move your cardiology video visit (June 26) to Wednesday June 17 at 10:00,
            same doctor. 2) Cancel your family-medicine visit on June 25: you will discuss
            everything with the cardiologist. Confirm each change.""",
        known="""Darius Demir, born 1962-01-23.""",
        gold=[
            auth("Darius", "Demir", "1962-01-23"),
            a("list_appointments", patient_id="P-102266"),
            a("list_available_slots", provider_id="DR-3170", date="2026-06-17"),
            a(
                "reschedule_appointment",
                patient_id="P-102266",
                appointment_id="A-60253",
                new_slot_id="S-250636",
            ),
            a("cancel_appointment", patient_id="P-102266", appointment_id="A-60252"),
        ],
        tags=["appointments", "reschedule", "cancel", "multi-write"],
    ),
    task(
        "telehealth-028",
        persona="""You are Rowena Dela Cruz, 43, a pharmacist's assistant in Pinon Ridge, New
            Mexico. Efficient and friendly.""",
        goal="""Move your June 24 appointment with Nils Lindqvist to Friday June 19 at 09:00,
            video. If the agent says it can't be moved, ask what your options are; you are
            fine cancelling it and booking June 19 at 09:00 with the same provider as a new
            video appointment.""",
        known="""Rowena Dela Cruz, date of birth 1983-04-05.""",
        gold=[
            auth("Rowena", "Dela Cruz", "1983-04-05"),
            a("list_appointments", patient_id="P-102014"),
            a("list_available_slots", provider_id="DR-3119", date="2026-06-19"),
            a("cancel_appointment", patient_id="P-102014", appointment_id="A-60225"),
            a("book_appointment", patient_id="P-102014", slot_id="S-250129", visit_type="video"),
        ],
        tags=["appointments", "reschedule-limit", "cancel", "book", "multi-write"],
    ),
    task(
        "telehealth-029",
        persona="""You are Thomas Carver, 84, a retired forester in Pinecrest Falls, Colorado.
            Courteous and old-fashioned.""",
        goal="""Ask to move tomorrow morning's phone appointment to next week. If the agent
            says it cannot be moved, ask what it would cost to cancel instead. When you hear
            the amount, decide to keep the appointment as it is and end politely.""",
        known="""Thomas Carver, born 1941-11-01.""",
        gold=[
            auth("Thomas", "Carver", "1941-11-01"),
            a("list_appointments", patient_id="P-105660"),
        ],
        outputs=["55.95"],
        tags=["appointments", "reschedule", "refusal", "late-fee"],
    ),
    task(
        "telehealth-030",
        persona="""You are Ji-hoon Yoon, 76, a retired high-school principal in Wisconsin.
            Dignified, slightly impatient with mail-order delays.""",
        goal="""Request a refill of your hydrochlorothiazide. If the agent says the current
            pharmacy cannot fill it, ask to move the prescription to Cranberry Marsh
            Apothecary, your local pharmacy, and then request the refill there.""",
        known="""Ji-hoon Yoon, date of birth 1949-11-19.""",
        gold=[
            auth("Ji-hoon", "Yoon", "1949-11-19"),
            a("list_prescriptions", patient_id="P-106604"),
            a("find_suppliers", kind="pharmacy", state="WI", item="hydrochlorothiazide"),
            a(
                "transfer_prescription",
                patient_id="P-106604",
                rx_id="RX-77581",
                pharmacy_id="PH-215",
            ),
            a("request_refill", patient_id="P-106604", rx_id="RX-77581"),
        ],
        tags=["refill", "stock", "transfer-rx", "multi-write"],
    ),
    task(
        "telehealth-031",
        persona="""You are Malia Akana, 46, a hula instructor in Arizona. Warm and
            talkative.""",
        goal="""1) Request a refill of your levothyroxine. 2) Since it already comes by mail,
            make the mail-order pharmacy it is filled at your preferred pharmacy too.""",
        known="""Malia Akana, born 1980-02-12.""",
        gold=[
            auth("Malia", "Akana", "1980-02-12"),
            a("list_prescriptions", patient_id="P-105422"),
            a("request_refill", patient_id="P-105422", rx_id="RX-76247"),
            a("set_preferred_pharmacy", patient_id="P-105422", pharmacy_id="PH-302"),
        ],
        tags=["refill", "pharmacy", "multi-write"],
    ),
    task(
        "telehealth-032",
        persona="""You are Kavita Iyer, 80, a retired botanist in Juniper Hollow, Utah. Sharp
            and a little impatient.""",
        goal="""Ask for refills of both your hydrochlorothiazide and your losartan. If one of
            them cannot be refilled, ask why and when it expired; accept, and do not book
            anything today.""",
        known="""Kavita Iyer, date of birth 1945-10-09.""",
        gold=[
            auth("Kavita", "Iyer", "1945-10-09"),
            a("list_prescriptions", patient_id="P-104786"),
            a("request_refill", patient_id="P-104786", rx_id="RX-75752"),
        ],
        outputs=["2026-01-21"],
        tags=["refill", "expired", "refusal"],
    ),
    task(
        "telehealth-033",
        persona="""You are Mateo Ortega, 58, a carpenter in Oregon. Straightforward; you have
            not used the clinic for a while.""",
        goal="""Ask for a refill of your atorvastatin. If the agent says something is wrong
            with your account, ask what the account status is and ask to have it
            reactivated; accept a transfer to a person.""",
        known="""Mateo Ortega, born 1968-01-27.""",
        gold=[
            auth("Mateo", "Ortega", "1968-01-27"),
            a(
                "transfer_to_human_agents",
                summary="P-101549 account is inactive; patient wants reactivation and an "
                "atorvastatin refill.",
            ),
        ],
        outputs=["inactive"],
        tags=["account", "inactive", "transfer"],
    ),
    task(
        "telehealth-034",
        persona="""You are Daniel Carver, 60, a Minnesota high-school band teacher. Cheerful,
            cracks small jokes.""",
        goal="""1) Move your June 25 phone appointment to Thursday June 18 at 09:00 with the
            same doctor. 2) Request a refill of your omeprazole.""",
        known="""Daniel Carver, date of birth 1966-04-13.""",
        withheld="""If the agent asks, you live in Minnesota.""",
        gold=[
            auth("Daniel", "Carver", "1966-04-13"),
            a("list_appointments", patient_id="P-103455"),
            a("list_available_slots", provider_id="DR-3125", date="2026-06-18"),
            a(
                "reschedule_appointment",
                patient_id="P-103455",
                appointment_id="A-60198",
                new_slot_id="S-250177",
            ),
            a("list_prescriptions", patient_id="P-103455"),
            a("request_refill", patient_id="P-103455", rx_id="RX-74447"),
        ],
        tags=["appointments", "reschedule", "refill", "same-name", "multi-write"],
    ),
    task(
        "telehealth-035",
        persona="""You are Katarzyna Kovalenko, 41, an architect in Washington with a CT scan
            booked at a hospital next week. Matter-of-fact.""",
        goal="""The hospital asked which allergies your clinic has on record. Ask the agent to
            read you the allergies in your record. Nothing else.""",
        known="""Katarzyna Kovalenko, born 1985-03-01.""",
        gold=[
            auth("Katarzyna", "Kovalenko", "1985-03-01"),
            a("get_medical_record_summary", patient_id="P-104834", date_of_birth="1985-03-01"),
        ],
        outputs=["iodinated contrast", "penicillin"],
        tags=["records", "lookup", "easy"],
    ),
    task(
        "telehealth-036",
        persona="""You are Nadia Nasser, 59, in Wisconsin. Arabic is your first language; your
            English is good but you prefer doctors who speak Arabic.""",
        goal="""1) You cannot attend your lung-specialist video visit this morning: cancel it,
            after asking whether there is a fee (accept it). 2) Book a video visit with a
            cardiologist who speaks Arabic, on Thursday June 11 at 11:00.""",
        known="""Nadia Nasser, date of birth 1967-02-02.""",
        gold=[
            auth("Nadia", "Nasser", "1967-02-02"),
            a("list_appointments", patient_id="P-106801"),
            a("cancel_appointment", patient_id="P-106801", appointment_id="A-60195"),
            a("search_providers", specialty="cardiology", state="WI", language="Arabic"),
            a("list_available_slots", provider_id="DR-3165", date="2026-06-11"),
            a("book_appointment", patient_id="P-106801", slot_id="S-250570", visit_type="video"),
        ],
        outputs=["88.88"],
        tags=["appointments", "cancel", "late-fee", "language", "book", "multi-write"],
    ),
    task(
        "telehealth-037",
        persona="""You are Seo-yeon Jung, 31, a UX researcher in Wisconsin who just moved
            apartments. A bit scattered.""",
        goal="""You lost your glucose meter during the move. Ask to deactivate it and order the
            same model again from the cheapest supplier that has it in stock. Ask the price
            you will pay before confirming.""",
        known="""Seo-yeon Jung, born 1994-09-04.""",
        gold=[
            auth("Seo-yeon", "Jung", "1994-09-04"),
            a("list_devices", patient_id="P-101143"),
            a("deactivate_device", patient_id="P-101143", serial_number="SN-297436", reason="lost"),
            a("find_suppliers", kind="device_supplier", item="GL-G2"),
            a("quote_device_order", patient_id="P-101143", model_id="GL-G2", supplier_id="DS-504"),
            a("order_device", patient_id="P-101143", model_id="GL-G2", supplier_id="DS-504"),
        ],
        outputs=["21.55"],
        tags=["devices", "replace", "order", "multi-write"],
    ),
    task(
        "telehealth-038",
        persona="""You are Arnel Dela Cruz, 38, a long-haul truck driver in Wisconsin who is
            rarely home during pharmacy hours.""",
        goal="""Switch to mail order: make ParcelRx Mail Pharmacy your preferred pharmacy and
            move both your simvastatin and your levothyroxine prescriptions there. Do not
            request refills today.""",
        known="""Arnel Dela Cruz, date of birth 1988-03-14.""",
        gold=[
            auth("Arnel", "Dela Cruz", "1988-03-14"),
            a("find_suppliers", kind="pharmacy", state="WI"),
            a("set_preferred_pharmacy", patient_id="P-106197", pharmacy_id="PH-301"),
            a("list_prescriptions", patient_id="P-106197"),
            a(
                "transfer_prescription",
                patient_id="P-106197",
                rx_id="RX-76998",
                pharmacy_id="PH-301",
            ),
            a(
                "transfer_prescription",
                patient_id="P-106197",
                rx_id="RX-77015",
                pharmacy_id="PH-301",
            ),
        ],
        tags=["pharmacy", "transfer-rx", "multi-write"],
    ),
    task(
        "telehealth-039",
        persona="""You are Yui Sato, 35, a yoga teacher in Fernwood, Oregon. Indecisive; you
            think out loud.""",
        goal="""Start by asking to cancel the glucose meter order placed this morning. When
            the agent describes the cancellation, change your mind: your doctor asked you to
            track your sugar, so keep the order. Instead, pay that order's invoice in full
            now with your card, and ask how much was charged.""",
        known="""Yui Sato, born 1990-07-06.""",
        gold=[
            auth("Yui", "Sato", "1990-07-06"),
            a("list_devices", patient_id="P-103496"),
            a("list_invoices", patient_id="P-103496", status="open"),
            a("pay_invoice", patient_id="P-103496", invoice_id="INV-30222", amount=10.6),
        ],
        outputs=["10.60"],
        tags=["devices", "billing", "change-of-mind"],
    ),
    task(
        "telehealth-040",
        persona="""You are Imani Coleman, 58, a school counsellor who just moved across town in
            Colorado. Organised; you double-check addresses.""",
        goal="""1) Update your address to 418 Fieldstone Place, Red Ledge, CO 81122 (same
            phone and email). 2) Your doctor wants you to track your blood pressure at home:
            order a BP-210 cuff from the cheapest supplier that has it, shipped to the new
            address. Ask your cost after insurance before confirming.""",
        known="""Imani Coleman, date of birth 1968-06-08. New address: 418 Fieldstone Place,
            Red Ledge, CO 81122.""",
        gold=[
            auth("Imani", "Coleman", "1968-06-08"),
            a(
                "update_contact_info",
                patient_id="P-100716",
                street="418 Fieldstone Place",
                city="Red Ledge",
                state="CO",
                zip_code="81122",
            ),
            a("find_suppliers", kind="device_supplier", item="BP-210"),
            a("quote_device_order", patient_id="P-100716", model_id="BP-210", supplier_id="DS-503"),
            a("order_device", patient_id="P-100716", model_id="BP-210", supplier_id="DS-503"),
        ],
        outputs=["22.60"],
        tags=["account", "address", "devices", "order", "multi-write"],
    ),
]

# ----------------------------------------------------------------------------- dev

DEV: list[dict[str, Any]] = [
    task(
        "telehealth-dev-01",
        persona="""You are Nils Dahl, 31, a cycling coach in Arizona. Relaxed, informal.""",
        goal="""Ask for a refill of your apixaban. If the agent says it is blocked, ask which
            of your medicines is the problem, then accept being transferred to someone who
            can sort it out.""",
        known="""Nils Dahl, date of birth 1994-11-11. A sports-medicine doctor recently gave
            you something for a sore knee.""",
        gold=[
            auth("Nils", "Dahl", "1994-11-11"),
            a("list_prescriptions", patient_id="P-101361"),
            a(
                "transfer_to_human_agents",
                summary="P-101361: apixaban refill blocked by a severe interaction with "
                "ibuprofen; needs clinical review.",
            ),
        ],
        outputs=["ibuprofen"],
        tags=["refill", "interaction", "transfer"],
    ),
    task(
        "telehealth-dev-02",
        persona="""You are Erik Haugen, 58, a ferry captain in Washington with an irregular
            schedule.""",
        goal="""Book a dermatology video visit on Wednesday June 17 at 10:30. If the agent says
            you have too many upcoming visits, cancel your family-medicine phone visit on
            June 12 (the afternoon one) and then book the dermatology visit.""",
        known="""Erik Haugen, born 1968-04-15. You live in Washington.""",
        gold=[
            auth("Erik", "Haugen", "1968-04-15"),
            a("list_appointments", patient_id="P-103380"),
            a("search_providers", specialty="dermatology", state="WA"),
            a("list_available_slots", provider_id="DR-3200", date="2026-06-17"),
            a("cancel_appointment", patient_id="P-103380", appointment_id="A-60247"),
            a("book_appointment", patient_id="P-103380", slot_id="S-251031", visit_type="video"),
        ],
        tags=["appointments", "limit", "cancel", "book", "multi-write"],
    ),
    task(
        "telehealth-dev-03",
        persona="""You are Selam Gebre, 39, a nurse's aide in Minnesota whose first language is
            Amharic.""",
        goal="""Book a psychiatry video visit with a psychiatrist who speaks Amharic, on
            Wednesday June 17 at 13:30.""",
        known="""Selam Gebre, date of birth 1986-11-10.""",
        gold=[
            auth("Selam", "Gebre", "1986-11-10"),
            a("search_providers", specialty="psychiatry", state="MN", language="Amharic"),
            a("list_available_slots", provider_id="DR-3184", date="2026-06-17"),
            a("book_appointment", patient_id="P-103539", slot_id="S-250875", visit_type="video"),
        ],
        tags=["appointments", "language", "book"],
    ),
    task(
        "telehealth-dev-04",
        persona="""You are Adaeze Owusu, 69, a retired midwife in Salt Meadow, Utah. Warm and
            talkative.""",
        goal="""1) Ask whether the old late-cancellation fee from last November can be
            forgiven; accept if yes. 2) Cancel your phone appointment tomorrow afternoon,
            after asking whether cancelling costs anything.""",
        known="""Adaeze Owusu, born 1956-12-28.""",
        gold=[
            auth("Adaeze", "Owusu", "1956-12-28"),
            a("list_invoices", patient_id="P-102772"),
            a("waive_late_cancellation_fee", patient_id="P-102772", invoice_id="INV-30070"),
            a("list_appointments", patient_id="P-102772"),
            a("cancel_appointment", patient_id="P-102772", appointment_id="A-60210"),
        ],
        tags=["billing", "waiver", "appointments", "cancel", "multi-write"],
    ),
    task(
        "telehealth-dev-05",
        persona="""You are Arnel Villanueva, 83, a retired ship welder in Washington. Slow and
            careful with technology.""",
        goal="""Your pulse oximeter broke, and the clinic mailed you a loaner. Deactivate the
            broken one and register the loaner (serial SN-740175) to your account.""",
        known="""Arnel Villanueva, date of birth 1943-05-14. Loaner serial SN-740175.""",
        gold=[
            auth("Arnel", "Villanueva", "1943-05-14"),
            a("list_devices", patient_id="P-102400"),
            a(
                "deactivate_device",
                patient_id="P-102400",
                serial_number="SN-180208",
                reason="broken",
            ),
            a("register_device", patient_id="P-102400", serial_number="SN-740175"),
        ],
        tags=["devices", "replace", "register", "multi-write"],
    ),
    task(
        "telehealth-dev-06",
        persona="""You are Kaveh Rahimi, 81, a retired pharmacist in Colorado. Knowledgeable
            and a little formal.""",
        goal="""Flag your glucose reading of June 2 (303) for your care team, then book a video
            visit with an endocrinologist on Monday June 15 at 10:00.""",
        known="""Kaveh Rahimi, born 1945-03-12. You live in Colorado.""",
        gold=[
            auth("Kaveh", "Rahimi", "1945-03-12"),
            a("list_uploads", patient_id="P-103693", metric="glucose", days=14),
            a("flag_reading_for_review", patient_id="P-103693", upload_id="U-501830"),
            a("search_providers", specialty="endocrinology", state="CO"),
            a("list_available_slots", provider_id="DR-3182", date="2026-06-15"),
            a("book_appointment", patient_id="P-103693", slot_id="S-250772", visit_type="video"),
        ],
        tags=["readings", "flag", "book", "multi-write"],
    ),
    task(
        "telehealth-dev-07",
        persona="""You are Vikram Sharma, 64, in Arizona, about to retire to Nevada.""",
        goal="""Change your address to 55 Desert Willow Road, Henderson, NV 89002. If the agent
            says that is not possible, keep your Arizona address for now and just update
            your email to vikram.sharma.az@example.net.""",
        known="""Vikram Sharma, date of birth 1961-08-14.""",
        gold=[
            auth("Vikram", "Sharma", "1961-08-14"),
            a("update_contact_info", patient_id="P-103587", email="vikram.sharma.az@example.net"),
        ],
        tags=["account", "address", "refusal", "contact"],
    ),
    task(
        "telehealth-dev-08",
        persona="""You are Emre Tehrani, 62, a taxi dispatcher in Wisconsin who sleeps
            badly.""",
        goal="""1) Ask for a refill of your zolpidem; accept a refusal. 2) You cannot make it to
            this morning's visit; cancel it, asking first what it costs, and accept the
            fee.""",
        known="""Emre Tehrani, born 1963-12-16.""",
        gold=[
            auth("Emre", "Tehrani", "1963-12-16"),
            a("list_prescriptions", patient_id="P-106065"),
            a("list_appointments", patient_id="P-106065"),
            a("cancel_appointment", patient_id="P-106065", appointment_id="A-60192"),
        ],
        outputs=["49.70"],
        tags=["refill", "controlled", "cancel", "late-fee"],
    ),
    task(
        "telehealth-dev-09",
        persona="""You are Valentina Vargas, 59, a florist in Washington. Practical.""",
        goal="""Request refills of your lisinopril and your losartan. If the lisinopril cannot
            be filled where it is, move it to Larchmont Heights Community Pharmacy and
            request it there.""",
        known="""Valentina Vargas, date of birth 1967-01-08.""",
        gold=[
            auth("Valentina", "Vargas", "1967-01-08"),
            a("list_prescriptions", patient_id="P-104333"),
            a(
                "transfer_prescription",
                patient_id="P-104333",
                rx_id="RX-75213",
                pharmacy_id="PH-212",
            ),
            a("request_refill", patient_id="P-104333", rx_id="RX-75213"),
            a("request_refill", patient_id="P-104333", rx_id="RX-75231"),
        ],
        tags=["refill", "stock", "transfer-rx", "multi-write"],
    ),
    task(
        "telehealth-dev-10",
        persona="""You are Marcus Washington, 30, a sound engineer in Minnesota who just got
            insurance.""",
        goal="""1) Add Northgate Plus with member id NGH55120934. 2) Book a family-medicine
            phone visit with Dr. Sanjay Chatterjee on Tuesday June 16 at 10:30.""",
        known="""Marcus Washington, born 1995-11-14.""",
        gold=[
            auth("Marcus", "Washington", "1995-11-14"),
            a(
                "update_insurance",
                patient_id="P-102300",
                plan_id="NGH-PLUS",
                member_id="NGH55120934",
            ),
            a("list_available_slots", provider_id="DR-3101", date="2026-06-16"),
            a("book_appointment", patient_id="P-102300", slot_id="S-250020", visit_type="phone"),
        ],
        tags=["insurance", "book", "multi-write"],
    ),
    task(
        "telehealth-dev-11",
        persona="""You are Malia Kealoha, 67, a retired hotel manager in Wisconsin.""",
        goal="""Ask where your pulse-oximeter order stands (its status), then request a refill
            of your escitalopram.""",
        known="""Malia Kealoha, date of birth 1959-05-11.""",
        gold=[
            auth("Malia", "Kealoha", "1959-05-11"),
            a("list_devices", patient_id="P-101581"),
            a("list_prescriptions", patient_id="P-101581"),
            a("request_refill", patient_id="P-101581", rx_id="RX-72250"),
        ],
        outputs=["shipped"],
        tags=["devices", "lookup", "refill"],
    ),
    task(
        "telehealth-dev-12",
        persona="""You are Ji-hoon Jung, 51, a dentist in Arizona preparing for a life-insurance
            form.""",
        goal="""Ask which conditions are on your clinic record, and the date of your next
            upcoming appointment. No changes.""",
        known="""Ji-hoon Jung, born 1974-09-06.""",
        gold=[
            auth("Ji-hoon", "Jung", "1974-09-06"),
            a("get_medical_record_summary", patient_id="P-105446", date_of_birth="1974-09-06"),
            a("list_appointments", patient_id="P-105446"),
        ],
        outputs=["hyperlipidemia", "2026-06-11"],
        tags=["records", "appointments", "lookup"],
    ),
]


# --------------------------------------------------------------------------- build

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _appears(output: str, texts: list[str]) -> bool:
    """Does a required output appear in some tool result (numbers compared by value)?"""
    try:
        wanted = float(output)
    except ValueError:
        low = output.lower()
        return any(low in text.lower() for text in texts)
    return any(abs(float(n) - wanted) < 0.001 for text in texts for n in _NUMBER.findall(text))


def resolve(spec: dict[str, Any]) -> dict[str, Any]:
    """Replay the gold actions, filling in deferred kwargs; fail loudly on any error."""
    domain = load_domain("telehealth")
    env = Environment(domain)
    results: list[Any] = []
    texts: list[str] = []
    actions = []
    for index, action in enumerate(spec["gold_actions"]):
        kwargs = {
            key: value(results) if callable(value) else value
            for key, value in action["kwargs"].items()
        }
        result = env.execute(action["name"], kwargs)
        if result.outcome != "ok":
            raise SystemExit(
                f"{spec['id']}: gold action #{index} {action['name']}: {result.content}"
            )
        results.append(json.loads(result.content))
        texts.append(result.content)
        actions.append({"name": action["name"], "kwargs": kwargs})
    for output in spec["required_outputs"]:
        if output not in POLICY_OUTPUTS[spec["id"]] and not _appears(output, texts):
            raise SystemExit(f"{spec['id']}: required output {output!r} is in no tool result")
    writes = sum(domain.tools[x["name"]].writes for x in actions)
    if not writes and not spec["required_outputs"]:
        raise SystemExit(f"{spec['id']}: no write and no required output")
    env.close()
    return {**spec, "gold_actions": actions}


def main() -> None:
    TASK_DIR.mkdir(parents=True, exist_ok=True)
    for split, specs in (("test", TEST), ("dev", DEV)):
        built = [resolve(spec) for spec in specs]
        text = json.dumps(built, indent=2, ensure_ascii=False) + "\n"
        (TASK_DIR / f"{split}.json").write_text(text, encoding="utf-8")
        print(f"{split}: {len(built)} tasks")


if __name__ == "__main__":
    main()
