"""A run: tasks x trials x arms, played concurrently, written as they finish.

:func:`prepare_run` resolves everything that can fail on bad input (domain, tasks, trait
dicts, models, basis) before anything is written, so a mistake costs a one-line error
and leaves no half-made run folder. :func:`execute_run` then plays the remaining
episodes under ``max_concurrency``, appends each record the moment it ends, shows
progress, and writes ``report.md``.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tautrait import faults
from tautrait.agent.tool_calling import AgentSettings, ToolCallingAgent
from tautrait.domain.loader import Domain, load_domain
from tautrait.domain.tasks import Task, TaskFile, load_tasks
from tautrait.errors import UserError
from tautrait.llm import litellm_module
from tautrait.local import pool as local_pool
from tautrait.records import EPISODES_FILE, MANIFEST_FILE, EpisodeRecord, RunManifest, write_json
from tautrait.runner.config import EMBEDDED_AGENT, RunConfig
from tautrait.runner.episode import EpisodeSpec, run_episode
from tautrait.runner.executor import Executor, Pending, RecordSink
from tautrait.runner.manifest import (
    build_manifest,
    check_resumable,
    device_description,
    load_manifest,
    new_run_id,
)
from tautrait.runner.preflight import check_files, check_services, local_models
from tautrait.runner.ray_executor import check_ray as check_executor
from tautrait.runner.results import ResultsWriter, check_episodes, read_episodes
from tautrait.user.arms import Arm
from tautrait.user.side import UserSide, make_user, prepare_user_side


def select_tasks(task_file: TaskFile, config: RunConfig) -> list[Task]:
    tasks = task_file.tasks
    if config.task_ids:
        by_id = {t.id: t for t in tasks}
        missing = [i for i in config.task_ids if i not in by_id]
        if missing:
            raise UserError(
                f"unknown task ids for {task_file.domain}/{task_file.split}: {', '.join(missing)}"
            )
        tasks = [by_id[i] for i in config.task_ids]
    else:
        end = len(tasks) if config.end_index < 0 else config.end_index
        tasks = tasks[config.start_index : end]
    if config.shuffle:
        tasks = list(tasks)
        random.Random(config.seed).shuffle(tasks)
    if config.limit is not None:
        tasks = tasks[: config.limit]
    if not tasks:
        raise UserError("no tasks selected; check --start-index/--end-index/--task-ids/--limit")
    return tasks


def episode_seed(run_seed: int, task_id: str, trial: int) -> int:
    """Shared by every arm of a (task, trial): arms differ only in steering."""
    digest = hashlib.sha256(f"{run_seed}:{task_id}:{trial}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class PreparedRun:
    config: RunConfig
    run_dir: Path
    run_id: str
    domain: Domain
    task_file: TaskFile
    tasks: list[Task]
    arms: list[Arm]
    user_side: UserSide
    manifest: RunManifest | None
    """None on a Ray worker, which plays episodes but writes no run folder."""
    resumed: bool


def prepare_run(
    config: RunConfig, *, resume: Path | None = None, console: Console | None = None
) -> PreparedRun:
    """Resolve and check everything a run needs, cheapest and most likely mistakes first
    (trait dicts, then :mod:`preflight <tautrait.runner.preflight>`, then the domain and
    models); raise a one-line :class:`UserError` before anything is written."""
    console = console or Console(stderr=True)
    stored: RunManifest | None = None
    if resume is not None:
        given = config
        stored, config = load_manifest(resume)
        if given.user_api_key is not None:  # never stored: taken from this invocation
            config = config.model_copy(update={"user_api_key": given.user_api_key})
        check_episodes(resume, stored.run_id)
    arms = config.arms()
    check_files(config, output=resume is None)
    check_executor(config)
    domain = load_domain(config.env)
    task_file = load_tasks(config.env, config.task_split)
    tasks = select_tasks(task_file, config)
    tasks, invalid = _gate_tasks(domain, tasks, config, console)
    if stored is not None:
        check_resumable(stored, domain, task_file)
    check_services(config)
    if config.user_strategy == "human" and config.max_concurrency != 1:
        config = config.model_copy(update={"max_concurrency": 1})
        console.print("[dim]human user: one episode at a time[/dim]")
    limits = configure_engine(config)
    side = prepare_user_side(config.user_settings(), arms, console)
    arms = side.arms
    user_lm = side.lm
    device = device_description(str(user_lm.device) if user_lm else "cpu")
    if resume is not None and stored is not None:
        manifest, run_dir, run_id = stored, resume, stored.run_id
    else:
        run_id = new_run_id(config.env)
        run_dir = config.output_dir / run_id
        manifest = build_manifest(
            run_id=run_id,
            config=config,
            domain=domain,
            task_file=task_file,
            tasks=tasks,
            arms=arms,
            user=side.info,
            basis=side.basis_record(),
            device=device,
            limits=limits,
            invalid=invalid,
        )
    return PreparedRun(
        config=config,
        run_dir=run_dir,
        run_id=run_id,
        domain=domain,
        task_file=task_file,
        tasks=tasks,
        arms=arms,
        user_side=side,
        manifest=manifest,
        resumed=resume is not None,
    )


def configure_engine(config: RunConfig) -> dict[str, Any]:
    """Size and configure this process's local-model engine; return the limits."""
    limits = resolve_limits(config)
    local_pool.configure(
        local_pool.PoolSettings(
            device=config.device,
            dtype=config.dtype,
            max_batch_size=config.max_batch_size,
            position=config.steering_position,
            prefix_cache_mb=limits["prefix_cache_mb"],
            kv_cache_mb=limits["kv_cache_mb"],
        )
    )
    return limits


def _gate_tasks(
    domain: Domain, tasks: list[Task], config: RunConfig, console: Console
) -> tuple[list[Task], dict[str, Any]]:
    """Warn about selected tasks that fail the validity gates (a foreign benchmark's:
    tautrait's own are validated before they are committed); with --skip-invalid,
    leave them out. Returns the tasks to run and what ``run.json`` records."""
    invalid = domain.invalid_tasks(tasks)
    if not invalid:
        return tasks, {}
    ids = ", ".join(invalid)
    if config.skip_invalid:
        tasks = [t for t in tasks if t.id not in invalid]
        console.print(
            f"[yellow]warning:[/yellow] {len(invalid)} selected task(s) fail the validity "
            f"gates and are left out (--skip-invalid): {ids}",
            highlight=False,
        )
        if not tasks:
            raise UserError("every selected task fails the validity gates; select others")
    else:
        console.print(
            f"[yellow]warning:[/yellow] {len(invalid)} selected task(s) fail the validity "
            f"gates (`tautrait validate --env {config.env}` says why): {ids}; pass "
            "--skip-invalid to leave them out",
            highlight=False,
        )
    record = {"invalid": invalid, "skipped_invalid": list(invalid) if config.skip_invalid else []}
    return tasks, record


def resolve_limits(config: RunConfig) -> dict[str, Any]:
    """The memory and concurrency limits a run uses (recorded in ``run.json``): the
    prefix cache's budget is ``--prefix-cache-mb`` or, unset, sized from the memory
    available and the size of the local model it serves."""
    from tautrait.local.models import resolve_checkpoint, weight_files

    available = local_pool.memory_available_bytes()
    model_bytes = 0
    for name in local_models(config):
        checkpoint = resolve_checkpoint(name)
        model_bytes = max(model_bytes, sum(p.stat().st_size for p in weight_files(checkpoint)))
    limits: dict[str, Any] = {
        "max_concurrency": config.max_concurrency,
        "max_batch_size": config.max_batch_size,
        "memory_available_mb": None if available is None else available // 2**20,
        "local_model_mb": model_bytes // 2**20,
        "max_infra_errors": config.max_infra_errors,
        "retry_attempts": config.retry_attempts,
        "retry_max_s": config.retry_max_s,
    }
    if config.prefix_cache_mb is not None:
        limits.update(prefix_cache_mb=config.prefix_cache_mb, prefix_cache_source="config")
    else:
        limits.update(
            prefix_cache_mb=local_pool.auto_prefix_cache_mb(model_bytes, available),
            prefix_cache_source="auto",
        )
    # The running batch's KV gets the same rule (see auto_prefix_cache_mb for why).
    auto_kv = local_pool.auto_prefix_cache_mb(model_bytes, available)
    limits.update(
        kv_cache_mb=config.kv_cache_mb or auto_kv,
        kv_cache_source="config" if config.kv_cache_mb is not None else "auto",
    )
    return limits


def agent_settings(config: RunConfig) -> AgentSettings:
    max_tokens = config.agent_max_tokens
    if max_tokens is None and config.model.startswith("local/"):
        max_tokens = 512
    return AgentSettings(
        model=config.model,
        api_base=config.api_base,
        temperature=config.temperature,
        max_tokens=max_tokens,
        retry=config.retry_policy(),
    )


class _Tally:
    def __init__(self, arms: list[Arm]) -> None:
        self.done = {a.name: 0 for a in arms}
        self.passed = {a.name: 0 for a in arms}
        self.errors = 0
        self.tokens = 0
        self.cost: float | None = 0.0
        self.finished = 0
        self.requeued = 0

    def add(self, record: EpisodeRecord) -> None:
        self.finished += 1
        self.requeued += record.requeued
        if record.status == "completed":
            self.done[record.arm] += 1
            self.passed[record.arm] += int(record.reward == 1.0)
        else:
            self.errors += 1
        for usage in (record.agent_usage, record.user_usage):
            self.tokens += usage.prompt_tokens + usage.completion_tokens
        cost = record.agent_usage.cost
        self.cost = None if cost is None or self.cost is None else self.cost + cost

    def line(self) -> str:
        rates = " ".join(f"{arm} {self.passed[arm]}/{self.done[arm]}" for arm in self.done)
        cost = "?" if self.cost is None else f"${self.cost:.4f}"
        return f"pass {rates} | infra errors {self.errors} | tokens {self.tokens:,} | cost {cost}"


async def play_episode(
    prepared: PreparedRun, settings: AgentSettings, task: Task, trial: int, arm: Arm
) -> EpisodeRecord:
    """Play one episode of the grid (the same on every executor) and return its record."""
    config = prepared.config
    seed = episode_seed(config.seed, task.id, trial)
    spec = EpisodeSpec(
        run_id=prepared.run_id,
        domain=prepared.domain,
        task=task,
        trial=trial,
        arm=arm.name,
        seed=seed,
        max_steps=config.max_steps,
        steering=arm.record,
    )
    agent = ToolCallingAgent(settings, prepared.domain, task, seed)
    user = make_user(prepared.user_side, prepared.domain.spec.description, task.scenario, arm, seed)
    return await run_episode(spec, agent, user)


class LocalExecutor:
    """This process plays every episode (``--executor local``, the default)."""

    async def play(self, prepared: PreparedRun, pending: Pending, sink: RecordSink) -> None:
        await _play_all(prepared, pending, sink)


def make_executor(config: RunConfig) -> Executor:
    if config.executor == "ray":
        from tautrait.runner.ray_executor import RayExecutor

        return RayExecutor()
    return LocalExecutor()


async def _play_all(prepared: PreparedRun, pending: Pending, sink: RecordSink) -> None:
    """Play ``pending`` with ``max_concurrency`` workers pulling episodes one at a time.

    An episode's agent, user, database and trajectory exist only while it is played: a
    queue of 10,000 episodes holds 10,000 tuples of references, not 10,000 coroutines.
    """
    config = prepared.config
    settings = agent_settings(config)
    queue = iter(pending)

    async def worker() -> None:
        # One shared iterator: asyncio never switches inside next(), so each episode
        # is taken exactly once.
        for task, trial, arm in queue:
            await sink(await play_episode(prepared, settings, task, trial, arm))

    # Everything alive now (modules, the domain, the models) lives as long as the run:
    # frozen, the collector stops re-scanning it. A full collection of an unfrozen heap
    # (litellm, torch: over half a million objects) takes most of a second, and the many
    # short-lived objects of concurrent episodes trigger one every few seconds.
    litellm_module()  # imported first, so that it is frozen too
    gc.freeze()
    try:
        workers = min(config.max_concurrency, len(pending))
        await asyncio.gather(*(worker() for _ in range(workers)))
    finally:
        gc.unfreeze()


def _create_run_dir(run_dir: Path, manifest: RunManifest) -> None:
    """The run folder with its run.json, or nothing at all: a failed write (a full disk)
    removes the folder again, so no half-made run is left behind."""
    run_dir.mkdir(parents=True, exist_ok=False)
    try:
        write_json(run_dir / MANIFEST_FILE, manifest)
    except OSError as exc:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise UserError(
            f"cannot write {run_dir / MANIFEST_FILE} ({exc.strerror or exc}); free some "
            "space or pass another --output-dir"
        ) from None


def finished_run(run_dir: Path) -> str | None:
    """For ``--resume``: a line saying the run is already complete (every episode of its
    grid completed and its report written), or None when there is work left."""
    stored, config = load_manifest(run_dir)
    from tautrait.report.output import RUN_REPORT_FILE

    records = check_episodes(run_dir, stored.run_id)
    done = {e.key() for e in records if e.status == "completed"}
    grid = {
        (t, k, a)
        for k in range(config.num_trials)
        for t in stored.tasks.task_ids
        for a in stored.arm_names()
    }
    if not grid or not grid <= done or not (run_dir / RUN_REPORT_FILE).is_file():
        return None
    return (
        f"run {stored.run_id} is already complete ({len(grid)} episodes); nothing to "
        f"resume, nothing changed (report: {run_dir / RUN_REPORT_FILE})"
    )


def execute_run(prepared: PreparedRun, console: Console | None = None) -> Path:
    """Play every episode not yet completed; return the run folder.

    A KeyboardInterrupt (Ctrl-C) cancels the episodes in flight (nothing of theirs is
    written) and propagates once the local workers are closed: every finished episode
    is already on disk, so the run resumes where it stopped.
    """
    console = console or Console(stderr=True)
    config = prepared.config
    run_dir = prepared.run_dir
    if not prepared.resumed:
        assert prepared.manifest is not None
        _create_run_dir(run_dir, prepared.manifest)
    done = {e.key() for e in read_episodes(run_dir) if e.status == "completed"}
    # Arms of one (task, trial) are queued together so a partial run stays paired.
    grid = [
        (t, k, a) for k in range(config.num_trials) for t in prepared.tasks for a in prepared.arms
    ]
    pending = [(t, k, a) for t, k, a in grid if (t.id, k, a.name) not in done]
    if config.model == EMBEDDED_AGENT:
        console.print(
            "[yellow]note:[/yellow] the agent is the embedded SmolLM2-135M, a "
            "pipeline demonstration, not a meaningful agent; pass --model to test "
            "a real one"
        )
    console.print(
        f"run [bold]{prepared.run_id}[/bold]: {len(prepared.tasks)} tasks x "
        f"{config.num_trials} trial(s) x {len(prepared.arms)} arm(s) "
        f"({', '.join(a.name for a in prepared.arms)}); "
        f"{len(grid) - len(pending)} already done, {len(pending)} to run"
    )
    tally = _Tally(prepared.arms)
    writer = ResultsWriter(run_dir / EPISODES_FILE)
    progress = Progress(
        TextColumn("[bold]episodes"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[stats]}"),
        console=console,
        transient=False,
        disable=not sys.stderr.isatty(),
    )
    bar = progress.add_task("episodes", total=len(pending), stats=tally.line())

    async def sink(record: EpisodeRecord) -> None:
        # An fsync takes milliseconds: in a thread, other episodes run meanwhile.
        await asyncio.to_thread(writer.write, record)
        tally.add(record)
        progress.update(bar, advance=1, stats=tally.line())
        if progress.disable:  # not a terminal (CI, a log file): a line per episode
            outcome = f"reward {record.reward:g}" if record.status == "completed" else record.status
            # ``out``: plain text, no markup or wrapping to work out (a line costs microseconds).
            progress.console.out(
                f"episode {tally.finished}/{len(pending)}: {record.task_id} trial "
                f"{record.trial} {record.arm}: {outcome} ({record.termination or record.error}, "
                f"{record.steps} steps, {record.duration_s:.0f} s)",
                highlight=False,
            )

    injector = faults.configure(config.faults, seed=config.seed)
    try:
        with progress:
            asyncio.run(make_executor(config).play(prepared, pending, sink))
    finally:
        local_pool.close_pool()
        faults.configure(None)
    if not sys.stderr.isatty():
        console.print(tally.line())
    if tally.requeued:
        console.print(
            f"re-queued {tally.requeued} episode(s) whose worker was lost (each written once)"
        )
    if injector is not None:
        injected = ", ".join(f"{k} {n}" for k, n in sorted(injector.injected.items()))
        console.print(
            f"faults injected: {sum(injector.injected.values())} of {injector.calls} "
            f"provider calls ({injected or 'none'})",
            highlight=False,
        )
    write_report(run_dir)
    return run_dir


def write_report(run_dir: Path) -> Path:
    """Recompute ``run_dir/report.md`` from the run's episodes; return its path."""
    from tautrait.report.output import write_run_report

    return write_run_report(run_dir)
