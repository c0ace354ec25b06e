"""The web report in a real headless browser (Debian's chromium driven by Playwright).

The browser must be installed: ``make test`` installs it when missing. A missing browser
FAILS this module unless ``TAUTRAIT_SKIP_BROWSER_TESTS=1`` is set (see the README).
Every request other than the report file itself is aborted and recorded, and the tests
assert that none was made.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from tautrait.report import build_report, load_sources, render
from tests.report.builders import make_run, multi, single

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = '<img src="http://example.invalid/pixel.png" onerror="window.pwned=1"> ###needle###'


def chromium_path() -> str:
    if os.environ.get("TAUTRAIT_SKIP_BROWSER_TESTS") == "1":
        pytest.skip("TAUTRAIT_SKIP_BROWSER_TESTS=1")
    path = os.environ.get("TAUTRAIT_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(path) or shutil.which(path)):
        pytest.fail(
            f"no chromium at {path}: run `make browser` (apt-get install -y chromium), set "
            "TAUTRAIT_CHROMIUM to a Chromium binary, or TAUTRAIT_SKIP_BROWSER_TESTS=1 to skip"
        )
    return path


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("html")
    a = make_run(
        root,
        "run-a",
        {
            "baseline": single("PPPPPF."),
            "skeptical": single("FFPPPFP"),
            "impatient": single("PPPP.FF"),
        },
    )
    b = make_run(
        root,
        "run-b",
        {"baseline": multi(["PP", "PF", "FF"]), "confused": multi(["FP", "FF", "F."])},
        domain="airline",
        model="local/embedded",
    )
    # model output is untrusted: markup in it must stay text and load nothing
    lines = (a / "episodes.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["messages"][2]["content"] = HOSTILE
    lines[0] = json.dumps(first)
    for i, line in enumerate(lines):  # the manipulation check, two user turns each
        rec = json.loads(line)
        lift = {"baseline": 0.0, "skeptical": 1.0, "impatient": 0.5}[rec["arm"]]
        rec["expression"] = [
            {"skeptical": round(0.1 + lift + 0.01 * i, 3), "impatient": -0.2},
            {"skeptical": round(0.2 + lift, 3), "impatient": -0.1},
        ]
        lines[i] = json.dumps(rec)
    (a / "episodes.jsonl").write_text("\n".join(lines) + "\n")
    runs = load_sources([str(a), str(b)])
    report = build_report(runs)
    path = root / "report.html"
    path.write_text(render("html", report, runs), encoding="utf-8")
    data = json.loads(path.read_text().split('id="tautrait-data">', 1)[1].split("</script>", 1)[0])
    return path, data


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page on the report with every non-file request blocked and recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context()
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = path.as_uri()
        self.page.goto(self.url)

    def count(self) -> str:
        return str(self.page.inner_text("#ep-count"))

    def visible(self) -> int:
        return int(self.page.locator("details.episode:visible").count())

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any, report_file: tuple[Path, dict[str, Any]]) -> Iterator[Page]:
    p = Page(browser, report_file[0])
    yield p
    assert p.blocked == [], f"the report tried to reach the network: {p.blocked}"
    assert p.requests == [p.url], f"unexpected requests: {p.requests}"
    assert p.errors == [], f"console errors: {p.errors}"
    p.close()


def test_loads_offline_without_errors(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    total = len(data["episodes"])
    assert total == 7 * 3 + 3 * 2 * 2
    assert page.page.title() == "tautrait report"
    assert page.count() == f"{total} of {total} episodes" and page.visible() == total
    headers = page.page.locator("table.delta-table thead th").all_inner_texts()
    assert headers == ["domain", "agent", "skeptical", "impatient", "confused", "average"]
    assert page.page.locator("#charts svg.chart.bars").count() == 2
    assert page.page.locator("#charts svg.chart.lines").count() == 2
    assert "Infrastructure errors: 3" in page.page.inner_text("#infra-total")
    assert page.page.evaluate("window.pwned") is None


def _expected(data: dict[str, Any], **where: str) -> int:
    def keep(ep: dict[str, Any]) -> bool:
        for key, value in where.items():
            if key == "outcome" and value == "flipped":
                if not ep["flip"]:
                    return False
            elif ep[key] != value:
                return False
        return True

    return sum(keep(ep) for ep in data["episodes"])


@pytest.mark.parametrize(
    ("select", "value", "field"),
    [
        ("#f-outcome", "pass", "outcome"),
        ("#f-outcome", "fail", "outcome"),
        ("#f-outcome", "flipped", "outcome"),
        ("#f-outcome", "infra_error", "outcome"),
        ("#f-domain", "airline", "domain"),
        ("#f-arm", "skeptical", "arm"),
        ("#f-agent", "local/embedded", "agent"),
    ],
)
def test_each_filter_changes_the_visible_count(
    page: Page, report_file: tuple[Path, Any], select: str, value: str, field: str
) -> None:
    _, data = report_file
    total = len(data["episodes"])
    expected = _expected(data, **{field: value})
    assert 0 < expected < total  # the filter has something to do
    page.page.select_option(select, value)
    assert page.count() == f"{expected} of {total} episodes"
    assert page.visible() == expected


def test_filters_combine_and_reset(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    total = len(data["episodes"])
    page.page.select_option("#f-domain", "retail")
    page.page.select_option("#f-outcome", "flipped")
    expected = _expected(data, domain="retail", outcome="flipped")
    # by hand: skeptical loses t0 and t1; t6 passes under skeptical but its baseline was an
    # infra error, so the pair is excluded and is no flip; impatient changes nothing
    assert expected == 2
    assert page.count() == f"2 of {total} episodes"
    page.page.click("#f-reset")
    assert page.count() == f"{total} of {total} episodes"


def test_free_text_search(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    total = len(data["episodes"])
    page.page.fill("#f-search", "###NEEDLE###")
    assert page.count() == f"1 of {total} episodes"
    page.page.fill("#f-search", "(Skeptical, trial")  # in the user's messages, any case
    expected = sum("(skeptical, trial" in json.dumps(ep["messages"]) for ep in data["episodes"])
    assert expected == 7
    assert page.count() == f"7 of {total} episodes"
    page.page.fill("#f-search", "no such text anywhere")
    assert page.count() == f"0 of {total} episodes"


def test_expanding_an_episode_shows_every_turn(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    ep = data["episodes"][0]
    node = page.page.locator(f"#{ep['id']}")
    assert node.locator(".turn").count() == 0  # rendered on first expand only
    node.locator("summary").click()
    turns = node.locator(".turn")
    expect(turns).to_have_count(len(ep["messages"]))
    assert len(ep["messages"]) == 7
    texts = turns.all_text_contents()
    assert texts[2].endswith(HOSTILE)  # the markup is shown as text
    assert node.locator("img").count() == 0
    assert "tool call: get_order" in texts[3] and '"order_id": "t0"' in texts[3]
    assert "tool result: get_order (ok)" in texts[4] and "delivered" in texts[4]
    body = node.locator(".ep-meta").inner_text()
    assert "episodes.jsonl:1" in body and '"coefficients"' in body


def test_an_infra_error_shows_its_error(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    ep = next(e for e in data["episodes"] if e["outcome"] == "infra_error")
    node = page.page.locator(f"#{ep['id']}")
    assert "infra error" in node.locator("summary").inner_text()
    node.locator("summary").click()
    expect(node.locator(".ep-meta")).to_contain_text("503 from provider")


def test_a_flip_links_to_both_trajectories(page: Page, report_file: tuple[Path, Any]) -> None:
    _, data = report_file
    flips = page.page.locator("details.flips").first
    flips.locator("summary").click()
    links = flips.locator("a.ep-link")
    baseline_id = links.nth(0).get_attribute("href")
    trait_id = links.nth(1).get_attribute("href")
    assert baseline_id and trait_id
    by_id = {ep["id"]: ep for ep in data["episodes"]}
    base, trait = by_id[baseline_id[1:]], by_id[trait_id[1:]]
    assert (base["task_id"], base["arm"]) == (trait["task_id"], "baseline")
    assert trait["flip"] == "lost" and base["outcome"] == "pass" and trait["outcome"] == "fail"
    page.page.select_option("#f-arm", "impatient")  # hide the target first
    links.nth(1).click()
    target = page.page.locator(trait_id)
    expect(target).to_be_visible()
    expect(target.locator(".turn")).to_have_count(len(trait["messages"]))
    assert target.get_attribute("open") is not None


def test_expression_is_charted_marked_per_turn_and_paired_side_by_side(
    page: Page, report_file: tuple[Path, Any]
) -> None:
    _, data = report_file
    row = data["report"]["rows"][0]
    checks = {(e["arm"], e["trait"]): e for e in row["expression"]}
    assert checks[("skeptical", "skeptical")]["above_baseline"] is True
    expect(page.page.locator("svg.values")).to_have_count(len(row["expression"]))
    expect(page.page.locator("table.expression tr.expressed")).to_have_count(
        sum(e["above_baseline"] for e in row["expression"])
    )
    ep = next(e for e in data["episodes"] if e["arm"] == "skeptical" and e["task_id"] == "t2")
    node = page.page.locator(f"#{ep['id']}")
    node.locator("summary").click()
    marks = node.locator(".turn.role-user .expr")
    expect(marks).to_have_count(2)
    assert "skeptical +" in marks.first.inner_text()
    assert not page.page.locator("#side-by-side").is_visible()
    node.locator("button.sbs-open").click()
    panel = page.page.locator("#side-by-side")
    expect(panel).to_be_visible()
    heads = panel.locator("th.sbs-arm").all_inner_texts()
    assert [h.split(" ")[0] for h in heads] == ["baseline", "skeptical", "impatient"]
    rows = panel.locator("tr.sbs-turn")
    expect(rows).to_have_count(2)  # one row per user turn, the agent's words before it
    first = rows.nth(0).locator("td")
    assert "(baseline, trial 0)" in first.nth(1).inner_text()
    assert "(skeptical, trial 0)" in first.nth(2).inner_text()
    base_expr = first.nth(1).locator(".expr").inner_text()
    trait_expr = first.nth(2).locator(".expr").inner_text()
    assert "skeptical +0.1" in base_expr and "skeptical +1.1" in trait_expr
    assert "Hi! How can I help you today?" in first.nth(2).inner_text()
    second = rows.nth(1).locator("td")
    assert "Thanks, bye." in second.nth(1).inner_text()
    assert "skeptical +1.2" in second.nth(2).locator(".expr").inner_text()
    # the panel is addressable: its URL opens it directly
    assert page.page.evaluate("location.hash") == f"#sbs-{ep['id']}"
    panel.locator("#sbs-close").click()
    expect(panel).to_be_hidden()
