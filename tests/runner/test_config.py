from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.runner.config import RunConfig, build_config, field_help


def test_defaults_live_in_one_place() -> None:
    config = build_config({})
    assert config == RunConfig()
    assert config.model == "local/embedded" and config.user_strategy == "steered"
    assert field_help("max_concurrency") == "Episodes in flight at once."


def test_flags_beat_file_beats_default(tmp_path: Path) -> None:
    file = tmp_path / "run.toml"
    file.write_text('max_concurrency = 4\nseed = 3\ntrait_dicts = ["skeptical.json"]\n')
    config = build_config({"max_concurrency": 2, "seed": None}, file)
    assert config.max_concurrency == 2 and config.seed == 3
    assert config.trait_dicts == ["skeptical.json"]
    section = tmp_path / "section.toml"
    section.write_text("[run]\nlimit = 5\n")
    assert build_config({}, section).limit == 5


def test_bad_values_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"^--max-concurrency: .*greater than or equal to 1"):
        build_config({"max_concurrency": 0})
    with pytest.raises(UserError, match="--user-strategy"):
        build_config({"user_strategy": "psychic"})
    file = tmp_path / "bad.toml"
    file.write_text("concurrency = 3\n")
    with pytest.raises(UserError, match="unknown keys concurrency"):
        build_config({}, file)
    with pytest.raises(UserError, match="not found"):
        build_config({}, tmp_path / "missing.toml")
