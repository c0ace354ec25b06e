"""kill -9 at random points, then --resume: nothing lost, nothing counted twice.

Subprocesses with scripted models (no local model is loaded). Kills land anywhere:
during start-up, between episodes, in the middle of writing a record (a torn line).
The final ``report --format json`` must equal an uninterrupted run's, except fields that
legitimately differ between two runs: run ids and folder paths (replaced by
placeholders), ``created_at``, and ``line`` (an episode's line in episodes.jsonl: the
order in which episodes finished).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"
TASKS, TRIALS = 3, 6
GRID = TASKS * TRIALS
# Each model call waits this long, like a remote model: without it the harness plays the
# whole grid between two kills, and the kills would only ever land in start-up.
LATENCY_MS = 300
ARGS = [
    "--env", "mock", "--model", f"scripted/gold?latency_ms={LATENCY_MS}", "--user-strategy",
    "llm", "--user-model", f"scripted/null?latency_ms={LATENCY_MS}", "--max-steps", "3", "--num-trials", str(TRIALS),
    "--max-concurrency", "2",
]  # fmt: skip
KILLS = 10


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TAUTRAIT_DATA_PATH=str(FIXTURES), TAUTRAIT_CACHE_DIR=str(tmp / "cache"))
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tautrait", *args]


def _lines(run_dir: Path | None) -> int:
    if run_dir is None or not (run_dir / "episodes.jsonl").is_file():
        return 0
    return (run_dir / "episodes.jsonl").read_bytes().count(b"\n")


def _run_dir(out: Path) -> Path | None:
    found = [p for p in out.iterdir() if (p / "run.json").is_file()] if out.is_dir() else []
    return found[0] if found else None


def _report(run_dir: Path, env: dict[str, str]) -> Any:
    result = subprocess.run(
        _cli("report", str(run_dir), "--format", "json"),
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    text = result.stdout.replace(str(run_dir), "RUN_DIR").replace(run_dir.name, "RUN_ID")
    return _strip(json.loads(text))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("line", "created_at")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_kill_9_at_random_points_then_resume_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    rng = random.Random(16)
    reference_out = tmp_path / "reference"
    subprocess.run(
        _cli("run", *ARGS, "--output-dir", str(reference_out)),
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    reference_dir = _run_dir(reference_out)
    assert reference_dir is not None

    out = tmp_path / "killed"
    run_dir: Path | None = None
    kills = torn = 0
    while kills < KILLS:
        args = ["--resume", str(run_dir)] if run_dir else [*ARGS, "--output-dir", str(out)]
        process = subprocess.Popen(
            _cli("run", *args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        before = _lines(run_dir)
        if run_dir is None:  # the first kill: once the run folder exists
            deadline = time.monotonic() + 120
            while _run_dir(out) is None and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.5))
        elif rng.random() < 0.4:
            time.sleep(rng.uniform(0.0, 4.0))  # start-up, preflight, or mid-episode
        else:
            target = before + rng.randint(1, 2)
            deadline = time.monotonic() + 120
            while _lines(run_dir) < target and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.05))  # often mid-write of the next record
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        run_dir = run_dir or _run_dir(out)
        if run_dir is not None:
            data = (run_dir / "episodes.jsonl").read_bytes() if _lines(run_dir) else b""
            torn += bool(data) and not data.endswith(b"\n")
        assert run_dir is None or _lines(run_dir) < GRID, "the grid finished before 10 kills"
    assert run_dir is not None
    finished = subprocess.run(_cli("run", "--resume", str(run_dir)), env=env, capture_output=True)
    assert finished.returncode == 0, finished.stderr

    # 0 lost, 0 duplicated: one valid line per episode of the grid.
    records = [
        json.loads(line)
        for line in (run_dir / "episodes.jsonl").read_text().splitlines()
        if line.strip()
    ]
    keys = [(r["task_id"], r["trial"], r["arm"]) for r in records]
    assert len(keys) == len(set(keys)) == GRID
    assert all(r["status"] == "completed" for r in records)
    assert _report(run_dir, env) == _report(reference_dir, env)

    # Resuming a finished run is a no-op that says so.
    before = _folder_hash(run_dir)
    again = subprocess.run(
        _cli("run", "--resume", str(run_dir)), env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "already complete" in again.stderr
    assert _folder_hash(run_dir) == before
    print(f"kills: {kills}, torn lines cut: {torn}, lost: 0, duplicated: 0")


@pytest.mark.parametrize("damage", ["middle", "foreign"])
def test_resume_refuses_a_damaged_or_foreign_episodes_file(tmp_path: Path, damage: str) -> None:
    env = _env(tmp_path)
    out = tmp_path / "out"
    subprocess.run(
        _cli("run", *ARGS[:-4], "--num-trials", "1", "--output-dir", str(out)),
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    run_dir = _run_dir(out)
    assert run_dir is not None
    path = run_dir / "episodes.jsonl"
    lines = path.read_text().splitlines()
    if damage == "middle":
        lines[0] = lines[0][: len(lines[0]) // 2]
    else:
        lines[1] = lines[1].replace(run_dir.name, "20200101-000000-mock-ffffff")
    path.write_text("\n".join(lines) + "\n")
    before = _folder_hash(run_dir)
    result = subprocess.run(
        _cli("run", "--resume", str(run_dir)), env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert ("damaged" if damage == "middle" else "belongs to run") in result.stderr
    assert _folder_hash(run_dir) == before
