import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tautrait.cli.app import _register, app
from tautrait.errors import UserError
from tests.tiny import save_tiny_checkpoint


@pytest.fixture(scope="module")
def tiny_user(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_checkpoint(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path / "cache"))
    _register()


def test_chat_plays_the_agent_against_a_trait_user(
    tiny_user: Path, mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    typed = iter(["Can I have your email?", "/quit"])
    monkeypatch.setattr(Console, "input", lambda self, prompt="": next(typed))
    result = CliRunner().invoke(
        app,
        [
            "chat",
            "--trait-dict",
            "impatient.json",
            "--env",
            "mock",
            "--user-model",
            str(tiny_user),
            "--max-tokens",
            "8",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("customer:") == 2
    assert "impatience=medium" in result.output


def test_rephrase_keeps_structure_and_originals(tiny_user: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    records = [
        {
            "id": "a",
            "question": [
                [{"role": "user", "content": "Move file report.txt to /tmp"}],
                [{"role": "user", "content": "Then list /tmp"}],
            ],
        },
        {"id": "b", "prompt": "Book flight LK123 on 2026-05-20"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "rephrase",
            str(source),
            str(target),
            "--trait-dict",
            "skeptical.json",
            "--user-model",
            str(tiny_user),
            "--max-tokens",
            "12",
        ],
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["id"] for r in out] == ["a", "b"]
    assert out[0]["tautrait"]["originals"] == ["Move file report.txt to /tmp", "Then list /tmp"]
    assert out[1]["tautrait"]["originals"] == ["Book flight LK123 on 2026-05-20"]
    assert out[1]["tautrait"]["trait_dict"]["skepticism"] == "medium"
    assert isinstance(out[0]["question"][0][0]["content"], str)
    assert "rewrote 3 message(s) in 2 record(s)" in result.output


def test_rephrase_rejects_records_without_user_text(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "answer": "x"}\n')
    result = CliRunner().invoke(
        app, ["rephrase", str(source), str(tmp_path / "o.jsonl"), "--trait-dict", "skeptical.json"]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "o.jsonl").exists()


def test_detail_check() -> None:
    from tautrait.user.rephrase import details, kept_details

    assert details("Book flight LK123 on 2026-05-20 for $45.50") == {"LK123", "2026-05-20", "45.50"}
    assert kept_details("order #W100 please", "hurry up with #W100!")
    assert not kept_details("order #W100 please", "hurry up with my order")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--temperature", "-1"], "--temperature: Input should be greater than or equal to 0"),
        (["--max-tokens", "0"], "--max-tokens: Input should be greater than or equal to 1"),
        (["--user-strategy", "llm"], "--user-strategy must be one of steered, mtad, prompt"),
    ],
)
def test_chat_refuses_bad_user_settings_by_its_own_flags(
    args: list[str], message: str, mock_data_path: None
) -> None:
    result = CliRunner().invoke(
        app, ["chat", "--trait-dict", "impatient.json", "--env", "mock", *args]
    )
    # The CLI's entry point prints a UserError in one line and exits 2.
    assert isinstance(result.exception, UserError), result.output
    assert message in str(result.exception) and "\n" not in str(result.exception)
