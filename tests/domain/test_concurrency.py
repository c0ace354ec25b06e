"""128 concurrent episodes on one domain, each writing: no episode sees another's writes.

Each episode plays random valid write calls (gold actions of the domain's tasks, so
they succeed on the seed state; some later ones fail, which is part of the log) and
random reads, interleaved with the others on worker threads. Its final state hash must
equal the hash of replaying its own calls alone on a fresh database.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from tautrait.domain.database import state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import load_tasks

EPISODES = 128


def test_128_concurrent_episodes_each_equal_their_own_replay() -> None:
    domain = load_domain("retail")
    tasks = [t for t in load_tasks("retail", "test").tasks if t.gold_actions]
    reads = [n for n, spec in domain.tools.items() if not spec.writes]
    rng = random.Random(128)
    plans: list[list[tuple[str, dict[str, Any]]]] = []
    for _ in range(EPISODES):
        calls: list[tuple[str, dict[str, Any]]] = []
        for task in rng.sample(tasks, k=rng.randint(1, 3)):
            for action in task.gold_actions:
                calls.append((action.name, dict(action.kwargs)))
                if rng.random() < 0.3:
                    calls.append((rng.choice(reads), dict(action.kwargs)))
        plans.append(calls)

    async def play(calls: list[tuple[str, dict[str, Any]]]) -> tuple[str, str, int]:
        env = Environment(domain)
        ok = 0
        for name, kwargs in calls:
            result = await asyncio.to_thread(env.execute, name, kwargs)
            ok += result.outcome == "ok" and domain.tools[name].writes
            await asyncio.sleep(0)
        incremental = env.state_hash()
        # The full recomputation re-reads every table: checked on a sample, for time.
        full = state_hash(env.engine, domain.spec.metadata) if len(calls) % 4 == 0 else incremental
        env.close()
        return incremental, full, ok

    async def all_of_them() -> list[tuple[str, str, int]]:
        return await asyncio.gather(*(play(calls) for calls in plans))

    finals = asyncio.run(all_of_them())
    writes = 0
    for calls, (incremental, full, ok) in zip(plans, finals, strict=True):
        replay = Environment(domain)
        for name, kwargs in calls:
            replay.execute(name, kwargs)
        assert incremental == full == replay.state_hash()
        replay.close()
        writes += ok
    assert writes >= EPISODES  # the episodes really wrote
    assert len({full for _, full, _ in finals}) > 10  # and their states differ
