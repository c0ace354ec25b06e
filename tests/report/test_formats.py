"""The same report as text, Markdown, JSON (against its schema) and JUnit."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tautrait.report import build_report, load_sources, render
from tautrait.report.load import LoadedRun
from tautrait.report.schema import SCHEMA_FILES, Report, json_schema_text
from tests.report.builders import make_run, single

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Report, list[LoadedRun]]:
    a = make_run(
        tmp_path,
        "run-a",
        {
            "baseline": single("PPPPPPPPFF"),
            "skeptical": single("FFFFFFFPFF"),
            "impatient": single("PPPPPPPPF."),
        },
    )
    b = make_run(
        tmp_path,
        "run-b",
        {"baseline": single("PPFF"), "skeptical": single("PPFF")},
        domain="airline",
        model="local/embedded",
    )
    runs = load_sources([str(a), str(b)])
    return build_report(runs), runs


def test_markdown_has_the_table_4_shape(two_runs: tuple[Report, list[LoadedRun]]) -> None:
    report, runs = two_runs
    md = render("md", report, runs)
    assert "| domain | agent | skeptical | impatient | average |" in md
    # skeptical on retail: 8/10 -> 1/10, 7 lost: p = 2/128 = 0.0156, Holm x2 = 0.031 < 0.05
    row = next(line for line in md.splitlines() if line.startswith("| retail | openai/gpt-4o |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2].startswith("-87.5% [") and cells[2].split("<br>")[0].endswith("*")
    assert cells[2].endswith("<br>-70.0 pts")
    # impatient: one infra error, so 9 paired tasks: 8/9 -> 8/9 (no change, not significant)
    assert cells[3].startswith("+0.0%") and "*" not in cells[3]
    airline = next(line for line in md.splitlines() if line.startswith("| airline |"))
    assert "+0.0%" in airline and airline.count("|") == 6
    assert "**Infrastructure errors: 1**" in md
    assert "| impatient | 9 | 9 | 1 | 88.9% | 88.9% |" in md
    # flips link to the trajectories' lines
    assert "[episodes.jsonl:1](" in md and "episodes.jsonl#L1)" in md


def test_markdown_links_are_relative_to_where_it_is_written(
    two_runs: tuple[Report, list[LoadedRun]], tmp_path: Path
) -> None:
    report, runs = two_runs
    md = render("md", report, runs, out=tmp_path / "run-a" / "report.md")
    assert "](episodes.jsonl#L1)" in md


def test_json_follows_the_documented_schema(two_runs: tuple[Report, list[LoadedRun]]) -> None:
    report, runs = two_runs
    data = json.loads(render("json", report, runs))
    schema = json.loads((DOCS / "report.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["schema_version"] == 1
    assert data["traits"] == ["skeptical", "impatient"]
    skeptical = data["rows"][0]["deltas"][0]
    assert skeptical["p_value"] == pytest.approx(2 / 128)
    assert skeptical["flips"][0]["baseline"]["line"] == 1
    assert Report.model_validate(data) == report


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_checked_in_schemas_match_the_models(name: str) -> None:
    expected = json_schema_text(SCHEMA_FILES[name])
    assert (DOCS / name).read_text() == expected, (
        'regenerate with: python -c "from pathlib import Path; from tautrait.report.schema '
        "import write_schema_files; write_schema_files(Path('docs'))\""
    )


def test_junit_has_one_case_per_task_and_arm(two_runs: tuple[Report, list[LoadedRun]]) -> None:
    report, runs = two_runs
    root = ET.fromstring(render("junit", report, runs))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "retail / openai/gpt-4o / baseline",
        "retail / openai/gpt-4o / skeptical",
        "retail / openai/gpt-4o / impatient",
        "airline / local/embedded / baseline",
        "airline / local/embedded / skeptical",
    ]
    assert root.get("tests") == str(10 * 3 + 4 * 2)
    impatient = suites[2]
    cases = {c.get("name"): c for c in impatient.findall("testcase")}
    assert set(cases) == {f"t{i}" for i in range(10)}
    assert impatient.get("failures") == "1" and impatient.get("errors") == "1"
    error = cases["t9"].find("error")
    assert error is not None and error.get("type") == "infra_error"
    failure = cases["t8"].find("failure")
    assert failure is not None
    assert failure.get("message") == "passed 0 of 1 completed trial(s); baseline passed 0 of 1"
    assert cases["t0"].find("failure") is None and cases["t0"].find("error") is None
    out = cases["t0"].findtext("system-out") or ""
    assert "trial 0: pass" in out and "run-a/t0/0/impatient" in out
    skeptical = {c.get("name"): c for c in suites[1].findall("testcase")}
    assert skeptical["t7"].find("failure") is None
    assert suites[1].get("failures") == "9"


def test_text_is_plain_and_complete(two_runs: tuple[Report, list[LoadedRun]]) -> None:
    report, runs = two_runs
    text = render("text", report, runs)
    assert "\x1b[" not in text  # no terminal codes
    assert "Reward delta per trait" in text and "infrastructure errors: 1" in text
    assert "-87.5% [" in text and "skeptical: 7 episode pair(s) lost (pass in baseline" in text


def test_numbers_are_recomputed_from_the_episodes_every_time(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r", {"baseline": single("PP"), "skeptical": single("PP")})
    first = build_report(load_sources([str(run)]))
    assert first.rows[0].deltas[0].abs_delta == 0.0
    path = run / "episodes.jsonl"
    path.write_text(path.read_text().replace('"reward":1.0', '"reward":0.0', 1))
    again = build_report(load_sources([str(run)]))
    assert again.rows[0].arms[0].pass_rate == 0.5
