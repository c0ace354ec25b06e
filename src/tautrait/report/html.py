"""The web report (``--format html``, ``tautrait view``): one self-contained HTML file.

Everything is inside the file: the CSS, the script, the charts (inline SVG from
:mod:`tautrait.report.svg`) and the data (the JSON report and every episode with its full
trajectory, in a ``<script type="application/json">``). A Content-Security-Policy meta
tag forbids the page any network request, so it opens the same offline, from a CI
artifact or an e-mail attachment.

The tables and charts are rendered here; the episode list is built by the page's script
from the embedded data (filters: pass / fail / flipped / infra error, domain, arm, agent,
free text), and an episode's trajectory is only turned into DOM nodes when it is first
expanded, which keeps large runs responsive. Trajectory text is model output: the
script only ever sets it as text, never as markup.

"Flipped" marks a trait-arm episode whose outcome differs from its paired baseline
episode (same run, task and trial); baseline episodes link to their counterparts but are
not themselves flagged.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tautrait.report import dose
from tautrait.report import numbers as n
from tautrait.report.diagnostics import html_section
from tautrait.report.expression import charts as expression_charts
from tautrait.report.load import Episode, LoadedRun
from tautrait.report.schema import Report, Row, over_limit_warnings
from tautrait.report.svg import Bar, Series, bar_chart, line_chart

_TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)),
    undefined=StrictUndefined,
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    pct=n.pct,
    points=n.points,
    interval=n.interval,
    rate_interval=n.rate_interval,
    p_value=n.p_value,
    money=n.money,
    rel_cell=n.rel_cell,
    abs_cell=n.abs_cell,
    mdd=n.mdd,
    test_name=n.test_name,
)


def anchor(episode_id: str) -> str:
    """The DOM id of an episode: stable, and safe whatever the task ids contain."""
    return "ep-" + hashlib.sha1(episode_id.encode()).hexdigest()[:16]


def _row_charts(row: Row) -> dict[str, str]:
    charts = {}
    if row.deltas:
        bars = [
            Bar(
                label=d.arm,
                value=(d.abs_delta or 0.0) * 100,
                low=None if d.abs_ci is None or d.abs_ci.low is None else d.abs_ci.low * 100,
                high=None if d.abs_ci is None or d.abs_ci.high is None else d.abs_ci.high * 100,
                significant=d.significant,
            )
            for d in row.deltas
        ]
        charts["bars"] = bar_chart(
            bars, f"{row.domain} / {row.label}: Δ pass rate vs baseline, with CI", "points"
        )
    series = [
        Series(a.arm, [(p.k, p.value) for p in a.pass_hat_k]) for a in row.arms if a.pass_hat_k
    ]
    if series:
        charts["passk"] = line_chart(series, f"{row.domain} / {row.label}: pass^k")
    if row.dose:
        charts["dose"] = "\n".join(dose.charts(row))
    if row.expression:
        charts["expression"] = "\n".join(expression_charts(row))
    return charts


def _episode_data(report: Report, runs: list[LoadedRun]) -> list[dict[str, Any]]:
    by_id = {r.info.run_id: r for r in runs}
    flips: dict[str, tuple[str, str]] = {}
    for row in report.rows:
        for d in row.deltas:
            for f in d.flips:
                flips[f.trait.episode_id] = (f.direction, f.baseline.episode_id)
    out: list[dict[str, Any]] = []
    for row in report.rows:
        keep = set(row.tasks)
        episodes: list[Episode] = [
            e for run_id in row.runs for e in by_id[run_id].episodes if e.record.task_id in keep
        ]
        siblings: dict[tuple[str, str, int], list[Episode]] = {}
        for e in episodes:
            siblings.setdefault((e.ref.run_id, e.record.task_id, e.record.trial), []).append(e)
        for e in episodes:
            r = e.record
            flip = flips.get(e.ref.episode_id)
            same = siblings[(e.ref.run_id, r.task_id, r.trial)]
            out.append(
                {
                    "id": anchor(e.ref.episode_id),
                    "episode_id": e.ref.episode_id,
                    "run_id": e.ref.run_id,
                    "domain": row.domain,
                    "agent": row.label,
                    "arm": r.arm,
                    "task_id": r.task_id,
                    "trial": r.trial,
                    "outcome": "infra_error"
                    if e.passed is None
                    else ("pass" if e.passed else "fail"),
                    "reward": r.reward,
                    "termination": r.termination,
                    "flip": flip[0] if flip else None,
                    "counterparts": [
                        {"arm": s.record.arm, "id": anchor(s.ref.episode_id)}
                        for s in same
                        if s is not e
                    ],
                    "where": n.where(e.ref.source, e.ref.line, e.ref.index),
                    "steering": r.steering.model_dump(mode="json"),
                    "reward_breakdown": (
                        r.reward_breakdown.model_dump(mode="json") if r.reward_breakdown else None
                    ),
                    "error": r.error.model_dump(mode="json") if r.error else None,
                    "agent_usage": r.agent_usage.model_dump(mode="json"),
                    "user_usage": r.user_usage.model_dump(mode="json"),
                    "steps": r.steps,
                    "tool_calls": r.tool_calls,
                    "duration_s": r.duration_s,
                    "started_at": r.started_at,
                    "messages": r.messages,
                    "expression": r.expression,
                }
            )
    return out


def _finite(value: Any) -> Any:
    """NaN and infinities become null: JSON.parse rejects them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element (no '</script>', no line separators)."""
    text = json.dumps(_finite(data), ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(report: Report, runs: list[LoadedRun]) -> str:
    """The whole web report as one string."""
    episodes = _episode_data(report, runs)
    data = {"report": report.model_dump(mode="json"), "episodes": episodes}
    options = {
        "domains": sorted({e["domain"] for e in episodes}),
        "arms": list(dict.fromkeys(e["arm"] for e in episodes)),
        "agents": list(dict.fromkeys(e["agent"] for e in episodes)),
    }
    return _env.get_template("report.html.j2").render(
        r=report,
        rows=[(row, _row_charts(row)) for row in report.rows],
        anchor=anchor,
        options=options,
        total=len(episodes),
        css=(_TEMPLATES / "report.css").read_text(encoding="utf-8"),
        script=(_TEMPLATES / "report.js").read_text(encoding="utf-8"),
        data=_script_json(data),
        level=f"{(1 - report.alpha) * 100:g}%",
        over_limit=over_limit_warnings(report.runs),
        dose=dose,
        diagnostics=html_section(report),
    )
