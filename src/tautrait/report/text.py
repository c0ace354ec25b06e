"""The terminal format (``--format text``, the default): rich tables, rendered to a string.

Rendered without colour or terminal codes so the same text can be piped, saved with
``--out`` or compared in a test; ``width`` is the table width in characters.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from tautrait.report import numbers as n
from tautrait.report.schema import Comparison, Delta, Report, Row, over_limit_warnings

WIDTH = 160
MAX_FLIPS = 10


def _console(width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=width, color_system=None, force_terminal=False), buffer


def _delta_table(report: Report) -> Table:
    table = Table(title="Reward delta per trait (%Δ vs. baseline)", title_justify="left")
    table.add_column("domain")
    table.add_column("agent")
    for trait in report.traits:
        table.add_column(trait, justify="right")
    table.add_column("average", justify="right")
    for row in report.rows:
        by_arm = {d.arm: d for d in row.deltas}
        cells = []
        for trait in report.traits:
            d = by_arm.get(trait)
            cells.append("" if d is None else f"{n.rel_cell(d)}\n{n.abs_cell(d)}")
        table.add_row(
            row.domain,
            row.label,
            *cells,
            n.average_cell(row.average_rel_delta_pct, row.average_ci),
        )
    return table


def _arms_table(row: Row) -> Table:
    ks = sorted({p.k for a in row.arms for p in a.pass_hat_k})
    table = Table(title=f"{row.domain} / {row.label}: arms", title_justify="left")
    for column in ("arm", "tasks", "episodes", "infra errors", "pass rate", "CI"):
        table.add_column(column, justify="left" if column == "arm" else "right")
    for k in ks:
        table.add_column(f"pass^{k}", justify="right")
    for column in ("agent tokens", "user tokens", "agent cost", "user cost"):
        table.add_column(column, justify="right")
    for a in row.arms:
        hat = {p.k: p.value for p in a.pass_hat_k}
        table.add_row(
            a.arm,
            str(a.tasks),
            str(a.episodes),
            str(a.infra_errors),
            n.pct(a.pass_rate),
            f"{n.rate_interval(a.pass_rate_ci)} {a.ci_method or ''}".strip(),
            *[n.pct(hat.get(k)) for k in ks],
            f"{a.agent.prompt_tokens + a.agent.completion_tokens:,}",
            f"{a.user.prompt_tokens + a.user.completion_tokens:,}",
            n.money(a.agent.cost),
            n.money(a.user.cost),
        )
    return table


def _deltas_table(deltas: list[Delta], title: str, reference: str, other: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in (
        "arm",
        "tasks",
        "infra-excl.",
        reference,
        other,
        "Δ points [CI]",
        "%Δ [CI]",
        "test",
        "lost/gained",
        "p",
        "Holm p",
        "min detect.",
    ):
        table.add_column(column, justify="left" if column in ("arm", "test") else "right")
    for d in deltas:
        table.add_row(
            d.arm,
            str(d.paired_tasks),
            str(d.excluded_infra),
            n.pct(d.baseline_rate),
            n.pct(d.arm_rate),
            f"{n.points(d.abs_delta)} {n.interval(d.abs_ci, 100)}".strip(),
            n.rel_cell(d),
            n.test_name(d),
            f"{d.worse}/{d.better}",
            n.p_value(d.p_value),
            n.p_value(d.p_holm),
            n.mdd(d),
        )
    return table


def _flips(console: Console, d: Delta, a_name: str, b_name: str) -> None:
    if not d.flips:
        return
    lost = [f for f in d.flips if f.direction == "lost"]
    gained = [f for f in d.flips if f.direction == "gained"]
    console.print(
        f"{d.arm}: {len(lost)} episode pair(s) lost (pass in {a_name}, fail in {b_name}), "
        f"{len(gained)} gained"
    )
    for f in d.flips[:MAX_FLIPS]:
        console.print(
            f"  {f.direction:6} {f.task_id} trial {f.trial}: "
            f"{f.baseline.run_id} {n.where(f.baseline.source, f.baseline.line, f.baseline.index)}"
            f" vs {f.trait.run_id} {n.where(f.trait.source, f.trait.line, f.trait.index)}",
            highlight=False,
        )
    if len(d.flips) > MAX_FLIPS:
        console.print(f"  ... and {len(d.flips) - MAX_FLIPS} more (--format json or html)")


def render_text(report: Report, width: int = WIDTH) -> str:
    console, buffer = _console(width)
    console.print(
        f"tautrait report: {len(report.runs)} run(s), α = {report.alpha:g}, "
        f"{report.bootstrap.resamples:,} bootstrap resamples over tasks",
        highlight=False,
    )
    for line in over_limit_warnings(report.runs):
        console.print(f"[bold red]{line}[/bold red]", highlight=False)
    console.print(
        f"infrastructure errors: {report.infra_errors} (excluded from every score)",
        highlight=False,
    )
    if report.traits:
        console.print(_delta_table(report))
        console.print(
            f"{n.SIGNIFICANT_MARK} Holm-corrected paired test significant at α = "
            f"{report.alpha:g}; n/a: baseline pass rate 0",
            highlight=False,
        )
    for row in report.rows:
        console.print()
        console.print(_arms_table(row))
        if row.deltas:
            console.print(
                _deltas_table(row.deltas, f"{row.domain} / {row.label}: deltas", "base", "arm")
            )
            for d in row.deltas:
                _flips(console, d, "baseline", d.arm)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    return buffer.getvalue()


def render_comparison_text(c: Comparison, width: int = WIDTH) -> str:
    console, buffer = _console(width)
    console.print(
        f"compare B {c.run_b.run_id} ({c.run_b.agent}) against A {c.run_a.run_id} "
        f"({c.run_a.agent}) on {len(c.tasks)} task(s)",
        highlight=False,
    )
    deltas = []
    for arm in c.arms:
        d = arm.delta.model_copy()
        d.arm = arm.arm_a if arm.arm_a == arm.arm_b else f"{arm.arm_a} -> {arm.arm_b}"
        deltas.append(d)
    console.print(_deltas_table(deltas, "B - A per arm", "A", "B"))
    for arm in c.arms:
        _flips(console, arm.delta, "A", "B")
    infra = sum(arm.delta.excluded_infra for arm in c.arms)
    console.print(
        f"infrastructure errors: {infra} pair(s) excluded from both runs", highlight=False
    )
    for note in c.notes:
        console.print(f"note: {note}", highlight=False)
    for arm in c.arms:
        status = "REGRESSION: " + "; ".join(arm.reasons) if arm.regression else "ok"
        console.print(f"{arm.arm_b}: {status}", highlight=False)
    console.print(
        "verdict: REGRESSION (exit 1)" if c.regression else "verdict: no regression (exit 0)",
        highlight=False,
    )
    return buffer.getvalue()
