"""Patient identity, contact details, insurance and preferred pharmacy."""

from __future__ import annotations

import re

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import dictated, plain

from ..rules import SERVICE_STATES
from ..schema import InsurancePlan, Patient, Supplier
from .common import (
    fold,
    get_patient,
    get_supplier,
    iso,
    parse_date,
    verified_patient,
)

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_MEMBER_ID = re.compile(r"^[A-Z0-9]{6,16}$")


@tool(writes=False)
def find_patient_by_name_dob(
    ctx: ToolContext, first_name: str, last_name: str, date_of_birth: str
) -> dict:
    """Verify a caller's identity: find the patient whose first name, last name AND date of
    birth all match. This is the authentication step; call it before anything
    account-specific, even when the caller already knows their patient id.

    Names are matched ignoring case, accents, spaces and hyphens ('Maria Garcia' matches
    'María García'); the date of birth must match exactly.

    Args:
        first_name: The patient's first (given) name, e.g. 'Hannah'.
        last_name: The patient's last (family) name, e.g. 'Bennett'.
        date_of_birth: Date of birth as YYYY-MM-DD, e.g. '1944-10-21'.

    Returns:
        The patient id (format 'P-100331'), full name and account status.

    Raises:
        The date is malformed, or no patient matches all three values (never say which
        part did not match).
    """
    dob = parse_date(date_of_birth, "date_of_birth")
    first, last = fold(first_name), fold(last_name)
    if not first or not last:
        raise ToolError("first_name and last_name are both required")
    for patient in ctx.session.scalars(
        select(Patient).where(Patient.date_of_birth == dob).order_by(Patient.patient_id)
    ):
        if fold(patient.first_name) == first and fold(patient.last_name) == last:
            ctx.auth.grant(patient.patient_id)
            return {
                "patient_id": patient.patient_id,
                "first_name": patient.first_name,
                "last_name": patient.last_name,
                "status": patient.status,
            }
    raise ToolError("no patient matches that name and date of birth")


@tool(writes=False)
def get_patient_details(ctx: ToolContext, patient_id: str) -> dict:
    """Show a verified patient's account: contact details, home address (its state decides
    which providers may see them), insurance, preferred pharmacy, the last four digits of
    the payment card on file, and the account status ('active' or 'inactive').

    Args:
        patient_id: The patient id, e.g. 'P-100331'.

    Raises:
        The patient id is unknown.
    """
    patient = get_patient(ctx, patient_id)
    plan = ctx.session.get(InsurancePlan, patient.plan_id) if patient.plan_id else None
    pharmacy = (
        ctx.session.get(Supplier, patient.preferred_pharmacy_id)
        if patient.preferred_pharmacy_id
        else None
    )
    return {
        "patient_id": patient.patient_id,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": iso(patient.date_of_birth),
        "status": patient.status,
        "email": patient.email,
        "phone": patient.phone,
        "address": {
            "street": patient.street,
            "city": patient.city,
            "state": patient.state,
            "zip_code": patient.zip_code,
        },
        "insurance": None
        if plan is None
        else {
            "plan_id": plan.plan_id,
            "plan_name": plan.name,
            "carrier": plan.carrier,
            "member_id": patient.member_id,
            "visit_copay": plan.visit_copay,
            "device_coverage_pct": plan.device_coverage_pct,
            "plan_still_accepted": plan.accepting,
        },
        "preferred_pharmacy": None
        if pharmacy is None
        else {"supplier_id": pharmacy.supplier_id, "name": pharmacy.name},
        "card_on_file_last4": patient.card_last4,
        "member_since": iso(patient.joined_on),
    }


@tool(writes=True)
def update_contact_info(
    ctx: ToolContext,
    patient_id: str,
    email: str | None = None,
    phone: str | None = None,
    street: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip_code: str | None = None,
) -> dict:
    """Change a patient's email, phone number and/or home address. Pass only what changes.
    An address change needs all four address fields together (street, city, state,
    zip_code), and the new state must be one Alderbrook serves: AZ, CO, MN, NM, OR, UT,
    WA, WI. Name and date of birth can never be changed here.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        email: New email address, e.g. 'hannah.b@example.com' (stored in lower case).
        phone: New phone number with area code, 10 digits in any punctuation, e.g.
            '(303) 555-0187'; stored as '303-555-0187'.
        street: New street line as the patient gives it, e.g. '41 Osprey Street' (stored
            capitalised the usual way, whatever the case it is typed in).
        city: New city, e.g. 'Fernwood' (stored the same way).
        state: New two-letter state code, e.g. 'OR'.
        zip_code: New 5-digit ZIP code, e.g. '97128'.

    Returns:
        The updated contact details.

    Raises:
        Unknown patient; nothing to change; malformed email, phone or ZIP; a partial
        address; a state outside the service area.
    """
    patient = verified_patient(ctx, patient_id)
    address = [street, city, state, zip_code]
    if email is None and phone is None and all(v is None for v in address):
        raise ToolError("nothing to change: pass email, phone and/or a full address")
    if email is not None:
        email = plain(email).lower()
        if not _EMAIL.match(email):
            raise ToolError(f"{email!r} is not a valid email address")
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise ToolError(f"{phone!r} is not a 10-digit phone number with area code")
        phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    new_address: list[str] | None = None
    if any(v is not None for v in address):
        # Street and city as dictated (one form whatever the case typed); codes as codes.
        new_address = [dictated(street or ""), dictated(city or ""), plain(state or "")]
        new_address.append(plain(zip_code or ""))
        if not all(new_address):
            raise ToolError("an address change needs street, city, state and zip_code together")
        new_address[2] = new_address[2].upper()
        if new_address[2] not in SERVICE_STATES:
            raise ToolError(
                f"Alderbrook does not serve {new_address[2]!r}; service states: "
                f"{', '.join(SERVICE_STATES)}"
            )
        if not re.fullmatch(r"\d{5}", new_address[3]):
            raise ToolError(f"{zip_code!r} is not a 5-digit ZIP code")
    if email is not None:
        patient.email = email
    if phone is not None:
        patient.phone = phone
    if new_address is not None:
        patient.street, patient.city, patient.state, patient.zip_code = new_address
    return {
        "patient_id": patient.patient_id,
        "email": patient.email,
        "phone": patient.phone,
        "address": {
            "street": patient.street,
            "city": patient.city,
            "state": patient.state,
            "zip_code": patient.zip_code,
        },
    }


@tool(writes=False)
def list_insurance_plans(ctx: ToolContext) -> list[dict]:
    """List the insurance plans Alderbrook knows, with the visit copay (USD), the share of a
    monitoring device's price the plan covers (percent), and whether the plan is still
    accepted (only accepted plans can be put on file).
    """
    return [
        {
            "plan_id": plan.plan_id,
            "carrier": plan.carrier,
            "name": plan.name,
            "visit_copay": plan.visit_copay,
            "device_coverage_pct": plan.device_coverage_pct,
            "accepting": plan.accepting,
        }
        for plan in ctx.session.scalars(select(InsurancePlan).order_by(InsurancePlan.plan_id))
    ]


@tool(writes=True)
def update_insurance(ctx: ToolContext, patient_id: str, plan_id: str, member_id: str) -> dict:
    """Put a new insurance plan and member id on a patient's file (replacing the old one).
    Only plans Alderbrook still accepts can be added. It applies to future bills only;
    existing invoices are not recalculated.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        plan_id: The plan id from list_insurance_plans, e.g. 'NGH-PLUS'.
        member_id: The member id printed on the insurance card: 6-16 letters/digits, e.g.
            'NGH48213377' (spaces and dashes are removed, letters upper-cased).

    Returns:
        The patient's insurance as now on file.

    Raises:
        Unknown patient or plan; the plan is no longer accepted; malformed member id.
    """
    patient = verified_patient(ctx, patient_id)
    plan = ctx.session.get(InsurancePlan, plan_id.strip().upper())
    if plan is None:
        raise ToolError(f"no insurance plan {plan_id!r}; see list_insurance_plans")
    if not plan.accepting:
        raise ToolError(f"plan {plan.plan_id} ({plan.name}) is no longer accepted by Alderbrook")
    member = re.sub(r"[\s-]", "", plain(member_id)).upper()
    if not _MEMBER_ID.match(member):
        raise ToolError(f"{member_id!r} is not a valid member id (6-16 letters and digits)")
    patient.plan_id = plan.plan_id
    patient.member_id = member
    return {
        "patient_id": patient.patient_id,
        "plan_id": plan.plan_id,
        "plan_name": plan.name,
        "member_id": member,
        "visit_copay": plan.visit_copay,
        "device_coverage_pct": plan.device_coverage_pct,
    }


@tool(writes=True)
def set_preferred_pharmacy(ctx: ToolContext, patient_id: str, pharmacy_id: str) -> dict:
    """Change the patient's preferred pharmacy (used for new prescriptions; it does NOT move
    existing prescriptions, use transfer_prescription for that). The pharmacy must be in
    the patient's home state, or be a mail-order pharmacy.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        pharmacy_id: The pharmacy's supplier id, e.g. 'PH-207' (find one with find_suppliers).

    Raises:
        Unknown patient or supplier; the supplier is not a pharmacy; a retail pharmacy in
        another state.
    """
    patient = verified_patient(ctx, patient_id)
    pharmacy = get_supplier(ctx, pharmacy_id)
    check_pharmacy_serves(pharmacy, patient)
    patient.preferred_pharmacy_id = pharmacy.supplier_id
    return {
        "patient_id": patient.patient_id,
        "preferred_pharmacy_id": pharmacy.supplier_id,
        "name": pharmacy.name,
        "mail_order": pharmacy.mail_order,
    }


def check_pharmacy_serves(pharmacy: Supplier, patient: Patient) -> None:
    if pharmacy.kind != "pharmacy":
        raise ToolError(f"{pharmacy.supplier_id} ({pharmacy.name}) is not a pharmacy")
    if not pharmacy.mail_order and pharmacy.state != patient.state:
        raise ToolError(
            f"{pharmacy.supplier_id} is a retail pharmacy in {pharmacy.state}; the patient "
            f"lives in {patient.state}: choose one in {patient.state} or a mail-order pharmacy"
        )
