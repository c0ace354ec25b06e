"""JUnit XML (``--format junit``): one test case per task x arm, for CI test dashboards.

One ``<testsuite>`` per row and arm (``retail / gpt-4o / skeptical``), one ``<testcase>``
per task. A case passes when every completed trial passed; it *fails* when any completed
trial failed (the message gives the count, like pass^k would); it is an *error* when
every trial of it was an infrastructure error, so outages show up as errors and never as
agent failures. ``system-out`` lists each trial with where its trajectory is.

This format is for visibility, not gating: the statistical gate is ``tautrait compare``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from tautrait.report import numbers as n
from tautrait.report.load import Episode, LoadedRun
from tautrait.report.schema import Report, Row, over_limit_warnings

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (a model's output may contain them)."""
    return _NOT_XML.sub("\ufffd", text)


def _name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def _case(
    task: str, episodes: list[Episode], classname: str, baseline: list[Episode]
) -> ET.Element:
    case = ET.Element("testcase", name=_clean(task), classname=classname)
    case.set("time", f"{sum(e.record.duration_s for e in episodes):.3f}")
    completed = [e for e in episodes if e.passed is not None]
    passed = sum(bool(e.passed) for e in completed)
    infra = len(episodes) - len(completed)
    base_done = [e for e in baseline if e.passed is not None]
    base_note = (
        f"; baseline passed {sum(bool(e.passed) for e in base_done)} of {len(base_done)}"
        if base_done
        else ""
    )
    if not completed:
        error = ET.SubElement(case, "error", type="infra_error")
        error.set("message", f"all {infra} trial(s) ended in an infrastructure error (not scored)")
        error.text = _clean(
            "\n".join(
                f"trial {e.record.trial}: {e.record.error.kind if e.record.error else '?'}: "
                f"{e.record.error.message if e.record.error else ''}"
                for e in episodes
            )
        )
    elif passed < len(completed):
        failure = ET.SubElement(case, "failure", type="task_failed")
        failure.set(
            "message",
            f"passed {passed} of {len(completed)} completed trial(s)"
            + (f", {infra} infrastructure error(s) not scored" if infra else "")
            + base_note,
        )
    lines = []
    for e in sorted(episodes, key=lambda e: e.record.trial):
        r = e.record
        outcome = "infra_error" if e.passed is None else ("pass" if e.passed else "fail")
        lines.append(
            f"trial {r.trial}: {outcome} (reward {r.reward}, {r.termination}) "
            f"{n.where(e.ref.source, e.ref.line, e.ref.index)} [{e.ref.episode_id}]"
        )
    ET.SubElement(case, "system-out").text = _clean("\n".join(lines))
    return case


def _suites(row: Row, runs: dict[str, LoadedRun]) -> list[ET.Element]:
    keep = set(row.tasks)
    by_arm: dict[str, dict[str, list[Episode]]] = defaultdict(lambda: defaultdict(list))
    for run_id in row.runs:
        for e in runs[run_id].episodes:
            if e.record.task_id in keep:
                by_arm[e.record.arm][e.record.task_id].append(e)
    suites = []
    for arm in row.arms:
        suite = ET.Element("testsuite", name=_clean(f"{row.domain} / {row.label} / {arm.arm}"))
        properties = ET.SubElement(suite, "properties")
        for key, value in (
            ("domain", row.domain),
            ("agent", row.agent),
            ("user", row.user),
            ("arm", arm.arm),
            ("runs", " ".join(row.runs)),
            ("pass_rate", n.pct(arm.pass_rate)),
        ):
            ET.SubElement(properties, "property", name=key, value=_clean(value))
        classname = f"tautrait.{_name(row.domain)}.{_name(row.label)}.{_name(arm.arm)}"
        tasks = by_arm[arm.arm]
        cases = [
            _case(
                task,
                tasks[task],
                classname,
                by_arm["baseline"].get(task, []) if arm.arm != "baseline" else [],
            )
            for task in row.tasks
            if task in tasks
        ]
        suite.extend(cases)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("errors", str(sum(c.find("error") is not None for c in cases)))
        suite.set("skipped", "0")
        suite.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")
        suites.append(suite)
    return suites


def render_junit(report: Report, runs: list[LoadedRun]) -> str:
    by_id = {r.info.run_id: r for r in runs}
    root = ET.Element("testsuites", name="tautrait")
    warnings = over_limit_warnings(report.runs)
    if warnings:
        # A run that measured too little fails CI on its own test case.
        suite = ET.SubElement(root, "testsuite", name="infrastructure-error limit")
        suite.set("tests", str(len(warnings)))
        suite.set("errors", str(len(warnings)))
        suite.set("failures", "0")
        for run, warning in zip(
            [r for r in report.runs if r.infra_limit and r.infra_limit.over], warnings, strict=True
        ):
            case = ET.SubElement(suite, "testcase", name=_clean(run.run_id), classname="limit")
            ET.SubElement(case, "error", type="over_infra_limit", message=_clean(warning))
    for row in report.rows:
        root.extend(_suites(row, by_id))
    for attr in ("tests", "failures", "errors"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
