"""Every option of ``tautrait run`` reaches the RunConfig, whichever way it is given.

The samples are generated from RunConfig's fields, so an option added later is checked
too (and a field type the generator does not know fails here, on purpose).
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

import tautrait.cli.run as run_cli
from tautrait.cli.app import _register, app
from tautrait.runner.config import RunConfig, env_var, flag_of

_register()
FIELDS = list(RunConfig.model_fields)
DEFAULTS = RunConfig()


def _base(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def sample(name: str) -> Any:
    """A valid value different from the default."""
    kind = _base(RunConfig.model_fields[name].annotation)
    default = getattr(DEFAULTS, name)
    if typing.get_origin(kind) is Literal:
        return next(c for c in typing.get_args(kind) if c != default)
    if kind is bool:
        return not default
    if kind is int:
        return (default if isinstance(default, int) else 2) + 3
    if kind is float:
        return 0.5 if default != 0.5 else 0.25
    if kind is str:
        return f"x-{name}"
    if kind is Path:
        return Path(f"/tmp/x-{name}")
    if typing.get_origin(kind) is list:
        return [f"a-{name}", f"b-{name}"]
    if kind is SecretStr:
        return SecretStr(f"x-{name}")
    raise AssertionError(f"no sample for {name}: {kind!r}; teach this test the type")


def as_flags(name: str, value: Any) -> list[str]:
    flag = flag_of(name)
    if isinstance(value, bool):
        return [flag if value else f"--no-{flag[2:]}"]
    if isinstance(value, list):
        return [part for v in value for part in (flag, v)]
    return [flag, _text(value)]


def _text(value: Any) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def as_env(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def as_toml(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"{name} = {'true' if value else 'false'}\n"
    if isinstance(value, int | float):
        return f"{name} = {value}\n"
    if isinstance(value, list):
        return f"{name} = {json.dumps(value)}\n"
    return f"{name} = {json.dumps(_text(value))}\n"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[RunConfig]:
    configs: list[RunConfig] = []
    for name in FIELDS:
        monkeypatch.delenv(env_var(name), raising=False)
    monkeypatch.delenv("TAUTRAIT_CONFIG", raising=False)

    def fake_start(config: RunConfig | None, **kwargs: Any) -> Path:
        assert config is not None
        configs.append(config)
        return Path(".")

    monkeypatch.setattr(run_cli, "start", fake_start)
    return configs


def _invoke(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["run", *args])
    assert result.exit_code == 0, (args, result.output, result.exception)


def _only_changed(config: RunConfig, name: str, value: Any) -> None:
    assert getattr(config, name) == value, name
    for other in FIELDS:
        if other != name:
            assert getattr(config, other) == getattr(DEFAULTS, other), (name, other)


@pytest.mark.parametrize("way", ["flag", "env", "file"])
def test_every_option_reaches_the_config_every_way(
    way: str, captured: list[RunConfig], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checked = 0
    for name in FIELDS:
        value = sample(name)
        captured.clear()
        if way == "flag":
            _invoke(as_flags(name, value))
        elif way == "env":
            with monkeypatch.context() as m:
                m.setenv(env_var(name), as_env(value))
                _invoke([])
        else:
            path = tmp_path / f"{name}.toml"
            path.write_text(as_toml(name, value))
            _invoke(["--config", str(path)])
        [config] = captured
        _only_changed(config, name, value)
        checked += 1
    assert checked == len(FIELDS) >= 35


def test_flag_beats_env_beats_file(
    captured: list[RunConfig], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "run.toml"
    path.write_text("prefix_cache_mb = 1\nmax_steps = 7\nseed = 5\n")
    monkeypatch.setenv("TAUTRAIT_PREFIX_CACHE_MB", "2")
    monkeypatch.setenv("TAUTRAIT_MAX_STEPS", "8")
    _invoke(["--config", str(path), "--prefix-cache-mb", "3"])
    [config] = captured
    assert (config.prefix_cache_mb, config.max_steps, config.seed) == (3, 8, 5)


def test_list_options_take_single_values_and_commas(
    captured: list[RunConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAUTRAIT_TRAIT_DICTS", '{"impatience": "high"}')
    monkeypatch.setenv("TAUTRAIT_TASK_IDS", "a, b,c")
    _invoke([])
    [config] = captured
    assert config.trait_dicts == ['{"impatience": "high"}']
    assert config.task_ids == ["a", "b", "c"]


def test_run_py_shim_builds_the_same_config(
    captured: list[RunConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("tau_run_shim", root / "run.py")
    assert spec and spec.loader
    shim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shim)
    monkeypatch.setattr(run_cli, "start", lambda config, **kw: captured.append(config))
    monkeypatch.setenv("TAUTRAIT_PREFIX_CACHE_MB", "64")
    shim.main(
        ["--env", "retail", "--model", "gpt-4o", "--model-provider", "openai",
         "--max-concurrency", "3", "--user-model-provider", "steer"]
    )  # fmt: skip
    [config] = captured
    assert config.model == "openai/gpt-4o" and config.max_concurrency == 3
    assert config.user_strategy == "steered" and config.prefix_cache_mb == 64
