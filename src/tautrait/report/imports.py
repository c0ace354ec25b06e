"""Importing tau-bench and tau-trait results files, so their runs can be reported and compared.

Both harnesses write a JSON list of ``{task_id, reward, info, traj, trial}``: one list per
agent x user configuration, i.e. one *arm* of one domain and agent. What the file does
not say is read from its name, and can always be set explicitly with
``PATH#arm=skeptical&domain=retail&model=gpt-4o`` (keys: arm, domain, model, temperature,
user, run):

- tau-bench names its files ``<strategy>-<model>-<temperature>_range_<start>-<end>``
  ``_user-<user model>-<user strategy>_<time>.json``; the arm is the baseline (tau-bench
  has no traits).
- tau-trait's published trajectories are ``<trait>_<domain>.json`` and
  ``<domain>_none.json`` (the baseline) in a ``<model>_trajectories`` folder.
- Otherwise the domain is taken from the policy's title in the system prompt.

The domain names recognised are those of the installed domains (nothing lists them
here); a file of another domain needs ``#domain=<name>``.

Imported files of the same domain, agent and user become one run, so a trait file pairs
with its baseline file by (task, trial). A result whose ``info`` holds an ``error`` is
what tau-bench records when the episode crashed: it is imported as an infrastructure
error (tau-bench scored it 0; here it is excluded, and shown). The agent's cost is not in
these files, so it shows as unknown.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from tautrait.errors import UserError
from tautrait.records import EpisodeError, EpisodeRecord, Termination, Usage
from tautrait.report.load import BASELINE, ArmMeta, Episode, LoadedRun, episode_id, read_json
from tautrait.report.schema import EpisodeRef, RunInfo

OVERRIDE_KEYS = ("arm", "domain", "model", "temperature", "user", "run")
STOP_MARKER = "###STOP###"
TRANSFER_TOOL = "transfer_to_human_agents"

_TAU_BENCH_NAME = re.compile(
    r"^(?P<strategy>tool-calling|act|react|few-shot|[a-z-]+?)-(?P<model>.+)-(?P<temperature>\d+(?:\.\d+)?)"
    r"_range_(?P<start>-?\d+)-(?P<end>-?\d+)_user-(?P<user>.+)-(?P<user_strategy>[a-z_]+)_(?P<time>\d+)$"
)


class ImportedResult(BaseModel):
    """One element of a tau-bench / tau-trait results list."""

    model_config = ConfigDict(extra="allow")

    task_id: int | str
    reward: float
    info: dict[str, Any] = {}
    traj: list[dict[str, Any]] = []
    trial: int = 0


@dataclass
class ImportedFile:
    path: Path
    domain: str
    agent: str
    temperature: float | None
    user: str
    arm: str
    run_id: str | None
    results: list[ImportedResult]


def _domains() -> list[str]:
    """The installed domains' names (discovered, never listed), longest first so that a
    name containing another is matched before it."""
    try:
        from tautrait.domain.loader import available_domains

        names = list(available_domains())
    except Exception:  # a broken data path must not stop an import
        names = []
    return sorted(names, key=len, reverse=True)


def _domain_from_prompt(results: list[ImportedResult], domains: list[str]) -> str | None:
    for result in results:
        for message in result.traj:
            if message.get("role") == "system" and isinstance(message.get("content"), str):
                head = (
                    message["content"].strip().splitlines()[0].lower() if message["content"] else ""
                )
                for name in domains:
                    if name in head:
                        return name
                return None
    return None


def _from_name(path: Path, domains: list[str]) -> dict[str, Any]:
    """What a tau-bench or tau-trait file name says about its run."""
    found: dict[str, Any] = {}
    stem = path.stem
    match = _TAU_BENCH_NAME.match(stem)
    if match:
        found["model"] = match["model"]
        found["temperature"] = float(match["temperature"])
        found["user"] = f"{match['user_strategy']}:{match['user']}"
        found["arm"] = BASELINE
        return found
    parts = stem.lower().split("_")
    named = [p for p in parts if p in domains]
    if named:
        found["domain"] = named[0]
        rest = [p for p in parts if p != named[0]]
        if rest == ["none"] or not rest:
            found["arm"] = BASELINE
        else:
            found["arm"] = "_".join(rest)
    folder = path.parent.name
    if folder.endswith("_trajectories") and len(folder) > len("_trajectories"):
        found["model"] = folder[: -len("_trajectories")]
    return found


def import_results(path: Path, overrides: dict[str, str]) -> ImportedFile:
    """Read one results file (nothing is paired yet: see :func:`merge_imports`)."""
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise UserError(
            f"{path}: unknown override {', '.join(unknown)}; use {', '.join(OVERRIDE_KEYS)}"
        )
    data = read_json(path)
    shape = "a JSON list of {task_id, reward, info, traj, trial}"
    if not isinstance(data, list):
        raise UserError(
            f"{path} is neither a run folder nor a tau-bench / tau-trait results file ({shape})"
        )
    if not data:
        raise UserError(f"{path} holds no results (an empty list); nothing to report")
    results = []
    for index, item in enumerate(data):
        try:
            results.append(ImportedResult.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "item"
            raise UserError(
                f"{path}: result {index} is not {shape}: {where}: {first['msg']}"
            ) from exc
    domains = _domains()
    guessed = _from_name(path, domains)
    domain = (
        overrides.get("domain") or guessed.get("domain") or _domain_from_prompt(results, domains)
    )
    temperature_text = overrides.get("temperature")
    try:
        temperature = (
            float(temperature_text) if temperature_text is not None else guessed.get("temperature")
        )
    except ValueError as exc:
        raise UserError(f"{path}: temperature={temperature_text} is not a number") from exc
    return ImportedFile(
        path=path,
        domain=domain or "unknown",
        agent=overrides.get("model") or guessed.get("model") or "unknown",
        temperature=temperature,
        user=overrides.get("user") or guessed.get("user") or "imported",
        arm=overrides.get("arm") or guessed.get("arm") or BASELINE,
        run_id=overrides.get("run"),
        results=results,
    )


def _termination(result: ImportedResult) -> Termination:
    """Inferred: tau-bench does not record why an episode ended."""
    for message in result.traj:
        for call in message.get("tool_calls") or []:
            if (call.get("function") or {}).get("name") == TRANSFER_TOOL:
                return "transfer"
    users = [m for m in result.traj if m.get("role") == "user"]
    if users and STOP_MARKER in str(users[-1].get("content") or ""):
        return "user_stop"
    return "max_steps"


def _record(result: ImportedResult, run_id: str, domain: str, arm: str) -> EpisodeRecord:
    error = result.info.get("error")
    user_cost = result.info.get("user_cost")
    assistant = [m for m in result.traj if m.get("role") == "assistant"]
    calls = sum(len(m.get("tool_calls") or []) for m in assistant)
    common: dict[str, Any] = {
        "run_id": run_id,
        "domain": domain,
        "task_id": str(result.task_id),
        "trial": result.trial,
        "arm": arm,
        "seed": 0,
        "steps": len(assistant),
        "messages": result.traj,
        "tool_calls": calls,
        "agent_usage": Usage(cost=None, calls=len(assistant)),
        "user_usage": Usage(cost=float(user_cost) if isinstance(user_cost, int | float) else None),
        "started_at": "",
        "duration_s": 0.0,
    }
    if error is not None:
        message = error if isinstance(error, str) else json.dumps(error)
        return EpisodeRecord(
            **common,
            status="infra_error",
            reward=None,
            termination="infra_error",
            error=EpisodeError(kind="imported_error", message=message[:2000]),
        )
    return EpisodeRecord(
        **common, status="completed", reward=result.reward, termination=_termination(result)
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def merge_imports(files: list[ImportedFile]) -> list[LoadedRun]:
    """One run per (domain, agent, temperature, user); its arms are the files."""
    groups: dict[tuple[str, str, float | None, str, str | None], list[ImportedFile]] = {}
    for f in files:
        groups.setdefault((f.domain, f.agent, f.temperature, f.user, f.run_id), []).append(f)
    runs = []
    for (domain, agent, temperature, user, given_id), members in groups.items():
        arms: dict[str, ImportedFile] = {}
        for f in members:
            if f.arm in arms:
                raise UserError(
                    f"{arms[f.arm].path} and {f.path} are both arm {f.arm!r} of {domain} / "
                    f"{agent}; name one with PATH#arm=NAME (or PATH#run=NAME to keep them apart)"
                )
            arms[f.arm] = f
        digest = hashlib.sha256(
            "\n".join(sorted(str(f.path.resolve()) for f in members)).encode()
        ).hexdigest()[:6]
        run_id = given_id or f"import-{_slug(domain)}-{_slug(agent)}-{digest}"
        episodes: list[Episode] = []
        task_ids: list[str] = []
        for f in members:
            latest: dict[tuple[str, int], tuple[int, EpisodeRecord]] = {}
            for index, result in enumerate(f.results):
                record = _record(result, run_id, domain, f.arm)
                latest[(record.task_id, record.trial)] = (index, record)
            for index, record in latest.values():
                if record.task_id not in task_ids:
                    task_ids.append(record.task_id)
                ref = EpisodeRef(
                    episode_id=episode_id(run_id, record.task_id, record.trial, f.arm),
                    run_id=run_id,
                    task_id=record.task_id,
                    trial=record.trial,
                    arm=f.arm,
                    source=str(f.path),
                    line=None,
                    index=index,
                )
                episodes.append(Episode(record=record, ref=ref))
        ordered = sorted(arms, key=lambda a: (a != BASELINE, list(arms).index(a)))
        info = RunInfo(
            run_id=run_id,
            kind="tau-bench",
            source=", ".join(str(f.path) for f in members),
            domain=domain,
            agent=agent,
            temperature=temperature,
            user=user,
            arms=ordered,
            created_at=None,
            domain_sha256=None,
            tasks_sha256=None,
            task_split=None,
            task_ids=task_ids,
            episodes=len(episodes),
        )
        runs.append(
            LoadedRun(
                info=info,
                arms={a: ArmMeta(trait_dict=None) for a in ordered},
                episodes=episodes,
            )
        )
    return runs
