"""``report.md``: the run's summary as a Markdown page."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tautrait.report.summary import RunSummary

_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,
)


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def signed(value: float | None, suffix: str = "", digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}{suffix}"


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


_env.filters.update(pct=pct, signed=signed, money=money)


def render_markdown(summary: RunSummary) -> str:
    return _env.get_template("report.md.j2").render(s=summary)
