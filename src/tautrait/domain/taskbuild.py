"""``tautrait tasks build``: task sources in, task splits out, every fact checked on the data.

For each source (:mod:`tautrait.domain.tasksource`) the builder replays the gold actions
on a fresh copy of the seed database, filling each reference from the results so far;
every gold action must succeed. It then fills the required outputs, checks that every
listed refusal is refused with its reason, and writes the split as the runner reads it:
``tasks/<domain>/<split>.json``, a JSON list in file-name order, two-space indented, with
non-ASCII text as is. The build is deterministic, so the committed JSON can be checked
against its sources (``--check``, run in CI for every domain).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tautrait import paths
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain, load_domain
from tautrait.domain.tasks import GoldAction, Task
from tautrait.domain.tasksource import (
    SOURCE_SUFFIX,
    BadReference,
    StatedOutput,
    TaskSource,
    as_action,
    fill,
    fill_text,
    read_source,
)
from tautrait.errors import UserError


class BuildError(UserError):
    """A source that does not hold on the data: a gold action or a refusal check failed."""


@dataclass
class SplitBuild:
    """One split built from its sources (not yet written)."""

    domain: str
    split: str
    path: Path
    """Where the split is written: ``tasks/<domain>/<split>.json``."""
    tasks: list[dict[str, Any]]
    text: str = field(repr=False)

    def differences(self) -> list[str]:
        """How the file on disk differs from this build (empty: identical bytes)."""
        return _differences(self)


def source_folder(name: str) -> Path | None:
    """``tasks/<name>/`` of the first data root that holds sources for the domain."""
    for root in paths.find_dirs("tasks"):
        folder = root / name
        if folder.is_dir() and _split_folders(folder):
            return folder
    return None


def domains_with_sources() -> list[str]:
    """Every domain name that some data root has task sources for."""
    found: set[str] = set()
    for root in paths.find_dirs("tasks"):
        found.update(f.name for f in root.iterdir() if f.is_dir() and _split_folders(f))
    return sorted(found)


def _split_folders(folder: Path) -> dict[str, Path]:
    return {
        sub.name: sub
        for sub in sorted(folder.iterdir())
        if sub.is_dir() and any(sub.glob(f"*{SOURCE_SUFFIX}"))
    }


def build_domain(name: str) -> list[SplitBuild]:
    """Build every split of a domain from its sources (raises :class:`BuildError`)."""
    folder = source_folder(name)
    if folder is None:
        raise UserError(
            f"no task sources for domain {name!r}: expected tasks/{name}/<split>/*"
            f"{SOURCE_SUFFIX} on the data path"
        )
    domain = load_domain(name)
    builds = []
    for split, split_dir in _split_folders(folder).items():
        tasks = [
            build_task(domain, path.stem, read_source(path))
            for path in sorted(split_dir.glob(f"*{SOURCE_SUFFIX}"))
        ]
        builds.append(
            SplitBuild(name, split, folder / f"{split}.json", tasks, render(tasks)),
        )
    return builds


def stale_splits(name: str) -> list[Path]:
    """Committed split files of a domain that no source folder builds."""
    folder = source_folder(name)
    if folder is None:
        return []
    built = set(_split_folders(folder))
    return [p for p in sorted(folder.glob("*.json")) if p.stem not in built]


def render(tasks: list[dict[str, Any]]) -> str:
    """A split's file text."""
    return json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"


def build_task(domain: Domain, task_id: str, source: TaskSource) -> dict[str, Any]:
    """Replay one source and return its task as written to the split."""
    env = Environment(domain)
    results: list[Any] = []
    gold: list[GoldAction] = []
    auth_steps: list[int] = []
    try:
        for index, call in enumerate(source.gold_actions):
            action = _filled(task_id, as_action(call), results, f"gold action #{index}")
            before = env.auth.verified
            outcome = env.execute(action.name, action.kwargs)
            if outcome.outcome != "ok":
                raise BuildError(
                    f"{task_id}: gold action #{index} {action.name} was refused: {outcome.content}"
                )
            if env.auth.verified != before:
                auth_steps.append(index)
            gold.append(action)
            results.append(_parsed(outcome.content))
    finally:
        env.close()
    outputs = []
    texts = [json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r for r in results]
    for output in source.required_outputs:
        if isinstance(output, StatedOutput):
            outputs.append(output.text)
            continue
        try:
            outputs.append(fill_text(output, results))
        except BadReference as exc:
            raise BuildError(f"{task_id}: required output {exc}") from None
        if outputs[-1] == output and not _in_results(output, texts):
            raise BuildError(
                f"{task_id}: required output {output!r} is in no gold result: reference the "
                f"result it comes from, or write {{text: {output!r}, why: ...}} saying how it "
                "follows from the results or the policy"
            )
    if not outputs and not any(domain.tools[a.name].writes for a in gold if a.name in domain.tools):
        raise BuildError(f"{task_id}: a read-only task needs a required output")
    for number, refusal in enumerate(source.refusals):
        _check_refusal(
            domain,
            task_id,
            number,
            refusal.after,
            refusal.reason,
            gold,
            results,
            as_action(refusal.call),
            auth_steps,
        )
    scenario_keys = {"persona", "goal", "known_info"} | (
        {"withheld"} & source.scenario.model_fields_set
    )
    record: dict[str, Any] = {
        "id": task_id,
        "scenario": source.scenario.model_dump(include=scenario_keys),
        "gold_actions": [a.model_dump() for a in gold],
        "required_outputs": outputs,
        "tags": list(source.tags),
    }
    if source.order_stated:
        record["order_stated"] = True
    Task.model_validate(record)
    return record


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _in_results(output: str, texts: list[str]) -> bool:
    """Does a literal output appear in a gold result (text anywhere, case folded;
    an amount by value)?"""
    wanted = output.casefold()
    if any(wanted in text.casefold() for text in texts):
        return True
    try:
        value = float(output.replace(",", "").removeprefix("$"))
    except ValueError:
        return False
    return any(abs(float(n) - value) < 0.005 for text in texts for n in _NUMBER.findall(text))


def _filled(task_id: str, action: GoldAction, results: list[Any], where: str) -> GoldAction:
    try:
        return GoldAction(name=action.name, kwargs=fill(action.kwargs, results))
    except BadReference as exc:
        raise BuildError(f"{task_id}: {where} {action.name}: {exc}") from None


def _parsed(content: str) -> Any:
    try:
        return json.loads(content)
    except json.JSONDecodeError:
        return content


def _check_refusal(
    domain: Domain,
    task_id: str,
    number: int,
    after: int,
    reason: str,
    gold: list[GoldAction],
    results: list[Any],
    call: GoldAction,
    auth_steps: list[int],
) -> None:
    """The call must be refused, citing ``reason``, once the customers are authenticated
    and the first ``after`` gold actions replayed."""
    where = f"{task_id}: refusal #{number} ({call.name})"
    if after > len(gold):
        raise BuildError(f"{where}: after {after}, but the task has {len(gold)} gold actions")
    action = _filled(task_id, call, results[:after], f"refusal #{number}")
    env = Environment(domain)
    try:
        for index in [*auth_steps, *range(after)]:
            replayed = env.execute(gold[index].name, gold[index].kwargs)
            if replayed.outcome != "ok":
                raise BuildError(f"{where}: gold action #{index} failed: {replayed.content}")
        outcome = env.execute(action.name, action.kwargs)
    finally:
        env.close()
    if outcome.outcome == "ok":
        raise BuildError(f"{where}: the tools accepted it; expected a refusal citing {reason!r}")
    if outcome.outcome != "error" or reason not in outcome.content:
        raise BuildError(f"{where}: expected a refusal citing {reason!r}, got {outcome.content}")


def _differences(build: SplitBuild) -> list[str]:
    where = f"tasks/{build.domain}/{build.split}.json"
    if not build.path.is_file():
        return [f"{where}: missing (run `tautrait tasks build --env {build.domain}`)"]
    committed = build.path.read_text(encoding="utf-8")
    if committed == build.text:
        return []
    try:
        old = {t["id"]: t for t in json.loads(committed)}
    except (json.JSONDecodeError, TypeError, KeyError):
        return [f"{where}: not a list of tasks"]
    new = {t["id"]: t for t in build.tasks}
    found = [f"{where}: {i} is not built from any source" for i in old if i not in new]
    found += [f"{where}: {i} is new" for i in new if i not in old]
    for task_id, task in new.items():
        if task_id in old and old[task_id] != task:
            fields = sorted(k for k in {*task, *old[task_id]} if task.get(k) != old[task_id].get(k))
            found.append(f"{where}: {task_id} differs in {', '.join(fields)}")
    if not found:
        order = list(old) != list(new)
        found.append(f"{where}: {'task order' if order else 'formatting'} differs")
    return found
