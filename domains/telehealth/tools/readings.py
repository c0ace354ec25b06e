"""Telemetry uploads: device readings and patient documents, and flagging for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import FLAG_WINDOW_DAYS
from ..schema import Upload
from .common import get_patient, iso, verified_patient


def _upload_view(upload: Upload) -> dict[str, Any]:
    view: dict[str, Any] = {
        "upload_id": upload.upload_id,
        "type": upload.upload_type,
        "uploaded_at": iso(upload.uploaded_at),
        "flagged_for_review": upload.flagged,
    }
    if upload.upload_type == "document":
        view["document_title"] = upload.document_title
        return view
    view["metric"] = upload.metric
    view["serial_number"] = upload.serial_number
    if upload.metric == "blood_pressure":
        view["reading"] = f"{upload.systolic}/{upload.diastolic} {upload.unit}"
    else:
        value = upload.value
        shown = f"{value:g}" if value is not None else "?"
        view["reading"] = f"{shown} {upload.unit}"
    return view


@tool(writes=False)
def list_uploads(
    ctx: ToolContext,
    patient_id: str,
    upload_type: Literal["reading", "document"] | None = None,
    metric: Literal["blood_pressure", "glucose", "spo2", "weight"] | None = None,
    days: int = 30,
) -> list[dict]:
    """List what a patient's devices and the patient uploaded in the last `days` days,
    newest first: readings (blood pressure 'systolic/diastolic mmHg', glucose 'mg/dL',
    spo2 '%', weight 'kg') and documents. Read values out as they are; never say whether
    a reading is good, bad or dangerous.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        upload_type: Optional filter, 'reading' or 'document'.
        metric: Optional reading metric filter.
        days: How far back to look, 1-365 days (default 30).

    Returns:
        Uploads with id (like 'U-501234'), time, value or document title, and whether it
        is already flagged for provider review.

    Raises:
        Unknown patient or days out of range.
    """
    patient = get_patient(ctx, patient_id)
    if not 1 <= days <= 365:
        raise ToolError("days must be between 1 and 365")
    query = select(Upload).where(
        Upload.patient_id == patient.patient_id,
        Upload.uploaded_at >= ctx.now - timedelta(days=days),
        Upload.uploaded_at <= ctx.now,
    )
    if upload_type is not None:
        query = query.where(Upload.upload_type == upload_type)
    if metric is not None:
        query = query.where(Upload.metric == metric)
    rows = ctx.session.scalars(query.order_by(Upload.uploaded_at.desc(), Upload.upload_id))
    return [_upload_view(u) for u in rows]


@tool(writes=False)
def get_latest_readings(ctx: ToolContext, patient_id: str) -> dict:
    """The most recent reading of each metric a patient's devices send (whatever its age).

    Args:
        patient_id: The patient id, e.g. 'P-100331'.

    Returns:
        metric -> the latest reading (id, time, value). Empty when there are none.

    Raises:
        Unknown patient.
    """
    patient = get_patient(ctx, patient_id)
    rows = ctx.session.scalars(
        select(Upload)
        .where(
            Upload.patient_id == patient.patient_id,
            Upload.upload_type == "reading",
            Upload.uploaded_at <= ctx.now,
        )
        .order_by(Upload.uploaded_at.desc(), Upload.upload_id.desc())
    )
    latest: dict[str, Any] = {}
    for upload in rows:
        if upload.metric and upload.metric not in latest:
            latest[upload.metric] = _upload_view(upload)
    return {"patient_id": patient.patient_id, "latest": dict(sorted(latest.items()))}


@tool(writes=True)
def flag_reading_for_review(ctx: ToolContext, patient_id: str, upload_id: str) -> dict:
    """Flag one of the patient's device readings so their care team reviews it (within 2
    business days; this is not an emergency service). Only readings (not documents)
    uploaded in the last 30 days can be flagged, and each only once.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        upload_id: The reading's upload id, e.g. 'U-501234' (see list_uploads).

    Returns:
        The flagged reading.

    Raises:
        Unknown upload, an upload of another patient, a document, a reading older than
        30 days, or a reading that is already flagged.
    """
    patient = verified_patient(ctx, patient_id)
    upload = ctx.session.get(Upload, upload_id.strip().upper())
    if upload is None:
        raise ToolError(f"no upload {upload_id!r} (upload ids look like 'U-501234')")
    if upload.patient_id != patient.patient_id:
        raise ToolError(
            f"upload {upload.upload_id} does not belong to patient {patient.patient_id}"
        )
    if upload.upload_type != "reading":
        raise ToolError(f"upload {upload.upload_id} is a document; only readings can be flagged")
    if upload.uploaded_at < ctx.now - timedelta(days=FLAG_WINDOW_DAYS):
        raise ToolError(
            f"reading {upload.upload_id} is from {iso(upload.uploaded_at)}, more than "
            f"{FLAG_WINDOW_DAYS} days ago; only recent readings can be flagged"
        )
    if upload.flagged:
        raise ToolError(f"reading {upload.upload_id} is already flagged for review")
    upload.flagged = True
    upload.flagged_at = ctx.now
    ctx.session.flush()
    return _upload_view(upload)
