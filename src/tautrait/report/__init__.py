"""Reports: statistically honest reward deltas, recomputed from episodes, in five formats.

:func:`load_sources` reads run folders and imported tau-bench / tau-trait files,
:func:`build_report` turns them into the Table 4 shaped :class:`Report`,
:func:`compare_runs` gates one run against another, and :func:`render` writes any format.
"""

from tautrait.report.analysis import build_report
from tautrait.report.comparison import compare_runs
from tautrait.report.load import LoadedRun, load_run_dir, load_sources
from tautrait.report.output import render, render_comparison, write_atomic, write_run_report
from tautrait.report.schema import Comparison, Report

__all__ = [
    "Comparison",
    "LoadedRun",
    "Report",
    "build_report",
    "compare_runs",
    "load_run_dir",
    "load_sources",
    "render",
    "render_comparison",
    "write_atomic",
    "write_run_report",
]
