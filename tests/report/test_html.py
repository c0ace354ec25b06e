"""The web report's markup without a browser: self-contained, escaped, charts as SVG."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tautrait.report import build_report, load_sources, render
from tautrait.report.svg import Bar, Series, bar_chart, line_chart
from tests.report.builders import make_run, single


def _html(tmp_path: Path, content: str) -> str:
    run = make_run(tmp_path, "r", {"baseline": single("PF"), "skeptical": single("FF")})
    path = run / "episodes.jsonl"
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    first["messages"][2]["content"] = content
    lines[0] = json.dumps(first)
    path.write_text("\n".join(lines) + "\n")
    runs = load_sources([str(run)])
    return render("html", build_report(runs), runs)


def test_the_page_references_nothing_outside_itself(tmp_path: Path) -> None:
    html = _html(tmp_path, "see https://example.com/help")
    page, _, rest = html.partition('<script type="application/json" id="tautrait-data">')
    data, _, tail = rest.partition("</script>")
    markup = page + tail
    # no src/href that leaves the page (in-page anchors only), no @import or url()
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', markup) == []
    assert "@import" not in markup and "url(" not in markup
    assert "default-src 'none'" in markup  # the CSP forbids any request
    # the only absolute URLs in the markup are the SVG namespace and the CSP-free text
    urls = set(re.findall(r"https?://[^\s\"'<>]+", markup))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "https://example.com/help" in json.loads(data)["episodes"][0]["messages"][2]["content"]


def test_embedded_data_cannot_close_its_script(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script>\u2028"
    html = _html(tmp_path, hostile)
    assert html.count("</script>") == 2  # the data's own and the page script's
    data = html.split('id="tautrait-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["episodes"][0]["messages"][2]["content"] == hostile


def test_svg_charts_are_valid_and_escaped() -> None:
    bars = bar_chart(
        [
            Bar("skeptical <&>", -30.0, -55.0, -5.0, significant=True),
            Bar("confused", 10.0, None, None),
        ],
        'Δ "points"',
    )
    root = ET.fromstring(bars)
    assert root.tag.endswith("svg") and root.get("aria-label") == 'Δ "points"'
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "skeptical <&>" in texts and "-30.0*" in texts and "+10.0" in texts
    # the axis is symmetric and wide enough for the widest bound: 55 -> 100
    assert "-100" in texts and "+100" in texts
    rects = list(root.iter("{http://www.w3.org/2000/svg}rect"))
    assert rects[0].get("class") == "bar significant" and rects[1].get("class") == "bar"
    lines = ET.fromstring(line_chart([Series("baseline", [(1, 0.5), (2, 0.25)])], "pass^k"))
    circles = list(lines.iter("{http://www.w3.org/2000/svg}circle"))
    assert len(circles) == 2
    assert [c.findtext("{http://www.w3.org/2000/svg}title") for c in circles] == [
        "baseline: pass^1 = 50.0%",
        "baseline: pass^2 = 25.0%",
    ]
