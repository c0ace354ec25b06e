"""Reading the inputs of a report: tautrait run folders and imported results files.

A source is a run folder (``results/<run-id>``, with ``run.json`` and ``episodes.jsonl``)
or a tau-bench / tau-trait results file (see :mod:`tautrait.report.imports`). Episodes are
read exactly as the runner's reader does (the latest record per task, trial and arm; a
torn last line skipped) but keep their line number, so every number in a report points
back to the trajectory it came from. Lines that cannot be read are counted in the run's
notes instead of vanishing silently.

Bad input raises :class:`~tautrait.errors.UserError` with a one-line message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tautrait.errors import UserError
from tautrait.records import EPISODES_FILE, EpisodeRecord, read_manifest
from tautrait.report.infra import retry_causes, summarize
from tautrait.report.schema import EpisodeRef, InfraLimit, RunInfo

PASS_THRESHOLD = 1.0 - 1e-6
"""A reward at or above this passes (tau-bench's tolerance for float rewards)."""

BASELINE = "baseline"


@dataclass
class Episode:
    """One episode in memory: its record and where it was read from."""

    record: EpisodeRecord
    ref: EpisodeRef

    @property
    def passed(self) -> bool | None:
        """True/False for completed episodes; None for infrastructure errors."""
        if self.record.status != "completed" or self.record.reward is None:
            return None
        return self.record.reward >= PASS_THRESHOLD

    @property
    def completed(self) -> bool:
        return self.passed is not None


@dataclass
class ArmMeta:
    """What a run says about one arm."""

    trait_dict: dict[str, Any] | None
    steering: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoadedRun:
    """One input, read and normalised."""

    info: RunInfo
    arms: dict[str, ArmMeta]
    episodes: list[Episode]

    @property
    def task_ids(self) -> list[str]:
        return self.info.task_ids


def episode_id(run_id: str, task_id: str, trial: int, arm: str) -> str:
    return f"{run_id}/{task_id}/{trial}/{arm}"


def parse_source(spec: str) -> tuple[Path, dict[str, str]]:
    """``PATH`` or ``PATH#key=value&key=value`` (overrides for imported files).

    A path that exists as given wins, so a file name containing ``#`` still works.
    """
    path = Path(spec)
    if path.exists() or "#" not in spec:
        return path, {}
    base, _, query = spec.rpartition("#")
    overrides: dict[str, str] = {}
    for part in query.split("&"):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(
                f"{spec}: bad override {part!r}; write PATH#arm=NAME&domain=NAME&model=NAME"
            )
        overrides[key.strip()] = value.strip()
    return Path(base), overrides


def load_sources(specs: list[str]) -> list[LoadedRun]:
    """Every source, in order; imported files of one domain and agent become one run."""
    from tautrait.report.imports import ImportedFile, import_results, merge_imports

    runs: list[LoadedRun] = []
    imported: list[ImportedFile] = []
    for spec in specs:
        path, overrides = parse_source(spec)
        if path.is_dir():
            if overrides:
                raise UserError(f"{spec}: #overrides apply to imported files, not run folders")
            runs.append(load_run_dir(path))
        elif path.is_file():
            imported.append(import_results(path, overrides))
        else:
            raise UserError(
                f"{path} is not a run folder or a results file (it does not exist); pass "
                "results/<run-id> or a tau-bench / tau-trait results file"
            )
    runs.extend(merge_imports(imported))
    seen: dict[str, str] = {}
    for run in runs:
        if run.info.run_id in seen:
            raise UserError(
                f"run {run.info.run_id} is given twice ({seen[run.info.run_id]} and "
                f"{run.info.source}); pass each run once"
            )
        seen[run.info.run_id] = run.info.source
    return runs


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror or exc}; check its permissions"
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: not valid JSON ({exc}); the file is damaged") from exc


def read_episode_lines(path: Path) -> tuple[list[tuple[int, EpisodeRecord]], list[str]]:
    """(line number, record) for the latest record per (task, trial, arm), and notes."""
    notes: list[str] = []
    if not path.is_file():
        return [], notes
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror or exc}; check its permissions"
        ) from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"cannot read {path}: not UTF-8 text ({exc})") from exc
    lines = text.split("\n")
    latest: dict[tuple[str, int, str], tuple[int, EpisodeRecord]] = {}
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = EpisodeRecord.model_validate_json(line)
        except ValidationError:
            if number == len(lines) and not text.endswith("\n"):
                notes.append(f"skipped a torn last line ({path.name}:{number})")
            else:
                bad.append(number)
            continue
        latest.pop(record.key(), None)
        latest[record.key()] = (number, record)
    if bad:
        shown = ", ".join(str(n) for n in bad[:5]) + (" ..." if len(bad) > 5 else "")
        notes.append(f"skipped {len(bad)} unreadable line(s) of {path.name}: {shown}")
    return list(latest.values()), notes


def load_run_dir(run_dir: Path) -> LoadedRun:
    """A tautrait run folder."""
    manifest = read_manifest(run_dir)
    episodes_path = run_dir / EPISODES_FILE
    lines, notes = read_episode_lines(episodes_path)
    run_id = manifest.run_id
    arms: dict[str, ArmMeta] = {}
    for arm in manifest.arms:
        arms[arm.name or "?"] = ArmMeta(trait_dict=arm.trait_dict, steering=arm.steering())
    episodes = []
    for number, record in lines:
        if record.run_id != run_id:
            raise UserError(
                f"{episodes_path}:{number} belongs to run {record.run_id}, not {run_id}; "
                "remove the lines copied from another run"
            )
        if record.arm not in arms:
            arms[record.arm] = ArmMeta(trait_dict=record.steering.trait_dict)
        ref = EpisodeRef(
            episode_id=episode_id(run_id, record.task_id, record.trial, record.arm),
            run_id=run_id,
            task_id=record.task_id,
            trial=record.trial,
            arm=record.arm,
            source=str(episodes_path),
            line=number,
        )
        episodes.append(Episode(record=record, ref=ref))
    task_ids = list(manifest.tasks.task_ids)
    invalid = manifest.tasks.invalid
    if invalid:  # a foreign benchmark's tasks that fail the validity gates (run.json)
        skipped = manifest.tasks.skipped_invalid
        how = "left out (--skip-invalid)" if skipped else "run and scored as the original does"
        notes.append(
            f"{len(invalid)} selected task(s) fail the validity gates, {how}: "
            + "; ".join(
                f"{t} ({', '.join(r.split(':')[0] for r in rs)})" for t, rs in invalid.items()
            )
        )
    for e in episodes:
        if e.record.task_id not in task_ids:
            task_ids.append(e.record.task_id)
    info = RunInfo(
        run_id=run_id,
        kind="tautrait",
        source=str(run_dir),
        domain=manifest.domain.name,
        agent=manifest.agent.model,
        temperature=manifest.agent.temperature,
        user=f"{manifest.user.strategy}:{manifest.user.model}",
        arms=list(arms),
        created_at=manifest.created_at,
        domain_sha256=manifest.domain.content_sha256,
        tasks_sha256=manifest.tasks.sha256,
        task_split=manifest.tasks.split,
        task_ids=task_ids,
        episodes=len(episodes),
        git_commit=manifest.git.commit,
        notes=notes,
        infra_limit=infra_limit(
            manifest.settings().max_infra_errors, [record for _, record in lines]
        ),
        retries=retry_causes(record for _, record in lines),
        requeued=sum(record.requeued for _, record in lines),
    )
    return LoadedRun(info=info, arms=arms, episodes=episodes)


def infra_limit(limit: float, records: list[EpisodeRecord]) -> InfraLimit:
    """The run's verdict against its ``max_infra_errors`` (the default for runs made
    before the setting existed: see :class:`~tautrait.records.ConfigRecord`)."""
    summary = summarize(records, limit)
    return InfraLimit(
        max_infra_errors=limit,
        allowed=summary.allowed,
        errors=summary.errors,
        by_kind=summary.by_kind,
        over=summary.over,
        summary=summary.line(),
    )
