"""`--user-strategy steer`: a run through a steering server over HTTP.

Through `tautrait serve` it equals the in-process steered run with the same seeds; any
other server of the seed's protocol gets the seed's four fields; failures follow every
provider's rules; the API key is never written.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tautrait.errors import UserError
from tautrait.local.models import load_local_model
from tautrait.local.pool import ModelPool, PoolSettings
from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run
from tautrait.serve.app import create_app
from tautrait.serve.service import SteeringService
from tautrait.serve.settings import ServeConfig
from tautrait.steering.basis import model_basis
from tautrait.steering.traits import load_definitions, ready_dicts
from tests.serving import ServerThread

KEY = "sk-steer-test-7f3a9c"
TRAITS = ["skeptical.json", '{"impatience": "high", "confused": 0.5}']


def _config(out: Path, **kw: Any) -> RunConfig:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "output_dir": out,
        "max_steps": 5,
        "user_max_tokens": 12,
        "seed": 3,
    }
    base.update(kw)
    return RunConfig(**base)


def _run(config: RunConfig) -> Path:
    return execute_run(prepare_run(config))


def _files_text(folder: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def test_a_steer_run_equals_the_in_process_steered_run(
    run_env: Path, tiny_checkpoint: Path
) -> None:
    local_dir = _run(
        _config(run_env / "local", user_model=str(tiny_checkpoint), trait_dicts=TRAITS)
    )
    # `tautrait serve` on the same checkpoint (load_service minus extracting every trait).
    lm = load_local_model(str(tiny_checkpoint))
    definitions = load_definitions()
    basis = model_basis(lm, [definitions[t] for t in ("skepticism", "impatience", "confusion")])
    pool = ModelPool(PoolSettings())
    service = SteeringService(lm, basis, pool.worker(lm), name="tiny-user", pool=pool)
    try:
        with ServerThread(create_app(service, ServeConfig(api_key=KEY))) as server:
            steer_dir = _run(
                _config(
                    run_env / "steer",
                    user_strategy="steer",
                    user_endpoint=server.url,
                    user_api_key=KEY,
                    trait_dicts=TRAITS,
                )
            )
    finally:
        service.close()

    local = {e.key(): e for e in read_episodes(local_dir)}
    steer = {e.key(): e for e in read_episodes(steer_dir)}
    assert len(local) == 3 * 3 and set(steer) == set(local)
    for key, episode in local.items():
        other = steer[key]
        assert other.status == episode.status == "completed"
        assert other.messages == episode.messages, key
        assert other.reward == episode.reward
        assert other.user_usage.completion_tokens == episode.user_usage.completion_tokens
        assert other.user_usage.prompt_tokens == episode.user_usage.prompt_tokens
    # The arms differ (the steering reached the server), and turns were really generated.
    by_arm = {
        a: [e.messages for k, e in sorted(steer.items()) if k[2] == a]
        for a in ("baseline", "skeptical")
    }
    assert by_arm["baseline"] != by_arm["skeptical"]
    assert all(e.user_usage.completion_tokens > 0 for e in steer.values())

    local_manifest = json.loads((local_dir / "run.json").read_text())
    manifest = json.loads((steer_dir / "run.json").read_text())
    user = manifest["user"]
    assert user["strategy"] == "steer" and user["seeded"] is True
    assert user["endpoint"] == server.url + "/steer" and user["model"] == "tiny-user"
    assert user["fingerprint"] == local_manifest["user"]["fingerprint"]
    assert user["server"]["basis"]["sha256"] == service.basis_sha256
    assert user["server"]["basis"]["traits"]["skepticism"]["blocks"] == [2]
    for mine, theirs in zip(manifest["arms"], local_manifest["arms"], strict=True):
        assert mine.get("coefficients") == theirs.get("coefficients")
        assert mine.get("blocks") == theirs.get("blocks")
    assert manifest["config"]["user_endpoint"] == server.url
    assert "user_api_key" not in manifest["config"]
    assert KEY not in _files_text(steer_dir)


def _stand_in(
    handle: Callable[[str, dict[str, Any] | None, dict[str, str]], tuple[int, Any]],
) -> tuple[Any, list[tuple[str, Any, dict[str, str]]]]:
    """A bare ASGI server of the seed's protocol; records every request it gets."""
    seen: list[tuple[str, Any, dict[str, str]]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        data = json.loads(body) if body else None
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        seen.append((scope["path"], data, headers))
        status, answer = handle(scope["path"], data, headers)
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app, seen


def test_another_servers_protocol_gets_the_seeds_four_fields(
    run_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's hosted service: no /health, key from STEER_API_KEY, unseeded turns."""
    monkeypatch.setenv("STEER_API_KEY", KEY)

    def hosted(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if path != "/steer_bare":
            return 404, {"detail": "Not Found"}
        return 200, {"response": "I want to return order O1. ###STOP###"}

    app, seen = _stand_in(hosted)
    with ServerThread(app) as server:
        run_dir = _run(
            _config(
                run_env,
                user_strategy="steer",
                user_endpoint=server.url + "/steer_bare",
                trait_dicts=["skeptical.json"],
            )
        )
    episodes = read_episodes(run_dir)
    assert len(episodes) == 6 and all(e.status == "completed" for e in episodes)
    assert all(e.termination == "user_stop" for e in episodes)
    posts = [(body, headers) for path, body, headers in seen if path == "/steer_bare"]
    assert len(posts) == 6
    for body, headers in posts:
        assert set(body) == {"trait_dict", "messages", "temperature", "max_tokens"}
        assert headers["api-key"] == KEY
        assert [m["role"] for m in body["messages"]][:2] == ["system", "user"]
    trait_dicts = [b["trait_dict"] for b, _ in posts]
    assert trait_dicts.count({}) == 3
    # The ready dict exactly as written (the seed's format).
    written = json.loads(ready_dicts()["skeptical.json"].read_text())
    assert written["skepticism"] == "medium" and trait_dicts.count(written) == 3
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["user"]["seeded"] is False and manifest["user"]["server"] is None
    assert KEY not in _files_text(run_dir)


@pytest.mark.parametrize(
    ("status", "attempts", "kind"),
    [(503, 2, "provider_transient"), (429, 2, "provider_transient"), (400, 1, "provider_error")],
)
def test_server_failures_are_infra_errors_after_the_retry_rules(
    run_env: Path, status: int, attempts: int, kind: str
) -> None:
    app, seen = _stand_in(lambda path, body, headers: (status, {"error": {"message": "no"}}))
    with ServerThread(app) as server:
        run_dir = _run(
            _config(
                run_env,
                user_strategy="steer",
                user_endpoint=server.url,
                retry_attempts=2,
            )
        )
    episodes = read_episodes(run_dir)
    assert len(episodes) == 3
    for episode in episodes:
        assert episode.status == "infra_error" and episode.reward is None
        assert episode.error is not None
        assert (episode.error.kind, episode.error.attempts) == (kind, attempts)
        assert f"HTTP {status}" in episode.error.message
    assert sum(path == "/steer" for path, _, _ in seen) == 3 * attempts
    assert "**Infrastructure errors: 3**" in (run_dir / "report.md").read_text()


def test_a_run_refuses_a_server_it_cannot_use(run_env: Path, tiny_checkpoint: Path) -> None:
    with pytest.raises(UserError, match="needs --user-endpoint"):
        prepare_run(_config(run_env, user_strategy="steer"))
    with pytest.raises(UserError, match="not an http"):
        prepare_run(_config(run_env, user_strategy="steer", user_endpoint="gpu:8000"))
    app, _ = _stand_in(lambda path, body, headers: (401, {"error": {"message": "key"}}))
    with ServerThread(app) as server:
        url = server.url
        with pytest.raises(UserError, match="refused the API key"):
            prepare_run(_config(run_env, user_strategy="steer", user_endpoint=url))
    with pytest.raises(UserError, match="cannot reach the steer server"):
        prepare_run(_config(run_env, user_strategy="steer", user_endpoint=url))
    health = {"server": "tautrait", "traits": ["impatience"], "model": {"name": "m"}}
    app, _ = _stand_in(lambda path, body, headers: (200, health))
    with (
        ServerThread(app) as server,
        pytest.raises(UserError, match="no direction for skepticism"),
    ):
        prepare_run(
            _config(
                run_env,
                user_strategy="steer",
                user_endpoint=server.url,
                trait_dicts=["skeptical.json"],
            )
        )
    assert not run_env.exists()


def test_a_resumed_steer_run_takes_the_key_from_the_invocation(run_env: Path) -> None:
    import subprocess
    import sys

    health = {"server": "tautrait", "traits": ["skepticism"], "model": {"name": "m"}}

    def keyed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if headers.get("api-key") != KEY:
            return 401, {"error": {"message": "key"}}
        return (200, health) if path == "/health" else (200, {"response": "Bye. ###STOP###"})

    app, _ = _stand_in(keyed)
    with ServerThread(app) as server:
        # The first run from the command line, the key as a flag (so it is in sys.argv).
        first = subprocess.run(
            [
                sys.executable,
                "-m",
                "tautrait",
                "run",
                "--env",
                "mock",
                "--model",
                "scripted/gold",
                "--user-strategy",
                "steer",
                "--user-endpoint",
                server.url,
                "--user-api-key",
                KEY,
                "--output-dir",
                str(run_env),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert first.returncode == 0, first.stderr
        (run_dir,) = run_env.iterdir()
        assert [e.status for e in read_episodes(run_dir)] == ["completed"] * 3
        command = json.loads((run_dir / "run.json").read_text())["command"]
        assert command[command.index("--user-api-key") + 1] == "***"
        with pytest.raises(UserError, match="refused the API key"):
            prepare_run(RunConfig(), resume=run_dir)
        assert prepare_run(RunConfig(user_api_key=KEY), resume=run_dir).config.user_api_key
        # One episode lost (as by a kill): the resumed run must play it, with the key.
        episodes = run_dir / "episodes.jsonl"
        episodes.write_text("".join(episodes.read_text().splitlines(keepends=True)[:-1]))
        result = subprocess.run(
            [sys.executable, "-m", "tautrait", "run", "--resume", str(run_dir)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "TAUTRAIT_USER_API_KEY": KEY},
        )
    assert result.returncode == 0, result.stderr
    assert "2 already done, 1 to run" in " ".join(result.stderr.split())
    assert [e.status for e in read_episodes(run_dir)] == ["completed"] * 3
    assert KEY not in _files_text(run_dir) + result.stderr + result.stdout + first.stderr


def test_secret_flags_are_redacted_from_the_recorded_command() -> None:
    from tautrait.runner.manifest import redacted_command

    argv = ["tautrait", "run", "--user-api-key", "k1", "--api-key=k2", "--seed", "3", "--env"]
    assert redacted_command(argv) == [
        "tautrait",
        "run",
        "--user-api-key",
        "***",
        "--api-key=***",
        "--seed",
        "3",
        "--env",
    ]
