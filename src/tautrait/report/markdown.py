"""Markdown: ``report.md`` in a run folder, ``--format md`` and ``$GITHUB_STEP_SUMMARY``.

GitHub-flavoured: pipe tables, ``<details>`` for the long parts (flips), no HTML beyond
that and ``<br>``, so the page renders the same in a step summary, a PR comment or a
file viewer. The first table is the paper's Table 4 shape.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from tautrait.report import dose
from tautrait.report import numbers as n
from tautrait.report.diagnostics import markdown_lines
from tautrait.report.expression import markdown as expression_markdown
from tautrait.report.schema import (
    ArmStats,
    Comparison,
    Delta,
    EpisodeRef,
    Flip,
    Report,
    Row,
    over_limit_warnings,
)

MAX_FLIPS = 50
"""Flips listed per delta before '... and N more' (the JSON and HTML have them all)."""


def _esc(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(_esc(h) for h in header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(cell for cell in row) + " |" for row in rows]
    return lines


def _level(alpha: float) -> str:
    return f"{(1 - alpha) * 100:g}%"


def delta_table(report: Report) -> list[str]:
    """Rows domain x agent, columns traits + average, cells %-delta [CI] and points."""
    header = ["domain", "agent", *report.traits, "average"]
    rows = []
    for row in report.rows:
        by_arm = {d.arm: d for d in row.deltas}
        cells = [_esc(row.domain), _esc(row.label)]
        for trait in report.traits:
            d = by_arm.get(trait)
            cells.append("" if d is None else f"{n.rel_cell(d)}<br>{n.abs_cell(d)}")
        cells.append(n.average_cell(row.average_rel_delta_pct, row.average_ci))
        rows.append(cells)
    return _table(header, rows, "ll" + "r" * (len(report.traits) + 1))


def _arm_rows(arms: list[ArmStats]) -> tuple[list[str], list[list[str]]]:
    ks = sorted({p.k for a in arms for p in a.pass_hat_k})
    header = [
        "arm",
        "tasks",
        "episodes",
        "completed",
        "infra errors",
        "pass rate",
        "CI",
        "mean reward",
        *[f"pass^{k}" for k in ks],
        "agent tokens",
        "user tokens",
        "agent cost",
        "user cost",
    ]
    rows = []
    for a in arms:
        hat = {p.k: p.value for p in a.pass_hat_k}
        rows.append(
            [
                _esc(a.arm),
                str(a.tasks),
                str(a.episodes),
                str(a.completed),
                str(a.infra_errors),
                n.pct(a.pass_rate),
                f"{n.rate_interval(a.pass_rate_ci)} {a.ci_method or ''}".strip(),
                "n/a" if a.mean_reward is None else f"{a.mean_reward:.3f}",
                *[n.pct(hat.get(k)) for k in ks],
                f"{a.agent.prompt_tokens + a.agent.completion_tokens:,}",
                f"{a.user.prompt_tokens + a.user.completion_tokens:,}",
                n.money(a.agent.cost),
                n.money(a.user.cost),
            ]
        )
    return header, rows


def _delta_rows(deltas: list[Delta], reference: str) -> tuple[list[str], list[list[str]]]:
    header = [
        "arm",
        "paired tasks",
        "pairs",
        "infra-excluded pairs",
        reference,
        "arm",
        "Δ points [CI]",
        "%Δ [CI]",
        "test",
        "lost / gained tasks",
        "p",
        "Holm p",
        "min detectable Δ",
    ]
    rows = []
    for d in deltas:
        rows.append(
            [
                _esc(d.arm),
                str(d.paired_tasks),
                str(d.paired_episodes),
                str(d.excluded_infra),
                n.pct(d.baseline_rate),
                n.pct(d.arm_rate),
                f"{n.points(d.abs_delta)} {n.interval(d.abs_ci, 100)}".strip(),
                n.rel_cell(d),
                n.test_name(d),
                f"{d.worse} / {d.better}",
                n.p_value(d.p_value),
                n.p_value(d.p_holm),
                n.mdd(d),
            ]
        )
    return header, rows


def _link(ref: EpisodeRef, base: Path | None) -> str:
    """A link to the trajectory: its line of episodes.jsonl (``#L12``), relative to
    ``base`` (the folder the Markdown is written to) when given."""
    label = n.where(ref.source, ref.line, ref.index)
    target = ref.source
    if base is not None:
        try:
            target = os.path.relpath(Path(ref.source).resolve(), base.resolve())
        except ValueError:  # another drive on Windows
            target = ref.source
    anchor = f"#L{ref.line}" if ref.line is not None else ""
    return f"[{_esc(label)}]({quote(target.replace(os.sep, '/'))}{anchor})"


def _flip_lines(d: Delta, a_name: str, b_name: str, base: Path | None) -> list[str]:
    if not d.flips:
        return []
    lost = sum(f.direction == "lost" for f in d.flips)
    gained = len(d.flips) - lost
    out = [
        "<details>",
        f"<summary>{_esc(d.arm)}: {lost} episode pair(s) lost (pass in {a_name}, fail in "
        f"{b_name}), {gained} gained</summary>",
        "",
    ]

    def ref(f: Flip, side: str) -> str:
        return _link(f.baseline if side == "a" else f.trait, base)

    rows = [
        [
            f.direction,
            _esc(f.task_id),
            str(f.trial),
            f"`{_esc(f.run_id)}`",
            ("pass " if f.direction == "lost" else "fail ") + ref(f, "a"),
            ("fail " if f.direction == "lost" else "pass ") + ref(f, "b"),
        ]
        for f in d.flips[:MAX_FLIPS]
    ]
    out += _table(["flip", "task", "trial", "run", a_name, b_name], rows, "llrlll")
    if len(d.flips) > MAX_FLIPS:
        out.append(f"\n... and {len(d.flips) - MAX_FLIPS} more (see the JSON or HTML report)")
    out += ["", "</details>", ""]
    return out


def _row_section(row: Row, alpha: float, base: Path | None) -> list[str]:
    out = [f"## {_esc(row.domain)} / {_esc(row.label)}", ""]
    out.append(
        f"Agent `{row.agent}`"
        + (f" at temperature {row.temperature:g}" if row.temperature is not None else "")
        + f"; user simulator `{row.user}`; {len(row.tasks)} task(s); run(s) "
        + ", ".join(f"`{r}`" for r in row.runs)
        + "."
    )
    out.append("")
    header, rows = _arm_rows(row.arms)
    out += _table(header, rows)
    out.append("")
    if row.deltas:
        out.append(
            f"Trait effect, paired with the same run's baseline by (task, trial); "
            f"{_level(alpha)} paired-bootstrap CIs over tasks; Holm across this row's traits."
        )
        out.append("")
        header, rows = _delta_rows(row.deltas, "baseline")
        out += _table(header, rows, "l" + "r" * 12)
        out.append("")
        for d in row.deltas:
            out += _flip_lines(d, "baseline", d.arm, base)
    out += dose.markdown_lines(row, alpha)
    out += markdown_lines(row)
    return out


def _legend(alpha: float) -> list[str]:
    return [
        f"Cells: relative change of the pass rate against the same run's baseline on paired "
        f"(task, trial) episodes (the paper's %-delta) with its {_level(alpha)} "
        "paired-bootstrap CI over tasks, and the absolute change in points. "
        f"`{n.SIGNIFICANT_MARK}`: Holm-corrected paired test significant at α = {alpha:g} "
        "(McNemar's exact test when each task ran once, a sign test over tasks otherwise). "
        "n/a: the baseline pass rate is 0, so a relative change is undefined. "
        "Average: the mean of the row's %-deltas.",
    ]


def render_markdown(report: Report, link_base: Path | None = None) -> str:
    """The whole report as GitHub-flavoured Markdown.

    Flips link to their trajectories' lines in ``episodes.jsonl``; with ``link_base``
    (the folder the file is written to) the links are relative to it, so they work in a
    repository or file viewer. In a step summary, where no relative link resolves, the
    link text still names the file and line.
    """
    out = ["# tautrait report", ""]
    out.append(
        f"{len(report.runs)} run(s); α = {report.alpha:g}; bootstrap "
        f"{report.bootstrap.resamples:,} resamples over tasks (seed {report.bootstrap.seed}). "
        f"Recomputed from the episodes by {report.generator}."
    )
    out.append("")
    for warning in over_limit_warnings(report.runs):
        out += [f"> **{_esc(warning)}**", ""]
    out.append(
        f"**Infrastructure errors: {report.infra_errors}** (excluded from every score, from "
        "both arms of a pair alike; see `status` and `error` in the episodes)."
    )
    out.append("")
    if report.traits:
        out += ["## Reward delta per trait (%Δ vs. baseline)", ""]
        out += delta_table(report)
        out.append("")
        out += _legend(report.alpha)
        out.append("")
    for row in report.rows:
        out += _row_section(row, report.alpha, link_base)
    out += expression_markdown(report)
    out += ["## Runs", ""]
    run_rows = [
        [
            f"`{_esc(r.run_id)}`",
            r.kind,
            _esc(r.domain),
            _esc(r.agent),
            _esc(r.user),
            ", ".join(_esc(a) for a in r.arms),
            str(len(r.task_ids)),
            str(r.episodes),
            _esc(r.source),
        ]
        for r in report.runs
    ]
    out += _table(
        ["run", "kind", "domain", "agent", "user", "arms", "tasks", "episodes", "source"],
        run_rows,
        "llllllrrl",
    )
    out.append("")
    if report.notes:
        out += ["## Notes", ""] + [f"- {_esc(note)}" for note in report.notes] + [""]
    return "\n".join(out).rstrip() + "\n"


def render_comparison_markdown(c: Comparison, link_base: Path | None = None) -> str:
    """``tautrait compare --format md``."""
    verdict = "**regression**" if c.regression else "no regression"
    limit = f"-{c.max_drop:g}" if c.max_drop else "0"
    out = [
        "# tautrait compare",
        "",
        f"B `{c.run_b.run_id}` ({_esc(c.run_b.agent)}) against A `{c.run_a.run_id}` "
        f"({_esc(c.run_a.agent)}) on {len(c.tasks)} {_esc(c.run_a.domain)} task(s): {verdict}.",
        "",
        f"Regression: the {_level(c.alpha)} paired-bootstrap CI of B - A lies below "
        f"{limit} points, or the Holm-corrected paired test is significant at "
        f"α = {c.alpha:g} with B below A.",
        "",
    ]
    deltas = [arm.delta for arm in c.arms]
    header, rows = _delta_rows(deltas, "A")
    header[0], header[5] = "arm (A → B)", "B"
    for arm, cells in zip(c.arms, rows, strict=True):
        cells[0] = _esc(arm.arm_a if arm.arm_a == arm.arm_b else f"{arm.arm_a} → {arm.arm_b}")
        cells.append("**regression**: " + "; ".join(arm.reasons) if arm.regression else "ok")
    out += _table([*header, "verdict"], rows, "l" + "r" * 12 + "l")
    out.append("")
    for arm in c.arms:
        out += _flip_lines(arm.delta, "A", "B", link_base)
    infra = sum(d.excluded_infra for d in deltas)
    out.append(f"**Infrastructure errors:** {infra} pair(s) excluded from both runs alike.")
    out.append("")
    if c.notes:
        out += ["## Notes", ""] + [f"- {_esc(note)}" for note in c.notes] + [""]
    return "\n".join(out).rstrip() + "\n"
