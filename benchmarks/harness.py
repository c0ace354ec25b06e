"""Speed of the harness itself, with scripted models (``make bench``).

The agent is ``scripted/gold`` (it performs the task's gold actions) and the user is
``scripted/user`` (it states the scenario's goal, answers once more, then stops), so
every second measured is spent by tautrait, never by a model. Prints, each figure
measured in a fresh process so nothing cached by one leaks into the next:

1. episodes/s at concurrency 1 and 128 with instant models (120 retail test episodes);
2. the efficiency at concurrency 128 with 200 ms per model call (agent and user): the
   measured episodes/s divided by the ideal, concurrency / (calls per episode x 200 ms);
   the grid is repeated over ``--trials`` (20: 2,400 episodes, about 19 waves) so the
   queue stays full past the first wave and the last wave's drain, when workers idle for
   want of episodes, is small; the bound a harness costing nothing would reach on the
   same queue is printed beside it;
3. the peak memory (RSS) of a run with 10,000 queued episodes (100 tasks x 100
   trials, concurrency 128) and of the same run with 300 queued, each stopped once two
   waves (256 episodes) have finished: the difference is what the queue costs;
4. a profile of 40 instant episodes at concurrency 128 (cProfile, every thread's CPU
   time): by stage (including callees), by package, and the top functions.

CPU ms per episode is printed beside each rate: on a shared machine it moves far less
than the rates do. The report's modules are imported before timing (a one-time cost).

It drives only the public API that main already had (RunConfig, prepare_run,
execute_run, register_script), so the same file measures an older checkout too::

    python benchmarks/harness.py                             # this checkout
    PYTHONPATH=/other/checkout/src python benchmarks/harness.py   # before, same machine

Where the checkout has no ``scripted/user`` or no ``?latency_ms=`` option, the same
behaviours are installed from here (and the output says so). Run on an idle machine;
figures from a shared one are noisy (the load average is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

STOP = "###STOP###"
# Set before anything imports litellm, or it fetches its price list from the internet.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def _install_scripted_participants(latency_ms: float) -> tuple[str, str, list[str]]:
    """Model names for the agent and the user at this latency, and notes on fallbacks."""
    try:
        from tautrait import scripted
    except ImportError:  # checkouts before the provider left the agent stage
        from tautrait.agent import scripted  # type: ignore[no-redef]

    notes: list[str] = []
    if not hasattr(scripted, "user_script"):
        notes.append("scripted/user installed by the benchmark (checkout has none)")

        def user_script(messages: list[dict[str, Any]], task: Any) -> dict[str, Any]:
            said = sum(1 for m in messages if m["role"] == "assistant")
            system = str(messages[0].get("content") or "")
            goal = system.split("What you want from this conversation:", 1)[-1]
            goal = goal.strip().split("\n\n", 1)[0].strip()
            if said == 0:
                return {"content": goal or "I need help with my account."}
            return {"content": f"Thank you, that is all. {STOP}"}

        scripted.register_script("user", user_script)
    agent, user = "scripted/gold", "scripted/user"
    if latency_ms <= 0:
        return agent, user, notes
    if hasattr(scripted, "parse_scripted_model"):
        suffix = f"?latency_ms={latency_ms:g}"
        return agent + suffix, user + suffix, notes
    notes.append("latency installed by the benchmark (checkout has no ?latency_ms=)")
    provider = scripted.ScriptedProvider
    plain = provider.acompletion

    async def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(latency_ms / 1000)
        return await plain(self, *args, **kwargs)

    provider.acompletion = slow  # type: ignore[method-assign]
    return agent, user, notes


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement, in this (fresh) process; returns its figures."""
    from rich.console import Console

    from tautrait.runner.config import RunConfig
    from tautrait.runner.results import read_episodes
    from tautrait.runner.run import execute_run, prepare_run

    agent, user, notes = _install_scripted_participants(args.latency_ms)
    out = Path(tempfile.mkdtemp(prefix="tautrait-bench-"))
    config = RunConfig(
        env="retail",
        task_split="test",
        limit=args.tasks,
        num_trials=args.trials,
        model=agent,
        user_strategy="llm",
        user_model=user,
        max_concurrency=args.concurrency,
        output_dir=out,
    )
    quiet = Console(file=io.StringIO(), stderr=False)
    prepared = prepare_run(config, console=quiet)
    # One-time imports (the report's modules, read at the end of a run) are not timed.
    import tautrait.report.output  # noqa: F401

    prepared.domain.seed  # noqa: B018 (the seed database is built once, before timing)
    rss_before = _rss_mib()
    stop_after = args.stop_after
    if stop_after:
        # Memory is measured while the queue is full; the rest of the run is not needed.
        episodes_file = prepared.run_dir / "episodes.jsonl"

        def watch() -> None:
            while True:
                time.sleep(0.05)
                with contextlib.suppress(FileNotFoundError), episodes_file.open("rb") as handle:
                    if sum(1 for _ in handle) >= stop_after:
                        break
            result = {
                "notes": notes,
                "episodes": stop_after,
                "rss_before_mib": rss_before,
                "peak_rss_mib": _peak_rss_mib(),
            }
            print(json.dumps(result), flush=True)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    profilers: list[cProfile.Profile] = []
    if args.profile:
        # Every thread's CPU time (database work runs in worker threads), not wall time.
        def start_profiler(*_: Any) -> None:
            sys.setprofile(None)
            profiler = cProfile.Profile(time.thread_time)
            profilers.append(profiler)
            profiler.enable()

        threading.setprofile(start_profiler)
        start_profiler()
    cpu_started = _cpu_s()
    started = time.perf_counter()
    run_dir = execute_run(prepared, console=quiet)
    elapsed = time.perf_counter() - started
    cpu = _cpu_s() - cpu_started
    if profilers:
        profilers[0].disable()
    episodes = read_episodes(run_dir)
    calls = [e.agent_usage.calls + e.user_usage.calls for e in episodes]
    # The calls of each episode in the order the grid queued them (trial, task, arm).
    order = {task.id: index for index, task in enumerate(prepared.tasks)}
    queued = sorted(episodes, key=lambda e: (e.trial, order[e.task_id], e.arm))
    result: dict[str, Any] = {
        "notes": notes,
        "episodes": len(episodes),
        "seconds": elapsed,
        "episodes_per_s": len(episodes) / elapsed,
        "cpu_ms_per_episode": 1000 * cpu / len(episodes),
        "calls_per_episode": sum(calls) / len(calls),
        "max_calls": max(calls),
        "queued_calls": [e.agent_usage.calls + e.user_usage.calls for e in queued],
        "completed": sum(e.status == "completed" for e in episodes),
        "passed": sum(e.reward == 1.0 for e in episodes),
        "rss_before_mib": rss_before,
        "peak_rss_mib": _peak_rss_mib(),
    }
    if profilers:
        stats = pstats.Stats(profilers[0])
        for profiler in profilers[1:]:
            stats.add(profiler)
        result["profile"] = _profile_table(stats, args.profile)
    return result


_GROUPS = (
    ("sqlite3", "sqlite (C)"),
    ("/domains/", "domain tools (domains/)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("/tautrait/", "tautrait/"),
    ("litellm", "litellm"),
    ("pydantic", "pydantic"),
    ("tenacity", "tenacity"),
    ("json", "json"),
    ("asyncio", "asyncio"),
    ("thread", "threads"),
)


def _group(filename: str, function: str) -> str:
    where = f"{filename} {function}"
    for marker, group in _GROUPS:
        if marker in where:
            if group == "tautrait/":
                stage = filename.split("/tautrait/", 1)[1].split("/", 1)[0]
                return f"tautrait/{stage.removesuffix('.py')}"
            return group
    return "other"


# (label, file suffix, function): where the time goes, including what each calls. Named
# so that they exist in older checkouts too.
_STAGES = (
    ("tool calls (episodes' and gold replays')", "domain/environment.py", "execute"),
    ("gold states (replay + hash)", "evaluation/reward.py", "gold_hash"),
    ("state hashes (episodes' and gold)", "domain/environment.py", "state_hash"),
    ("episode databases (copies)", "domain/database.py", "fresh_copy"),
    ("model calls (llm.complete)", "tautrait/llm.py", "complete"),
    ("episode records (write + fsync)", "runner/results.py", "write"),
)


def _profile_table(stats: pstats.Stats, rows: int) -> str:
    """CPU time by stage (inclusive), by package, then the top functions."""
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values()) or 1.0
    lines = ["  by stage (CPU time including callees; stages overlap):"]
    for label, suffix, name in _STAGES:
        seconds = sum(
            entry[3]
            for (filename, _, function), entry in entries.items()
            if function == name and filename.endswith(suffix)
        )
        lines.append(f"    {100 * seconds / total:5.1f}%  {seconds:7.2f} s  {label}")
    groups: dict[str, float] = {}
    for (filename, _, function), entry in entries.items():
        key = _group(filename, function)
        groups[key] = groups.get(key, 0.0) + entry[2]
    lines.append("  by package (own CPU time):")
    for key, seconds in sorted(groups.items(), key=lambda kv: -kv[1]):
        if seconds / total >= 0.01:
            lines.append(f"    {100 * seconds / total:5.1f}%  {seconds:7.2f} s  {key}")
    lines.append("  top functions (own CPU time, calls):")
    top = sorted(entries.items(), key=lambda kv: -kv[1][2])[:rows]
    for (filename, line, function), entry in top:
        short = filename
        for marker in ("site-packages/", "/src/", "/lib/python3.11/", "/harness/"):
            short = short.rpartition(marker)[2]
        where = function if filename == "~" else f"{short}:{line} {function}"
        lines.append(
            f"    {100 * entry[2] / total:5.1f}%  {entry[2]:7.2f} s  {entry[1]:>8}  {where}"
        )
    lines.append(f"  total {total:.2f} s of CPU")
    return "\n".join(lines)


def schedule_bound(queued_calls: list[int], concurrency: int, latency_s: float) -> float:
    """The efficiency a harness costing no time at all would reach on this grid: workers
    take episodes in queue order, each lasting its calls x the latency; the ramp-up is
    free but the last wave drains with workers idle, which no harness can avoid."""
    import heapq

    free = [0.0] * concurrency
    end = 0.0
    for calls in queued_calls:
        finish = heapq.heappop(free) + calls * latency_s
        end = max(end, finish)
        heapq.heappush(free, finish)
    ideal = sum(queued_calls) * latency_s / concurrency
    return ideal / end if end else 1.0


def _child(**kw: Any) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child"]
    for key, value in kw.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(argv[2:])}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _describe_checkout() -> str:
    import tautrait

    where = Path(tautrait.__file__).resolve().parent.parent
    commit = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{where} (git {commit or '?'})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=120, help="retail test tasks")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument(
        "--trials",
        type=int,
        default=20,
        help="trials in the latency measurement (enough waves that the last one's drain is small)",
    )
    parser.add_argument("--queued", type=int, default=10_000, help="episodes in the memory run")
    parser.add_argument("--profile", type=int, default=15, help="profile rows (0: no profile)")
    parser.add_argument("--stop-after", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)), flush=True)
        return

    load = os.getloadavg()
    print(f"tautrait harness benchmark: {_describe_checkout()}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} (contended if above 0); agent scripted/gold, user scripted/user"
    )
    notes: set[str] = set()
    rates = {}
    for concurrency in (1, args.concurrency):
        r = _child(tasks=args.tasks, concurrency=concurrency, latency_ms=0, trials=1, profile=0)
        notes.update(r["notes"])
        rates[concurrency] = r["episodes_per_s"]
        print(
            f"instant models, concurrency {concurrency:>3}: {r['episodes']} episodes in "
            f"{r['seconds']:.1f} s = {r['episodes_per_s']:.2f} episodes/s "
            f"({r['cpu_ms_per_episode']:.1f} ms of CPU per episode, "
            f"{r['calls_per_episode']:.2f} model calls/episode, {r['passed']} passed)"
        )
    r = _child(
        tasks=args.tasks,
        concurrency=args.concurrency,
        latency_ms=args.latency_ms,
        trials=args.trials,
        profile=0,
    )
    notes.update(r["notes"])
    model_s = r["calls_per_episode"] * args.latency_ms / 1000
    ideal = args.concurrency / model_s
    bound = schedule_bound(r["queued_calls"], args.concurrency, args.latency_ms / 1000)
    print(
        f"{args.latency_ms:g} ms per model call, concurrency {args.concurrency}: "
        f"{r['episodes']} episodes in {r['seconds']:.1f} s = {r['episodes_per_s']:.2f} "
        f"episodes/s; ideal {ideal:.1f} ({r['calls_per_episode']:.2f} calls = "
        f"{model_s:.2f} s of model time per episode); efficiency "
        f"{r['episodes_per_s'] / ideal:.2f} ({r['cpu_ms_per_episode']:.1f} ms of CPU per episode); "
        f"a harness costing nothing would reach {bound:.2f} on this grid (the last wave "
        f"drains), so the harness keeps {r['episodes_per_s'] / ideal / bound:.2f} of it"
    )
    # The queue's own cost: the same run with 10,000 queued and with just enough queued
    # for the measured two waves, both stopped once two waves have finished.
    tasks = min(100, args.tasks)
    stop_after = 2 * args.concurrency
    peaks = {}
    for queued in (args.queued, stop_after):
        trials = -(-queued // tasks)
        r = _child(
            tasks=tasks,
            concurrency=args.concurrency,
            latency_ms=0,
            trials=trials,
            profile=0,
            stop_after=stop_after,
        )
        notes.update(r["notes"])
        peaks[tasks * trials] = r["peak_rss_mib"]
    (many, many_mib), (few, few_mib) = peaks.items()
    print(
        f"peak RSS, concurrency {args.concurrency}, until {stop_after} episodes had finished: "
        f"{many_mib:.0f} MiB with {many:,} queued, {few_mib:.0f} MiB with {few:,} queued: "
        f"{many_mib - few_mib:+.0f} MiB for the {many - few:,} more queued episodes"
    )
    if args.profile:
        r = _child(
            tasks=40, concurrency=args.concurrency, latency_ms=0, trials=1, profile=args.profile
        )
        notes.update(r["notes"])
        print(
            f"profile: 40 instant episodes, concurrency {args.concurrency}, "
            f"{r['seconds']:.2f} s under cProfile (every thread's CPU time):"
        )
        print(r["profile"])
    for note in sorted(notes):
        print(f"note: {note}")
    speedup = rates[args.concurrency] / rates[1]
    print(f"instant models, concurrency {args.concurrency} vs 1: {speedup:.2f}x")


if __name__ == "__main__":
    main()
