"""Rendering a report in a chosen format, and writing it without leaving half a file.

Every format is rendered fully in memory first, then written to a temporary file beside
the target and renamed over it, so a failure never leaves a truncated report behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from tautrait.errors import UserError
from tautrait.report.analysis import build_report
from tautrait.report.load import LoadedRun, load_run_dir
from tautrait.report.schema import Comparison, Report

ReportFormat = Literal["text", "md", "json", "html", "junit"]
CompareFormat = Literal["text", "md", "json"]
REPORT_FORMATS: tuple[str, ...] = ("text", "md", "json", "html", "junit")
COMPARE_FORMATS: tuple[str, ...] = ("text", "md", "json")
RUN_REPORT_FILE = "report.md"


def render(
    fmt: str,
    report: Report,
    runs: list[LoadedRun],
    *,
    out: Path | None = None,
    width: int | None = None,
) -> str:
    """``report`` as ``fmt``; ``out`` (where it will be written) makes Markdown links
    relative to it, ``width`` is the terminal width for text."""
    if fmt == "text":
        from tautrait.report.text import WIDTH, render_text

        return render_text(report, width or WIDTH)
    if fmt == "md":
        from tautrait.report.markdown import render_markdown

        return render_markdown(report, out.parent if out is not None else None)
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        from tautrait.report.html import render_html

        return render_html(report, runs)
    if fmt == "junit":
        from tautrait.report.junit import render_junit

        return render_junit(report, runs)
    raise UserError(f"unknown --format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")


def render_comparison(
    fmt: str, comparison: Comparison, *, out: Path | None = None, width: int | None = None
) -> str:
    if fmt == "text":
        from tautrait.report.text import WIDTH, render_comparison_text

        return render_comparison_text(comparison, width or WIDTH)
    if fmt == "md":
        from tautrait.report.markdown import render_comparison_markdown

        return render_comparison_markdown(comparison, out.parent if out is not None else None)
    if fmt == "json":
        return comparison.model_dump_json(indent=2) + "\n"
    raise UserError(f"unknown --format {fmt!r}; use one of {', '.join(COMPARE_FORMATS)}")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (folders are created)."""
    if path.is_dir():
        raise UserError(f"--out {path} is a folder; give a file name (e.g. {path / 'report.html'})")
    parent = path.parent
    tmp = parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc


def write_run_report(run_dir: Path) -> Path:
    """``run_dir/report.md``, recomputed from the run's episodes (what ``tautrait run`` writes)."""
    from tautrait.report.markdown import render_markdown

    runs = [load_run_dir(run_dir)]
    path = run_dir / RUN_REPORT_FILE
    write_atomic(path, render_markdown(build_report(runs), link_base=run_dir))
    return path
