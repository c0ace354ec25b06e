"""The fault-attribution and realism sections of a row, as Markdown and as HTML.

Kept apart from :mod:`tautrait.report.markdown` and :mod:`tautrait.report.html` so those
only call in: the numbers come from :mod:`tautrait.report.attribution`.
"""

from __future__ import annotations

from html import escape

from tautrait.report import numbers as n
from tautrait.report.schema import ArmRealism, EpisodeFault, Report, Row

MAX_REASONS = 30
"""Failed episodes listed with their reasons in Markdown (the JSON and HTML have all)."""

ATTRIBUTION_LEGEND = (
    "Failed episodes (completed, reward below 1) by whose fault they are, from "
    "deterministic checks on the trajectory: simulator when the user broke role, never "
    "gave a fact the task needs that its scenario holds, or stopped while the agent "
    "waited on it; agent when the failure stands where the user did its part; both when "
    "each side has a reason. Infrastructure errors are never attributed. The adjusted "
    "delta leaves out of both arms every (task, trial) pair in which either episode's "
    "failure involves the simulator."
)
REALISM_LEGEND = (
    "Words per user turn (mean / median / 90th percentile); MATTR: moving-average "
    "type-token ratio of each episode's user words over a window of {window} words, mean "
    "over episodes; front-loading: share of the scenario's key facts (emails, values with "
    "a digit) the first user turn already gives; role breaks: share of user turns that "
    "break role (the check the attribution uses)."
)


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _esc(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _fault_rows(row: Row) -> tuple[list[str], list[list[str]]]:
    a = row.attribution
    assert a is not None
    judged = any(c.judged for c in a.arms)
    header = ["arm", "failed", "agent", "simulator", "both"]
    if judged:
        header.append("judge (agent / simulator / both / none / unparsable / error)")
    rows = []
    for c in a.arms:
        cells = [_esc(c.arm), str(c.failed), str(c.agent), str(c.simulator), str(c.both)]
        if judged:
            cells.append(
                " / ".join(
                    str(c.judged.get(k, 0))
                    for k in ("agent", "simulator", "both", "none", "unparsable", "error")
                )
            )
        rows.append(cells)
    return header, rows


def _adjusted_rows(row: Row) -> tuple[list[str], list[list[str]]]:
    a = row.attribution
    assert a is not None
    plain = {d.arm: d for d in row.deltas}
    header = [
        "trait",
        "Δ points [CI]",
        "%Δ",
        "pairs left out",
        "Δ points without them [CI]",
        "%Δ without them",
        "Holm p without them",
    ]
    rows = []
    for adj in a.deltas:
        d = plain.get(adj.arm)
        rows.append(
            [
                _esc(adj.arm),
                f"{n.points(d.abs_delta)} {n.interval(d.abs_ci, 100)}".strip() if d else "n/a",
                n.rel_cell(d) if d else "n/a",
                str(adj.left_out),
                f"{n.points(adj.delta.abs_delta)} {n.interval(adj.delta.abs_ci, 100)}".strip(),
                n.rel_cell(adj.delta),
                n.p_value(adj.delta.p_holm),
            ]
        )
    return header, rows


def _realism_rows(arms: list[ArmRealism]) -> tuple[list[str], list[list[str]]]:
    header = [
        "arm",
        "episodes",
        "user turns",
        "words / turn (mean / median / p90)",
        "MATTR",
        "front-loading",
        "role breaks",
    ]
    rows = [
        [
            _esc(r.arm),
            str(r.conversations),
            str(r.user_turns),
            f"{_num(r.words_mean, 1)} / {_num(r.words_median, 1)} / {_num(r.words_p90, 1)}",
            _num(r.mattr),
            n.pct(r.front_loading),
            f"{n.pct(r.role_break_share)} ({r.role_break_turns})",
        ]
        for r in arms
    ]
    return header, rows


def markdown_lines(row: Row) -> list[str]:
    """The row's attribution and realism sections (nothing when it has neither)."""
    out: list[str] = []
    a = row.attribution
    if a is not None:
        out += ["### Fault attribution", "", ATTRIBUTION_LEGEND, ""]
        out += [*_table(*_fault_rows(row)), ""]
        if a.deltas:
            out += [*_table(*_adjusted_rows(row)), ""]
        out += ["<details><summary>Reasons per failed episode</summary>", ""]
        for f in a.episodes[:MAX_REASONS]:
            reasons = "; ".join(_reasons(f))
            judge = f" (judge: {f.judge})" if f.judge else ""
            out.append(f"- `{_esc(f.ref.episode_id)}` **{f.kind}**{judge}: {_esc(reasons)}")
        if len(a.episodes) > MAX_REASONS:
            out.append(f"- ... and {len(a.episodes) - MAX_REASONS} more (see the JSON report)")
        out += ["", "</details>", ""]
        out += [f"- {_esc(note)}" for note in a.notes] + ([""] if a.notes else [])
    if row.realism:
        window = row.realism[0].mattr_window
        out += ["### Realism of the simulated users", "", REALISM_LEGEND.format(window=window), ""]
        out += [*_table(*_realism_rows(row.realism)), ""]
    return out


def _reasons(f: EpisodeFault) -> list[str]:
    return [f"simulator: {r}" for r in f.simulator] + [f"agent: {r}" for r in f.agent]


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c.replace(chr(92) + '|', '|'))}</td>" for c in r) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_section(report: Report) -> str:
    """Every row's attribution and realism tables as one escaped HTML fragment."""
    parts: list[str] = []
    for row in report.rows:
        if row.attribution is None and not row.realism:
            continue
        parts.append(f"<h3>{escape(row.domain)} / {escape(row.label)}</h3>")
        a = row.attribution
        if a is not None:
            parts.append(f'<p class="meta">{escape(ATTRIBUTION_LEGEND)}</p>')
            parts.append(_html_table(*_fault_rows(row)))
            if a.deltas:
                parts.append(_html_table(*_adjusted_rows(row)))
            items = "".join(
                f"<li><code>{escape(f.ref.episode_id)}</code> <strong>{escape(f.kind)}</strong>"
                + (f" (judge: {escape(f.judge)})" if f.judge else "")
                + ": "
                + escape("; ".join(_reasons(f)))
                + "</li>"
                for f in a.episodes
            )
            parts.append(
                f"<details><summary>Reasons per failed episode ({len(a.episodes)})</summary>"
                f'<ul class="faults">{items}</ul></details>'
            )
            parts += [f'<p class="meta">{escape(note)}</p>' for note in a.notes]
        if row.realism:
            window = row.realism[0].mattr_window
            parts.append(f'<p class="meta">{escape(REALISM_LEGEND.format(window=window))}</p>')
            parts.append(_html_table(*_realism_rows(row.realism)))
    if not parts:
        return ""
    return (
        '<section id="diagnostics"><h2>Fault attribution and realism</h2>'
        + "".join(parts)
        + "</section>"
    )
