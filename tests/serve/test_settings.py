"""`tautrait serve`'s settings: safe by default, one-line errors before any model loads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.serve.app import bind_socket
from tautrait.serve.settings import ServeConfig, build_serve_config, check_bind, is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("gpu-box", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_non_loopback_bind_needs_a_key() -> None:
    check_bind(ServeConfig())
    check_bind(ServeConfig(host="0.0.0.0", api_key="k"))
    with pytest.raises(UserError, match="pass --api-key"):
        check_bind(ServeConfig(host="0.0.0.0"))


def test_the_key_never_shows() -> None:
    config = ServeConfig(api_key="very-secret")
    assert "very-secret" not in repr(config) and "api_key" not in config.model_dump()
    assert config.api_key is not None and config.api_key.get_secret_value() == "very-secret"


def test_flags_env_and_file_merge(tmp_path: Path) -> None:
    path = tmp_path / "serve.toml"
    path.write_text('[serve]\nmax_batch_size = 32\nport = 9000\ncompose = "orthogonal"\n')
    config = build_serve_config({"port": 9100, "host": None}, path)
    assert (config.max_batch_size, config.port, config.compose) == (32, 9100, "orthogonal")
    path.write_text("max_batch = 3\n")
    with pytest.raises(UserError, match="unknown keys max_batch"):
        build_serve_config({}, path)
    with pytest.raises(UserError, match="--port"):
        build_serve_config({"port": 70000})


def test_a_taken_port_is_a_one_line_error() -> None:
    taken = bind_socket("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind_socket("127.0.0.1", port)
    finally:
        taken.close()


def test_without_the_extra_serve_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from tautrait.cli import serve

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name)
    )
    with pytest.raises(UserError, match=r"pip install 'tautrait\[server\]'"):
        serve.require_server_extra()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--host", "0.0.0.0"], "--api-key"),
        (["--port", "99999"], "--port"),
        (["--compose", "sideways"], "--compose"),
        (["--max-tokens", "0"], "--max-tokens"),
    ],
)
def test_the_cli_refuses_bad_settings_in_one_line(args: list[str], fragment: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAUTRAIT_SERVE_")}
    result = subprocess.run(
        [sys.executable, "-m", "tautrait", "serve", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
