"""A judge model's verdict on whose fault each failed episode of a run is.

``tautrait run --judge-model MODEL`` calls :func:`judge_run` once the grid is done: every
failed completed episode (reward below 1; infrastructure errors never) is shown to the
judge with its task's scenario, gold actions, grading and trajectory
(``prompts/fault.md.j2``), and the answer is parsed as strictly as ``traits eval``
parses its protocols (:func:`tautrait.traiteval.judge.parse_choice`): a final ``ANSWER:``
line naming agent, simulator, both or none. Anything else is *unparsable* and recorded
as such, never guessed; a call that fails after retries is recorded as an error.

Each verdict is one line of the run's ``attribution.jsonl``
(:class:`~tautrait.records.FaultJudgeRecord`), appended as it arrives, so a resumed run
judges only what is not judged yet by that model. The report shows the verdicts beside
the deterministic attribution (:mod:`tautrait.report.attribution`), never instead.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tautrait.domain.tasks import Task, UserScenario, load_tasks
from tautrait.errors import InfraError, UserError
from tautrait.llm import ContextOverflow, RetryPolicy, complete
from tautrait.records import ATTRIBUTION_FILE, EpisodeRecord, FaultJudgeRecord
from tautrait.report.attribution import read_judged
from tautrait.report.load import load_run_dir
from tautrait.traiteval.conversations import templates
from tautrait.traiteval.judge import parse_choice

VERDICTS = ("agent", "simulator", "both", "none")
MAX_LINE = 600
"""Characters kept of one message in the prompt (a tool result can be long)."""


def _line(message: dict[str, Any]) -> str | None:
    role = message.get("role")
    content = message.get("content") if isinstance(message.get("content"), str) else ""
    if role == "system":
        return None
    if role == "user":
        text = f"Customer: {content or '(empty message)'}"
    elif role == "tool":
        text = f"Tool result ({message.get('name')}, {message.get('outcome')}): {content}"
    else:
        calls = [
            f"{(c.get('function') or {}).get('name')}({(c.get('function') or {}).get('arguments')})"
            for c in message.get("tool_calls") or []
        ]
        text = "Agent: " + (content or "") + (" [calls " + "; ".join(calls) + "]" if calls else "")
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + " ..."


def _grading(record: EpisodeRecord) -> str:
    b = record.reward_breakdown
    parts = [f"the conversation ended by {record.termination}"]
    if b is not None:
        parts.append(
            "the final database matches the correct one"
            if b.db_match
            else "the final database differs from the correct one"
        )
        missing = [o for o, ok in b.outputs.items() if not ok]
        if missing:
            parts.append("the agent never said " + ", ".join(missing))
        if b.transferred and not b.transfer_expected:
            parts.append("the agent handed off to a human although the task does not expect it")
    return "; ".join(parts)


def fault_prompt(record: EpisodeRecord, task: Task | None) -> str:
    """The judge's prompt for one failed episode."""
    scenario = (
        task.scenario
        if task is not None
        else UserScenario(persona="(unknown)", goal="(unknown)", known_info="(unknown)")
    )
    gold = (
        [f"{a.name}({json.dumps(a.kwargs, sort_keys=True)})" for a in task.gold_actions]
        if task
        else []
    )
    return templates.get_template("fault.md.j2").render(
        scenario=scenario,
        gold=gold,
        outputs=task.required_outputs if task else [],
        grading=_grading(record),
        transcript=[line for m in record.messages if (line := _line(m)) is not None],
    )


def judge_run(
    run_dir: Path,
    model: str,
    *,
    api_base: str | None = None,
    concurrency: int = 8,
    max_tokens: int = 512,
    seed: int = 0,
    retry: RetryPolicy | None = None,
) -> dict[str, int]:
    """Judge every failed episode of the run not yet judged by ``model``; append the
    verdicts to ``attribution.jsonl`` and return how many of each (plus unparsable and
    error) this call added."""
    run = load_run_dir(run_dir)
    tasks: dict[str, Task] = {}
    if run.info.task_split:
        try:
            tasks = {t.id: t for t in load_tasks(run.info.domain, run.info.task_split).tasks}
        except UserError:
            tasks = {}
    done = {k for k, r in read_judged(run_dir, run.info.run_id).items() if r.judge_model == model}
    todo = [e.record for e in run.episodes if e.passed is False and e.record.key() not in done]
    counts: dict[str, int] = {}
    path = run_dir / ATTRIBUTION_FILE

    async def one(record: EpisodeRecord, gate: asyncio.Semaphore) -> FaultJudgeRecord:
        prompt = fault_prompt(record, tasks.get(record.task_id))
        verdict = parse_error = call_error = response = None
        async with gate:
            try:
                completion = await complete(
                    model,
                    [{"role": "user", "content": prompt}],
                    temperature=0.0,
                    seed=seed,
                    max_tokens=max_tokens,
                    api_base=api_base,
                    retry=retry,
                )
            except (InfraError, ContextOverflow) as exc:
                call_error = f"{type(exc).__name__}: {exc}"
            else:
                response = completion.content
                parsed = parse_choice(response or "", VERDICTS)
                verdict, parse_error = parsed.value, parsed.error
        return FaultJudgeRecord(
            run_id=record.run_id,
            task_id=record.task_id,
            trial=record.trial,
            arm=record.arm,
            judge_model=model,
            verdict=verdict,
            parse_error=parse_error,
            call_error=call_error,
            response=response,
        )

    async def main() -> None:
        gate = asyncio.Semaphore(concurrency)
        with path.open("a", encoding="utf-8") as out:
            for future in asyncio.as_completed([one(r, gate) for r in todo]):
                result = await future
                out.write(result.model_dump_json() + "\n")
                out.flush()
                label = result.verdict or ("error" if result.call_error else "unparsable")
                counts[label] = counts.get(label, 0) + 1

    if todo:
        asyncio.run(main())
    return counts
