"""``--executor ray``: a run's episodes played on a Ray cluster.

Layout: one worker actor per GPU of the cluster when the run has a local model to put on
one (a steered or mtad user, a ``local/`` agent or user), else one per node. Each actor
is shipped the run's :class:`RunConfig` and task ids and loads the domain, the tasks and
the user side itself: its engine (the local model and basis) batches the episodes it
plays, up to ``--max-concurrency`` at once per actor. The driver holds the queue of
pending episodes and hands it out in shards of ``--max-concurrency`` episodes, two shards
in flight per actor so that an engine does not idle between shards. Each shard's records
stream back as they finish (a Ray streaming generator) and go to the runner's sink, so
the driver stays the only writer of ``episodes.jsonl``.

Lost workers: when an actor dies (killed, or its node lost), every episode of its shards
whose record has not reached the driver goes back to the head of the queue with its
``requeued`` count raised and is played again by whichever actor is free: none is lost,
and since the driver writes only what reached it, and each key once, none is written
twice. Ray restarts a killed actor (up to :data:`MAX_RESTARTS` times), which then takes
work again; when every actor is gone for good the run stops with a one-line error, its
finished episodes kept for ``--resume``.

Workers find the domain and tasks like any tautrait process (:mod:`tautrait.paths`): the
data installed with their tautrait, or ``TAUTRAIT_DATA_PATH``, which the driver passes on
to them (with ``TAUTRAIT_CACHE_DIR``), so that path must exist on every node. An actor
whose domain or task split differs from the driver's (by content hash) is refused.

Ray is imported only here, and only when a run uses it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import socket
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from tautrait.errors import UserError
from tautrait.records import EpisodeRecord
from tautrait.runner.config import RunConfig
from tautrait.runner.executor import Pending, RecordSink

if TYPE_CHECKING:
    from tautrait.domain.tasks import Task
    from tautrait.runner.run import PreparedRun
    from tautrait.user.arms import Arm

MAX_RESTARTS = 3
"""Times Ray restarts a lost actor before its work goes to the others only."""
SHARDS_IN_FLIGHT = 2
"""Shards each actor holds at once: one playing, one ready behind it."""
RESTART_TIMEOUT_S = 300.0
"""How long a lost actor may take to come back (a model to load) before it is dropped."""
FORWARDED_ENV = ("TAUTRAIT_DATA_PATH", "TAUTRAIT_CACHE_DIR")
INSTALL_HINT = "pip install 'tautrait[ray]'"

Key = tuple[str, int, str]


def check_ray(config: RunConfig) -> None:
    """Bad executor settings, as one-line :class:`UserError`\\ s (Ray is not imported)."""
    if config.executor != "ray":
        if config.ray_address is not None:
            raise UserError("--ray-address is for --executor ray; add --executor ray or drop it")
        return
    if not ray_installed():
        raise UserError(
            f"--executor ray needs Ray, which is not installed: {INSTALL_HINT} "
            "(or run with --executor local)"
        )
    if config.user_strategy == "human":
        raise UserError(
            "--executor ray cannot play a human user (they type at this terminal); "
            "use --executor local"
        )


def ray_installed() -> bool:
    return importlib.util.find_spec("ray") is not None


def _wants_gpu(config: RunConfig) -> bool:
    from tautrait.user.settings import LOCAL_STRATEGIES, litellm_name

    if config.device == "cpu":
        return False
    return (
        config.user_strategy in LOCAL_STRATEGIES
        or config.model.startswith("local/")
        or (
            config.user_strategy in ("llm", "prompt")
            and litellm_name(config.user_model).startswith("local/")
        )
    )


def _engine_slots(nodes: list[dict[str, Any]], gpu: bool) -> list[dict[str, Any]]:
    """Actor options: one per GPU of each live node (``gpu``), else one per node with a
    CPU; a head node started with ``--num-cpus 0`` takes none."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    slots: list[dict[str, Any]] = []
    for node in nodes:
        if not node.get("Alive"):
            continue
        resources = node.get("Resources") or {}
        # soft: a restarted actor whose node is gone may come back on another one.
        where = NodeAffinitySchedulingStrategy(node_id=node["NodeID"], soft=True)
        gpus = int(resources.get("GPU", 0)) if gpu else 0
        if gpus:
            slots += [{"num_gpus": 1, "num_cpus": 0, "scheduling_strategy": where}] * gpus
        elif resources.get("CPU", 0) >= 1:
            slots.append({"num_gpus": 0, "num_cpus": 1, "scheduling_strategy": where})
    return slots


def _prepare_worker(config: RunConfig, run_id: str, task_ids: list[str]) -> PreparedRun:
    """A worker's own PreparedRun: the same domain, tasks, arms and user side as the
    driver's, loaded here; nothing is written."""
    from tautrait.domain.loader import load_domain
    from tautrait.domain.tasks import load_tasks
    from tautrait.runner.run import PreparedRun, configure_engine
    from tautrait.user.side import prepare_user_side

    arms = config.arms()
    domain = load_domain(config.env)
    task_file = load_tasks(config.env, config.task_split)
    by_id = {t.id: t for t in task_file.tasks}
    missing = [i for i in task_ids if i not in by_id]
    if missing:
        raise UserError(f"tasks {', '.join(missing)} not in {config.env}/{config.task_split}")
    configure_engine(config)
    side = prepare_user_side(config.user_settings(), arms, Console(stderr=True, quiet=True))
    return PreparedRun(
        config=config,
        run_dir=Path("."),
        run_id=run_id,
        domain=domain,
        task_file=task_file,
        tasks=[by_id[i] for i in task_ids],
        arms=side.arms,
        user_side=side,
        manifest=None,
        resumed=True,
    )


class EpisodeWorker:
    """A Ray actor (wrapped by ``ray.remote`` at run time): one engine, many episodes.

    A failure to set up (no such domain on this node, a model that will not load) is
    kept and reported by :meth:`describe` rather than raised, so the driver can say
    which node failed and why.
    """

    def __init__(
        self, config: dict[str, Any], secret: str | None, run_id: str, task_ids: list[str],
        env: dict[str, str],
    ) -> None:  # fmt: skip
        from tautrait import faults
        from tautrait.runner.run import agent_settings

        os.environ.update(env)
        self._error: str | None = None
        self._slots: asyncio.Semaphore | None = None
        try:
            run_config = RunConfig.model_validate({**config, "user_api_key": secret})
            self._prepared = _prepare_worker(run_config, run_id, task_ids)
            self._settings = agent_settings(run_config)
            faults.configure(run_config.faults, seed=run_config.seed)
        except Exception as exc:
            self._error = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"

    def describe(self) -> dict[str, Any]:
        """Where this actor runs, what it loaded, or why it could not."""
        info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid()}
        if self._error is not None:
            return {**info, "error": self._error}
        prepared = self._prepared
        return {
            **info,
            "error": None,
            "domain_sha256": prepared.domain.content_hash,
            "tasks_sha256": prepared.task_file.sha256,
        }

    async def play(self, shard: list[Key]) -> AsyncIterator[str]:
        """Play a shard's episodes concurrently; yield each record (JSON) as it ends."""
        from tautrait.runner.run import play_episode

        prepared = self._prepared
        if self._slots is None:  # made on the actor's event loop
            self._slots = asyncio.Semaphore(prepared.config.max_concurrency)
        slots = self._slots
        tasks = {t.id: t for t in prepared.tasks}
        arms = {a.name: a for a in prepared.arms}

        async def one(task_id: str, trial: int, arm: str) -> EpisodeRecord:
            async with slots:
                return await play_episode(
                    prepared, self._settings, tasks[task_id], trial, arms[arm]
                )

        running = [asyncio.ensure_future(one(*key)) for key in shard]
        try:
            for finished in asyncio.as_completed(running):
                yield (await finished).model_dump_json()
        finally:
            for future in running:
                future.cancel()


@dataclass
class _Item:
    task: Task
    trial: int
    arm: Arm
    requeued: int = 0

    def key(self) -> Key:
        return (self.task.id, self.trial, self.arm.name)


class _Lost(Exception):
    """The actor playing a shard is gone (killed, node lost)."""


class _Scheduler:
    """The driver's queue: shards out, records in, lost shards back in."""

    def __init__(self, ray: Any, prepared: PreparedRun, pending: Pending, sink: RecordSink) -> None:
        self.ray = ray
        self.prepared = prepared
        self.sink = sink
        self.queue = deque(_Item(t, k, a) for t, k, a in pending)
        self.left = len(self.queue)
        self.written: set[Key] = set()
        self.feeders = 0
        self.changed = asyncio.Condition()
        self.shard_size = prepared.config.max_concurrency
        self.console = Console(stderr=True)

    async def run(self, actors: list[Any]) -> None:
        self.feeders = len(actors) * SHARDS_IN_FLIGHT
        await asyncio.gather(*(self.feed(a) for a in actors for _ in range(SHARDS_IN_FLIGHT)))
        if self.left:
            raise UserError(
                f"every Ray worker was lost; {self.left} episode(s) not played (the finished "
                f"ones are kept): finish with tautrait run --resume {self.prepared.run_dir}"
            )

    async def take(self) -> list[_Item] | None:
        async with self.changed:
            while not self.queue:
                if self.left == 0 or self.feeders == 0:
                    return None
                # Episodes out with other actors may still come back (a lost actor).
                await self.changed.wait()
            size = min(self.shard_size, len(self.queue))
            return [self.queue.popleft() for _ in range(size)]

    async def feed(self, actor: Any) -> None:
        try:
            while (shard := await self.take()) is not None:
                try:
                    await self.stream(actor, shard)
                except _Lost as exc:
                    await self.requeue(shard, exc)
                    if not await self.usable(actor):
                        return
        finally:
            async with self.changed:
                self.feeders -= 1
                self.changed.notify_all()

    async def stream(self, actor: Any, shard: list[_Item]) -> None:
        from ray.exceptions import RayActorError, RayError, RayTaskError

        by_key = {item.key(): item for item in shard}
        try:
            refs = actor.play.options(num_returns="streaming").remote(list(by_key))
            async for ref in refs:
                record = EpisodeRecord.model_validate_json(await ref)
                item = by_key.get(record.key())
                if item is None or record.key() in self.written:
                    continue  # never written twice, whatever a worker sends
                self.written.add(record.key())
                record.requeued = item.requeued
                await self.sink(record)
                async with self.changed:
                    self.left -= 1
                    self.changed.notify_all()
        except RayActorError as exc:
            raise _Lost(type(exc).__name__) from exc
        except RayTaskError:
            raise  # a bug in the worker's code, not a lost worker
        except RayError as exc:  # the object's owner or node gone
            raise _Lost(type(exc).__name__) from exc

    async def requeue(self, shard: list[_Item], why: _Lost) -> None:
        lost = [item for item in shard if item.key() not in self.written]
        async with self.changed:
            for item in reversed(lost):
                item.requeued += 1
                self.queue.appendleft(item)
            self.changed.notify_all()
        self.console.print(
            f"[yellow]ray:[/yellow] a worker was lost ({why}); {len(lost)} unfinished "
            "episode(s) re-queued",
            highlight=False,
        )

    async def usable(self, actor: Any) -> bool:
        """Whether a lost actor came back (restarted by Ray, set up again)."""
        from ray.exceptions import ActorUnavailableError, RayError

        deadline = time.monotonic() + RESTART_TIMEOUT_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                info = await asyncio.wait_for(_await(actor.describe.remote()), left)
            except ActorUnavailableError:  # still restarting
                await asyncio.sleep(0.5)
                continue
            except (RayError, TimeoutError):  # dead for good, or never back
                return False
            return info.get("error") is None
        return False


async def _await(ref: Any) -> Any:
    return await ref


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UserError(
            f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}"
        ) from None
    return ray


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster (unless this process already has); True when joined here."""
    if ray.is_initialized():
        return False
    try:
        ray.init(address=address, include_dashboard=False, logging_level="WARNING")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or os.environ.get("RAY_ADDRESS") or "a new local Ray"
        raise UserError(
            f"cannot start or reach the Ray cluster at {where} ({str(exc).splitlines()[0]}); "
            "start one with `ray start --head` or fix --ray-address"
        ) from None
    return True


class RayExecutor:
    """Plays a run's pending episodes on worker actors of a Ray cluster."""

    async def play(self, prepared: PreparedRun, pending: Pending, sink: RecordSink) -> None:
        if not pending:
            return
        ray = _import_ray()
        config = prepared.config
        joined = _connect(ray, config.ray_address)
        actors: list[Any] = []
        try:
            actors = self.start_actors(ray, prepared)
            await self.check_actors(actors, prepared)
            await _Scheduler(ray, prepared, pending, sink).run(actors)
        finally:
            for actor in actors:
                ray.kill(actor)
            if joined:
                ray.shutdown()

    def start_actors(self, ray: Any, prepared: PreparedRun) -> list[Any]:
        config = prepared.config
        slots = _engine_slots(ray.nodes(), _wants_gpu(config))
        if not slots:
            raise UserError(
                "the Ray cluster has no live node with a CPU or GPU to play episodes on; "
                "add a worker with `ray start --address HEAD:6379`"
            )
        worker = ray.remote(EpisodeWorker)
        secret = config.user_api_key.get_secret_value() if config.user_api_key else None
        env = {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
        args = (
            config.model_dump(mode="json"),
            secret,
            prepared.run_id,
            [t.id for t in prepared.tasks],
            env,
        )
        return [
            worker.options(
                name=f"tautrait-{prepared.run_id}-{i}",
                max_restarts=MAX_RESTARTS,
                max_task_retries=0,  # the driver re-queues, and counts what it re-queued
                **options,
            ).remote(*args)
            for i, options in enumerate(slots)
        ]

    async def check_actors(self, actors: list[Any], prepared: PreparedRun) -> None:
        infos = await asyncio.gather(*(_await(a.describe.remote()) for a in actors))
        want = {
            "domain_sha256": prepared.domain.content_hash,
            "tasks_sha256": prepared.task_file.sha256,
        }
        for info in infos:
            where = f"Ray worker on {info['host']}"
            if info["error"] is not None:
                raise UserError(
                    f"{where} cannot play this run: {info['error']} (every node needs "
                    "tautrait and the run's data: see TAUTRAIT_DATA_PATH)"
                )
            for key, value in want.items():
                if info[key] != value:
                    raise UserError(
                        f"{where} has another version of {prepared.config.env} "
                        f"({key.removesuffix('_sha256')} differs from the driver's); give "
                        "every node the same data"
                    )
        hosts = sorted({str(i["host"]) for i in infos})
        Console(stderr=True).print(
            f"ray: {len(actors)} worker(s) on {len(hosts)} node(s) ({', '.join(hosts)})",
            highlight=False,
        )
