"""No secret is ever written: fake API keys in the environment appear in no output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"
SECRETS = {
    "OPENAI_API_KEY": "sk-fake-openai-5c7e2b9a41d0",
    "ANTHROPIC_API_KEY": "sk-ant-fake-8d1f3e6b2c90",
    "HF_TOKEN": "hf_fakeToken7a9c2e4b6d8f",
    "TAUTRAIT_API_KEY": "tt-fake-0e2d4c6a8b1f",
}


def test_fake_api_keys_never_reach_results_reports_or_logs(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(SECRETS)
    env.update(TAUTRAIT_DATA_PATH=str(FIXTURES), TAUTRAIT_CACHE_DIR=str(tmp_path / "cache"))
    out = tmp_path / "results"
    cli = [sys.executable, "-m", "tautrait"]
    run = subprocess.run(
        [*cli, "run", "--env", "mock", "--model", "scripted/gold", "--user-strategy", "llm",
         "--user-model", "scripted/null", "--max-steps", "3", "--output-dir", str(out),
         "--faults", "500=0.3", "--retry-initial-s", "0.001"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    run_dir = next(out.iterdir())
    outputs = [run.stdout, run.stderr]
    for fmt in ("json", "md", "html", "junit", "text"):
        report = subprocess.run(
            [*cli, "report", str(run_dir), "--format", fmt],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        outputs += [report.stdout, report.stderr]
    written = [p.read_text(errors="replace") for p in run_dir.rglob("*") if p.is_file()]
    assert {p.name for p in run_dir.iterdir()} >= {"run.json", "episodes.jsonl", "report.md"}
    for secret in SECRETS.values():
        for text in outputs + written:
            assert secret not in text
