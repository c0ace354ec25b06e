"""``tautrait traits eval`` end to end: tiny user model, tiny local agent, scripted judge."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tautrait.cli.app import _register, app
from tautrait.records import read_traiteval
from tautrait.scripted import register_script

CALLS: list[str] = []


def judge_script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    """A judge that always picks the first option (or the first two listed traits), and
    answers every fifth call with prose and no ANSWER line."""
    prompt = messages[-1]["content"]
    CALLS.append(prompt)
    if len(CALLS) % 5 == 0:
        return {"content": "Both conversations look similar to me."}
    if "Exactly two of the traits below are present" in prompt:
        listed = re.findall(r"^- ([a-z]+): ", prompt, flags=re.MULTILINE)
        return {"content": f"The user shows two traits.\nANSWER: {listed[0]}, {listed[1]}"}
    if "more realistically" in prompt:
        return {"content": "Conversation 1 reads more like a person.\nANSWER: 1"}
    return {"content": "The first one is stronger.\n**ANSWER: 1**"}


register_script("traiteval-judge", judge_script)


def _invoke(args: list[str]) -> Any:
    _register()
    return CliRunner().invoke(app, ["traits", "eval", *args])


def test_eval_writes_json_and_markdown(
    tiny_checkpoint: Path, private_cache: Path, tmp_path: Path
) -> None:
    out = tmp_path / "eval"
    CALLS.clear()
    args = [
        "--user-model", str(tiny_checkpoint),
        "--agent-model", f"local/{tiny_checkpoint}",
        "--judge-model", "scripted/traiteval-judge",
        "--trait", "impatience", "--trait", "skeptical", "--trait", "confusion",
        "--contexts", "1",
        "--turns", "2",
        "--pairs", "1",
        "--user-max-tokens", "6",
        "--agent-max-tokens", "6",
        "--out", str(out),
    ]  # fmt: skip
    result = _invoke(args)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "traiteval.json").read_text())
    assert data["schema"] == "tautrait.traiteval" and data["schema_version"] == 1
    record = read_traiteval(out / "traiteval.json")
    assert record.kind == "tautrait.traiteval" and record.conversations["count"] == 3 * 11
    assert data["settings"]["traits"] == ["impatience", "skepticism", "confusion"]
    assert data["contexts"] == ["telecom-roaming-bill"]
    # 3 methods x 1 context x (neutral + 3 traits x 2 levels + 1 pair x 4 levels)
    assert data["conversations"]["count"] == 3 * 11
    lines = (out / "conversations.jsonl").read_text().splitlines()
    conversations = [json.loads(line) for line in lines]
    assert len(conversations) == 33
    assert len({c["id"] for c in conversations}) == 33
    first = conversations[0]
    assert [t["speaker"] for t in first["turns"]] == ["agent", "user", "agent", "user"]
    # Every method and condition of a context shares its seed.
    assert len({c["seed"] for c in conversations}) == 1
    # Offline cells: method x trait x intensity, each with a score.
    cells = data["offline"]["cells"]
    assert len(cells) == 3 * 3 * 3
    assert all(c["conversations"] == 1 for c in cells)
    assert all(isinstance(c["score"], float) for c in cells)
    # Low cells of different traits read the same neutral conversations.
    lows = [c for c in cells if c["method"] == "steered" and c["intensity"] == "low"]
    assert {c["condition"] for c in lows} == {"neutral"}
    # The judge: every protocol asked, unparsable answers counted, never guessed.
    protocols = data["judge"]["protocols"]
    assert protocols["fidelity"]["items"] == 3 * 3
    assert protocols["stability"]["items"] == 3 * 3 * 2
    assert protocols["compositionality"]["items"] == 3 * 4
    assert protocols["realism"]["items"] == 3 * 3 * 2
    total = sum(p["items"] for p in protocols.values())
    assert len(CALLS) == total
    unparsable = sum(p["unparsable"] for p in protocols.values())
    assert unparsable == total // 5
    items = data["judge"]["items"]
    assert sum(1 for i in items if i["parse_error"] == "no ANSWER line") == unparsable
    assert all(i["outcome"] is None for i in items if i["parse_error"])
    for method, row in protocols["fidelity"]["by_method"].items():
        assert row["parsed"] + row["unparsable"] == row["items"] == 3, method
        # Always answering "1" is right exactly when the high conversation came first.
        right = sum(
            1
            for i in items
            if i["protocol"] == "fidelity"
            and i["methods"] == [method]
            and i["outcome"]
            and i["expected"] == "1"
        )
        assert row["counts"].get("correct", 0) == right
    elo = protocols["realism"]["elo"]
    assert set(elo) == {"steered", "mtad", "prompt"}
    assert sum(e["mean"] for e in elo.values()) == pytest.approx(3 * 1500, abs=0.05)
    # Markdown: the Table 3-shaped table, with every method as a row.
    markdown = (out / "traiteval.md").read_text()
    assert "| Method | Realism (Elo) ↑ | Fidelity (%) ↑ |" in markdown
    for name in ("TraitBasis (steered)", "mTAD", "Prompt-based"):
        assert f"| {name} |" in markdown
        assert f"| {name} |" in result.output
    assert "## Dose-response per trait (offline)" in markdown
    assert "## Trait pairs (offline)" in markdown
    assert "Unparsable" in markdown
    # Realism: the same figures as a run's report, per method, every user turn counted.
    realism = data["offline"]["realism"]
    assert set(realism) == {"steered", "mtad", "prompt"}
    for figures in realism.values():
        assert figures["conversations"] == 11 and figures["user_turns"] == 22
        assert figures["mattr_window"] == 50
        assert figures["front_loading_conversations"] == 11
    assert "## Realism diagnostics (offline)" in markdown


def test_eval_is_reproducible_and_judge_free(
    tiny_checkpoint: Path, private_cache: Path, tmp_path: Path
) -> None:
    args = [
        "--user-model", str(tiny_checkpoint),
        "--agent-model", f"local/{tiny_checkpoint}",
        "--method", "steered", "--method", "prompt",
        "--trait", "impatience",
        "--contexts", "1",
        "--turns", "3",
        "--pairs", "0",
        "--user-max-tokens", "5",
        "--agent-max-tokens", "5",
    ]  # fmt: skip
    first = _invoke([*args, "--out", str(tmp_path / "a")])
    second = _invoke([*args, "--out", str(tmp_path / "b")])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    a = (tmp_path / "a" / "conversations.jsonl").read_text()
    b = (tmp_path / "b" / "conversations.jsonl").read_text()
    assert a == b
    data = json.loads((tmp_path / "a" / "traiteval.json").read_text())
    assert data["judge"] is None
    assert data["pairs"] == []
    assert "No judge was run" in (tmp_path / "a" / "traiteval.md").read_text()


def test_eval_rejects_bad_input(tmp_path: Path) -> None:
    result = _invoke(["--method", "lora", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "unknown --method 'lora'" in str(result.exception)
    result = _invoke(["--trait", "impatience", "--trait", "confusion", "--pairs", "2"])
    assert "make only 1 pair" in str(result.exception)
    result = _invoke(["--turns", "0", "--out", str(tmp_path)])
    assert "--turns" in str(result.exception)
