"""Line tools: the plan and add-on catalogue, line details, plan changes, add-ons and
roaming passes, suspending and resuming a line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import PLAN_CHANGE_COOLDOWN_DAYS, ROAMING_LEAD_DAYS
from ..schema import Addon, Device, Line, LineAddon, Plan, UsageRecord
from .common import (
    addon_dict,
    clean_id,
    device_dict,
    fmt_money,
    get_account,
    iso,
    line_addon_dict,
    line_summary,
    overdue_invoices,
    owned_line,
    parse_date,
    plan_dict,
    plan_of,
    unique_id,
    verified_account,
)

LineType = Literal["mobile", "home_internet", "wearable"]


def _require_changeable(line: Line) -> None:
    """R6: a suspended line's plan and add-ons are frozen."""
    if line.status != "active":
        raise ToolError(
            f"line {line.line_id} is {line.status} ({line.suspension_reason}); its plan, "
            "add-ons and roaming passes cannot be changed until it is resumed (R6)"
        )


def _require_no_overdue(ctx: ToolContext, account_id: str, what: str) -> None:
    """R4: no plan changes or new add-ons while an invoice is overdue."""
    overdue = overdue_invoices(ctx, account_id)
    if overdue:
        ids = ", ".join(i.invoice_id for i in overdue)
        raise ToolError(
            f"account {account_id} has an overdue invoice ({ids}); {what} is not allowed "
            "until it is paid (R4)"
        )


@tool(writes=False)
def list_plans(ctx: ToolContext, line_type: LineType) -> list[dict[str, Any]]:
    """The plans currently offered for one type of line, with monthly prices (strings in
    dollars). Legacy plans are not listed: nobody can move onto them.

    Args:
        line_type: 'mobile' (phones), 'home_internet' or 'wearable' (smartwatches).
    """
    plans = ctx.session.scalars(
        select(Plan)
        .where(Plan.line_type == line_type, Plan.available.is_(True))
        .order_by(Plan.monthly_price)
    )
    return [plan_dict(p) for p in plans]


@tool(writes=False)
def list_addons(
    ctx: ToolContext,
    line_type: LineType,
    kind: Literal["feature", "roaming_pass"] | None = None,
) -> list[dict[str, Any]]:
    """The add-ons currently offered for one type of line. Features are billed monthly;
    roaming passes are billed once per pass and last duration_days from their start date.

    Args:
        line_type: 'mobile', 'home_internet' or 'wearable'.
        kind: Only 'feature' or only 'roaming_pass'; omit for both.
    """
    query = select(Addon).where(Addon.line_type == line_type, Addon.available.is_(True))
    if kind is not None:
        query = query.where(Addon.kind == kind)
    return [addon_dict(a) for a in ctx.session.scalars(query.order_by(Addon.addon_id))]


@tool(writes=False)
def get_line_details(ctx: ToolContext, account_id: str, line_id: str) -> dict[str, Any]:
    """Everything about one line: its plan, status, add-ons and roaming passes (active,
    scheduled, expired and removed), devices (phone, watch, router, SIM) and usage in the
    current and previous billing cycle (data in GB).

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line, e.g. 'LN40211' (see get_account_details).

    Raises:
        Unknown line, or the line belongs to another account (R2).
    """
    account = get_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    addons = ctx.session.scalars(
        select(LineAddon)
        .where(LineAddon.line_id == line.line_id)
        .order_by(LineAddon.start_date, LineAddon.line_addon_id)
    )
    devices = ctx.session.scalars(
        select(Device).where(Device.line_id == line.line_id).order_by(Device.device_id)
    )
    usage = ctx.session.scalars(
        select(UsageRecord)
        .where(UsageRecord.line_id == line.line_id)
        .order_by(UsageRecord.cycle_start.desc())
    )
    today = ctx.now.date()
    return {
        **line_summary(ctx, line),
        "plan": plan_dict(plan_of(ctx, line)),
        "suspended_on": iso(line.suspended_on),
        "service_address": line.service_street,
        "service_zip": line.service_zip,
        "activated_on": iso(line.activated_on),
        "last_plan_change": iso(line.last_plan_change),
        "last_sim_swap": iso(line.last_sim_swap),
        "addons": [line_addon_dict(ctx, la) for la in addons],
        "devices": [device_dict(d, today) for d in devices],
        "usage": [
            {
                "cycle_start": iso(u.cycle_start),
                "cycle_end": iso(u.cycle_end),
                "data_gb": round(u.data_gb, 2),
                "voice_minutes": u.voice_minutes,
                "texts": u.texts,
            }
            for u in usage
        ],
    }


@tool(writes=True)
def change_plan(
    ctx: ToolContext, account_id: str, line_id: str, new_plan_id: str
) -> dict[str, Any]:
    """Move a line to another plan, effective today; the new monthly price applies from the
    next invoice.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line to change, e.g. 'LN40211'.
        new_plan_id: A currently offered plan for the line's type, e.g. 'MOB-HZN'
            (see list_plans).

    Raises:
        The line is suspended (R6); an invoice is overdue (R4); the plan is unknown, not
        offered any more, for another line type or already the line's plan (R3); the
        line's plan was changed in the last 30 days (R5).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    _require_changeable(line)
    _require_no_overdue(ctx, account.account_id, "a plan change")
    plan = ctx.session.get(Plan, clean_id(new_plan_id))
    if plan is None:
        raise ToolError(f"no plan with id {new_plan_id!r}; see list_plans for plan ids")
    if plan.line_type != line.line_type:
        raise ToolError(
            f"plan {plan.plan_id} is a {plan.line_type} plan; line {line.line_id} is a "
            f"{line.line_type} line (R3)"
        )
    if not plan.available:
        raise ToolError(f"plan {plan.plan_id} ({plan.name}) is no longer offered (R3)")
    if plan.plan_id == line.plan_id:
        raise ToolError(f"line {line.line_id} is already on {plan.name} (R3)")
    today = ctx.now.date()
    if line.last_plan_change is not None:
        allowed = line.last_plan_change + timedelta(days=PLAN_CHANGE_COOLDOWN_DAYS)
        if today < allowed:
            raise ToolError(
                f"line {line.line_id} changed plan on {line.last_plan_change.isoformat()}; "
                f"the next change is possible from {allowed.isoformat()} (R5)"
            )
    old = plan_of(ctx, line)
    line.plan_id = plan.plan_id
    line.last_plan_change = today
    return {
        "line_id": line.line_id,
        "old_plan": {"plan_id": old.plan_id, "monthly_price": fmt_money(old.monthly_price)},
        "new_plan": {"plan_id": plan.plan_id, "monthly_price": fmt_money(plan.monthly_price)},
        "effective": today.isoformat(),
    }


@tool(writes=True)
def add_addon(
    ctx: ToolContext,
    account_id: str,
    line_id: str,
    addon_id: str,
    start_date: str | None = None,
) -> dict[str, Any]:
    """Put an add-on or a roaming pass on a line. A feature starts today and is billed
    on every invoice while active. A roaming pass needs a start_date (today up to 60 days
    ahead), runs for its duration_days including the start day, and is billed once, on the
    first invoice issued after it starts.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line, e.g. 'LN40211'.
        addon_id: An offered add-on for the line's type, e.g. 'ADD-HOTSPOT20' or 'RP-EU7'
            (see list_addons).
        start_date: Roaming passes only: the first day of the pass, 'YYYY-MM-DD'. Omit it
            for features.

    Returns:
        The new line add-on with its line_addon_id (e.g. 'LA-LN40211-RP-EU7-20260701')
        and its dates.

    Raises:
        The line is suspended (R6); an invoice is overdue (R4); the add-on is unknown, not
        offered, for another line type, already active on the line, or the pass dates are
        outside the window or overlap another pass on the line (R8).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    _require_changeable(line)
    _require_no_overdue(ctx, account.account_id, "adding an add-on or roaming pass")
    addon = ctx.session.get(Addon, clean_id(addon_id))
    if addon is None:
        raise ToolError(f"no add-on with id {addon_id!r}; see list_addons")
    if addon.line_type != line.line_type:
        raise ToolError(
            f"{addon.name} is for {addon.line_type} lines; line {line.line_id} is a "
            f"{line.line_type} line (R8)"
        )
    if not addon.available:
        raise ToolError(f"{addon.name} is no longer offered (R8)")
    today = ctx.now.date()
    existing = list(
        ctx.session.scalars(
            select(LineAddon).where(
                LineAddon.line_id == line.line_id,
                LineAddon.status.in_(("active", "scheduled")),
            )
        )
    )
    if addon.kind == "feature":
        if start_date is not None:
            raise ToolError(f"{addon.name} is a monthly feature: it starts today, omit start_date")
        if any(la.addon_id == addon.addon_id for la in existing):
            raise ToolError(f"{addon.name} is already active on line {line.line_id} (R8)")
        start, end, status = today, None, "active"
    else:
        if start_date is None:
            raise ToolError(f"{addon.name} is a roaming pass: give its start_date (YYYY-MM-DD)")
        start = parse_date(start_date, "start_date")
        latest = today + timedelta(days=ROAMING_LEAD_DAYS)
        if start < today or start > latest:
            raise ToolError(
                f"a roaming pass must start between {today.isoformat()} and "
                f"{latest.isoformat()} (R8)"
            )
        assert addon.duration_days is not None
        end = start + timedelta(days=addon.duration_days - 1)
        for la in existing:
            other = ctx.session.get(Addon, la.addon_id)
            if other is None or other.kind != "roaming_pass" or la.end_date is None:
                continue
            if la.start_date <= end and start <= la.end_date:
                raise ToolError(
                    f"{addon.name} from {start.isoformat()} to {end.isoformat()} overlaps "
                    f"{other.name} ({la.line_addon_id}, {la.start_date.isoformat()} to "
                    f"{la.end_date.isoformat()}) on this line (R8)"
                )
        status = "active" if start == today else "scheduled"
    row = LineAddon(
        line_addon_id=unique_id(
            ctx, LineAddon.line_addon_id, f"LA-{line.line_id}-{addon.addon_id}-{start:%Y%m%d}"
        ),
        line_id=line.line_id,
        addon_id=addon.addon_id,
        status=status,
        start_date=start,
        end_date=end,
        added_on=today,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return line_addon_dict(ctx, row)


@tool(writes=True)
def remove_addon(
    ctx: ToolContext, account_id: str, line_id: str, line_addon_id: str
) -> dict[str, Any]:
    """Remove a feature add-on (effective today, no further monthly charges) or cancel a
    roaming pass that has not started yet (it is then not billed).

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line, e.g. 'LN40211'.
        line_addon_id: The add-on instance on the line, e.g. 'LA52113' or
            'LA-LN40211-RP-EU7-20260701' (from get_line_details), not the catalogue
            addon_id such as 'RP-EU7'.

    Raises:
        The line is suspended (R6); the add-on is not on this line or not active/scheduled;
        the roaming pass has already started (R9).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    _require_changeable(line)
    row = ctx.session.get(LineAddon, clean_id(line_addon_id))
    if row is None or row.line_id != line.line_id:
        raise ToolError(
            f"line {line.line_id} has no add-on {line_addon_id!r}; use the line_addon_id "
            "from get_line_details (e.g. 'LA52113')"
        )
    if row.status not in ("active", "scheduled"):
        raise ToolError(f"{row.line_addon_id} is already {row.status}")
    addon = ctx.session.get(Addon, row.addon_id)
    assert addon is not None
    today = ctx.now.date()
    if addon.kind == "roaming_pass":
        if row.start_date <= today:
            raise ToolError(
                f"{addon.name} started on {row.start_date.isoformat()}; a roaming pass that "
                "has started cannot be removed or refunded (R9)"
            )
    else:
        row.end_date = today
    row.status = "removed"
    return line_addon_dict(ctx, row)


@tool(writes=True)
def suspend_line(
    ctx: ToolContext,
    account_id: str,
    line_id: str,
    reason: Literal["lost_or_stolen", "temporary_hold"],
) -> dict[str, Any]:
    """Suspend an active line at the customer's request. 'lost_or_stolen' also blocks the
    line's phone or watch (its status becomes 'lost'); 'temporary_hold' just pauses service
    (the plan is still billed).

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line, e.g. 'LN40211'.
        reason: 'lost_or_stolen' or 'temporary_hold'.

    Raises:
        The line is not active (R7).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    if line.status != "active":
        raise ToolError(
            f"line {line.line_id} is already {line.status} ({line.suspension_reason}) (R7)"
        )
    line.status = "suspended"
    line.suspension_reason = reason
    line.suspended_on = ctx.now.date()
    blocked = []
    if reason == "lost_or_stolen":
        devices = ctx.session.scalars(
            select(Device).where(
                Device.line_id == line.line_id,
                Device.kind.in_(("phone", "watch")),
                Device.status == "active",
            )
        )
        for device in devices:
            device.status = "lost"
            blocked.append(device.device_id)
    return {**line_summary(ctx, line), "blocked_devices": blocked}


@tool(writes=True)
def resume_line(ctx: ToolContext, account_id: str, line_id: str) -> dict[str, Any]:
    """Resume a suspended line. A line suspended for 'non_payment' can only be resumed once
    the account has no overdue invoice. Resuming does not unblock a phone reported lost.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The line, e.g. 'LN40211'.

    Raises:
        The line is not suspended, or it was suspended for non-payment and an invoice is
        still overdue (R7).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    if line.status != "suspended":
        raise ToolError(f"line {line.line_id} is {line.status}, not suspended (R7)")
    if line.suspension_reason == "non_payment":
        overdue = overdue_invoices(ctx, account.account_id)
        if overdue:
            ids = ", ".join(i.invoice_id for i in overdue)
            raise ToolError(
                f"line {line.line_id} was suspended for non-payment and invoice(s) {ids} "
                "are still overdue; they must be paid in full first (R7)"
            )
    line.status = "active"
    line.suspension_reason = None
    line.suspended_on = None
    return line_summary(ctx, line)
