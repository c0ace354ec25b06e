"""Support tools: network outages and support tickets."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import OUTAGE_CREDIT_WINDOW_DAYS, service_of
from ..schema import Outage, OutageReport, Ticket, TicketNote
from .common import (
    get_account,
    iso,
    outage_dict,
    owned_line,
    owned_ticket,
    unique_id,
    verified_account,
)

# issue code -> (category, subject, priority)
ISSUES: dict[str, tuple[str, str, str]] = {
    "no_service": ("network", "No service on the line", "high"),
    "intermittent_service": ("network", "Service drops in and out", "normal"),
    "slow_speeds": ("network", "Speeds well below the plan", "normal"),
    "device_fault": ("device", "Device not working properly", "normal"),
    "sim_not_detected": ("device", "SIM card not detected", "high"),
    "roaming_not_working": ("plan", "Roaming not working abroad", "high"),
    "plan_feature_not_working": ("plan", "A plan feature or add-on is not working", "normal"),
    "billing_dispute": ("billing", "Disputed charge needs billing team review", "normal"),
    "payment_problem": ("billing", "Problem with a payment", "normal"),
    "account_update": ("account", "Account details need updating", "low"),
}
IssueCode = Literal[
    "no_service",
    "intermittent_service",
    "slow_speeds",
    "device_fault",
    "sim_not_detected",
    "roaming_not_working",
    "plan_feature_not_working",
    "billing_dispute",
    "payment_problem",
    "account_update",
]
UNRESOLVED = ("open", "in_progress")


def _ticket_dict(ctx: ToolContext, ticket: Ticket) -> dict[str, Any]:
    notes = ctx.session.scalars(
        select(TicketNote)
        .where(TicketNote.ticket_id == ticket.ticket_id)
        .order_by(TicketNote.created_at, TicketNote.note_id)
    )
    return {
        "ticket_id": ticket.ticket_id,
        "line_id": ticket.line_id,
        "category": ticket.category,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "notes": [
            {"created_at": iso(n.created_at), "author": n.author, "text": n.text} for n in notes
        ],
    }


def _add_note(ctx: ToolContext, ticket: Ticket, text: str) -> None:
    ctx.session.flush()
    count = len(
        list(
            ctx.session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket.ticket_id))
        )
    )
    ctx.session.add(
        TicketNote(
            note_id=unique_id(ctx, TicketNote.note_id, f"{ticket.ticket_id}-N{count + 1}"),
            ticket_id=ticket.ticket_id,
            created_at=ctx.now,
            author="customer_care",
            text=text,
        )
    )
    ticket.updated_at = ctx.now


@tool(writes=False)
def check_outages(ctx: ToolContext, zip_code: str) -> dict[str, Any]:
    """Known network outages in one zip code: every active outage (with its estimated
    restore time) and those resolved in the last 60 days. duration_days counts started
    24-hour periods (26 hours -> 2), the figure outage credits use.

    Args:
        zip_code: A 5-digit zip code, e.g. '73104' (a line's service_zip or the account's
            zip code).

    Raises:
        The zip code is not 5 digits.
    """
    zip_code = zip_code.strip()
    if not re.fullmatch(r"\d{5}", zip_code):
        raise ToolError(f"{zip_code!r} is not a 5-digit zip code")
    since = ctx.now - timedelta(days=OUTAGE_CREDIT_WINDOW_DAYS)
    outages = ctx.session.scalars(
        select(Outage).where(Outage.zip_code == zip_code).order_by(Outage.started_at.desc())
    )
    shown = [
        outage_dict(o, ctx.now)
        for o in outages
        if o.status == "active" or (o.resolved_at is not None and o.resolved_at >= since)
    ]
    return {"zip_code": zip_code, "outages": shown}


@tool(writes=True)
def report_outage(ctx: ToolContext, account_id: str, line_id: str) -> dict[str, Any]:
    """Register a customer's line as affected by a known ACTIVE outage in its service zip
    code, so the customer is notified when service is restored. If there is no active
    outage for the line's network (home internet, or mobile for phones and watches) in that
    zip code, troubleshoot and open a ticket instead.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The affected line, e.g. 'LN40211'.

    Returns:
        The report id and the outage with its estimated restore time.

    Raises:
        No active outage matches the line, or the line is already registered for it (R19).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    service = service_of(line.line_type)
    outage = ctx.session.scalar(
        select(Outage)
        .where(
            Outage.zip_code == line.service_zip,
            Outage.service == service,
            Outage.status == "active",
        )
        .order_by(Outage.started_at)
    )
    if outage is None:
        raise ToolError(
            f"no active {service} outage is known in zip {line.service_zip}; this is not a "
            "known outage: troubleshoot and open a ticket instead (R19)"
        )
    duplicate = ctx.session.scalar(
        select(OutageReport).where(
            OutageReport.outage_id == outage.outage_id, OutageReport.line_id == line.line_id
        )
    )
    if duplicate is not None:
        raise ToolError(
            f"line {line.line_id} is already registered for outage {outage.outage_id} "
            f"(report {duplicate.report_id}) (R19)"
        )
    report = OutageReport(
        report_id=unique_id(ctx, OutageReport.report_id, f"OR-{outage.outage_id}-{line.line_id}"),
        outage_id=outage.outage_id,
        account_id=account.account_id,
        line_id=line.line_id,
        reported_at=ctx.now,
        description="Registered by customer care; customer will be notified on restore.",
    )
    ctx.session.add(report)
    return {"report_id": report.report_id, "outage": outage_dict(outage, ctx.now)}


@tool(writes=False)
def list_tickets(ctx: ToolContext, account_id: str) -> list[dict[str, Any]]:
    """Every support ticket of the account, newest first, with its status ('open',
    'in_progress', 'resolved' or 'closed') and its notes.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
    """
    account = get_account(ctx, account_id)
    tickets = ctx.session.scalars(
        select(Ticket)
        .where(Ticket.account_id == account.account_id)
        .order_by(Ticket.created_at.desc())
    )
    return [_ticket_dict(ctx, t) for t in tickets]


@tool(writes=True)
def open_ticket(
    ctx: ToolContext, account_id: str, issue: IssueCode, line_id: str | None = None
) -> dict[str, Any]:
    """Open a support ticket for a problem you cannot fix in this conversation. The issue
    code sets the category, subject and priority:
    network: no_service (high), intermittent_service, slow_speeds;
    device: device_fault, sim_not_detected (high);
    plan: roaming_not_working (high), plan_feature_not_working;
    billing: billing_dispute, payment_problem;
    account: account_update (low).
    Network, device and plan issues concern one line (give line_id); billing and account
    issues concern the whole account (omit line_id).

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        issue: The issue code (see the list above).
        line_id: The affected line, e.g. 'LN40211', for network, device and plan issues;
            omit for billing and account issues.

    Raises:
        line_id missing or superfluous for the issue; the account already has an open or
        in-progress ticket in the same category for the same line (R18): update that one.
    """
    account = verified_account(ctx, account_id)
    category, subject, priority = ISSUES[issue]
    line = None
    if category in ("network", "device", "plan"):
        if line_id is None:
            raise ToolError(f"a {category} issue concerns one line: give line_id")
        line = owned_line(ctx, account, line_id)
    elif line_id is not None:
        raise ToolError(f"a {category} issue concerns the whole account: omit line_id")
    same_line = Ticket.line_id == line.line_id if line else Ticket.line_id.is_(None)
    existing = ctx.session.scalar(
        select(Ticket).where(
            Ticket.account_id == account.account_id,
            Ticket.category == category,
            same_line,
            Ticket.status.in_(UNRESOLVED),
        )
    )
    if existing is not None:
        raise ToolError(
            f"ticket {existing.ticket_id} ({existing.subject}) is already {existing.status} "
            f"for this {category} issue; update it instead of opening a new one (R18)"
        )
    ticket = Ticket(
        ticket_id=unique_id(
            ctx,
            Ticket.ticket_id,
            f"TK-{line.line_id if line else account.account_id}-{category.upper()}",
        ),
        account_id=account.account_id,
        line_id=line.line_id if line else None,
        category=category,
        subject=subject,
        status="open",
        priority=priority,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(ticket)
    ctx.session.flush()
    _add_note(ctx, ticket, f"Opened by customer care: {subject.lower()}.")
    ctx.session.flush()
    return _ticket_dict(ctx, ticket)


@tool(writes=True)
def update_ticket(
    ctx: ToolContext,
    account_id: str,
    ticket_id: str,
    new_status: Literal["in_progress", "resolved"],
) -> dict[str, Any]:
    """Move a ticket one step along its lifecycle: open -> in_progress (work has started),
    in_progress -> resolved (the problem is fixed), or resolved -> in_progress (reopen: the
    problem came back). A status note is added automatically. Use close_ticket to close.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        ticket_id: The ticket, e.g. 'TK30412' or 'TK-LN40211-NETWORK' (see list_tickets).
        new_status: 'in_progress' or 'resolved'.

    Raises:
        The ticket is closed, or the move skips a step or repeats the status (R17).
    """
    account = verified_account(ctx, account_id)
    ticket = owned_ticket(ctx, account, ticket_id)
    allowed = {"open": ("in_progress",), "in_progress": ("resolved",), "resolved": ("in_progress",)}
    if ticket.status == "closed":
        raise ToolError(f"ticket {ticket.ticket_id} is closed and cannot change (R17)")
    if new_status not in allowed.get(ticket.status, ()):
        raise ToolError(
            f"ticket {ticket.ticket_id} is {ticket.status}; it can move only to "
            f"{' or '.join(allowed[ticket.status])} (R17)"
        )
    old = ticket.status
    ticket.status = new_status
    _add_note(ctx, ticket, f"Status changed from {old} to {new_status} by customer care.")
    ctx.session.flush()
    return _ticket_dict(ctx, ticket)


@tool(writes=True)
def close_ticket(ctx: ToolContext, account_id: str, ticket_id: str) -> dict[str, Any]:
    """Close a resolved ticket once the customer confirms the problem is gone. Closed tickets
    are final.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        ticket_id: The ticket, e.g. 'TK30412' or 'TK-LN40211-NETWORK' (see list_tickets).

    Raises:
        The ticket is not 'resolved' (R17).
    """
    account = verified_account(ctx, account_id)
    ticket = owned_ticket(ctx, account, ticket_id)
    if ticket.status != "resolved":
        raise ToolError(
            f"ticket {ticket.ticket_id} is {ticket.status}; only a resolved ticket can be "
            "closed (R17)"
        )
    ticket.status = "closed"
    _add_note(ctx, ticket, "Closed by customer care after the customer confirmed the fix.")
    ctx.session.flush()
    return _ticket_dict(ctx, ticket)
