"""One ``traits eval``: generate, measure, judge, write (see the package docstring)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from tautrait.errors import UserError
from tautrait.local import pool as local_pool
from tautrait.local.models import is_embedded, load_local_model
from tautrait.records import TRAITEVAL_FILE, TraitEvalRecord, write_json
from tautrait.steering.basis import TraitBasis, model_basis
from tautrait.steering.traits import TraitDefinition, load_definitions
from tautrait.traiteval import judge as judging
from tautrait.traiteval.contexts import choose_contexts, load_contexts
from tautrait.traiteval.conversations import (
    NEUTRAL,
    Conversation,
    Plan,
    conversation_id,
    generate_all,
    make_plan,
    pair_condition,
    single_condition,
    write_jsonl,
)
from tautrait.traiteval.measures import (
    ConversationMeasures,
    Scorer,
    cell_summary,
    mean_or_nan,
    measure_conversations,
    method_summary,
    perplexity_of,
)
from tautrait.traiteval.realism import method_realism
from tautrait.traiteval.report import clean, render_markdown
from tautrait.traiteval.settings import PAIR_LEVELS, EvalSettings
from tautrait.user.arms import Arm, parse_arms
from tautrait.user.settings import UserSettings, run_retry
from tautrait.user.side import UserSide, prepare_user_side

MARKDOWN_NAME = "traiteval.md"
CONVERSATIONS_NAME = "conversations.jsonl"


def is_local(model: str) -> bool:
    return is_embedded(model) or Path(model).expanduser().is_dir()


def prepare_method(
    method: str, plan: Plan, settings: EvalSettings, console: Console
) -> tuple[UserSide, dict[str, Arm]]:
    """The user side of one method, with an arm per condition (neutral included)."""
    user = UserSettings(
        strategy=method,
        model=settings.user_model,
        temperature=settings.user_temperature,
        top_p=settings.user_top_p,
        max_tokens=settings.user_max_tokens,
        basis=settings.basis,
        device=settings.device,
        retry=run_retry(settings.retry_attempts),
    )
    trait_dicts = [c.trait_dict() for c in plan.conditions if c.key != NEUTRAL]
    side = prepare_user_side(user, parse_arms(trait_dicts, user.strategy), console)
    by_key = {NEUTRAL if a.trait_dict is None else a.trait_dict.canonical(): a for a in side.arms}
    return side, by_key


def make_scorer(
    settings: EvalSettings,
    definitions: dict[str, TraitDefinition],
    sides: dict[str, tuple[UserSide, dict[str, Arm]]],
) -> Scorer:
    """The unsteered local model (and its basis) that reads every method's turns."""
    name = settings.scorer_model or (
        settings.user_model if is_local(settings.user_model) else "embedded"
    )
    if not is_local(name):
        raise UserError(
            f"--scorer-model must be a local checkpoint folder or 'embedded', not {name!r}"
        )
    lm = load_local_model(name, device=settings.device)
    basis: TraitBasis | None = None
    for side, _ in sides.values():
        if side.basis is not None and side.lm is lm:
            basis = side.basis
            break
    if basis is None and settings.basis is not None:
        basis = TraitBasis.load(settings.basis)
        basis.check_model(lm)
    if basis is None:
        basis = model_basis(lm, [definitions[t] for t in settings.traits])
    missing = [t for t in settings.traits if t not in basis.vectors]
    if missing:
        raise UserError(f"the scorer's basis has no direction for {', '.join(missing)}")
    return Scorer(lm, basis, definitions, settings.traits)


def offline_results(plan: Plan, measures: dict[str, ConversationMeasures]) -> dict[str, Any]:
    cells: list[dict[str, Any]] = []
    methods: dict[str, Any] = {}
    for method in plan.methods:
        mine: list[dict[str, Any]] = []
        for trait in plan.traits:
            for level in ("low", "medium", "high"):
                key = single_condition(trait, level).key
                members = [
                    measures[cid]
                    for c in plan.contexts
                    if (cid := conversation_id(method, c.id, key)) in measures
                ]
                cell = {"method": method, "trait": trait, "intensity": level, "condition": key}
                cell.update(cell_summary(trait, members))
                mine.append(cell)
        single_keys = {
            single_condition(t, lv).key for t in plan.traits for lv in ("low", "medium", "high")
        }
        distinct = [
            measures[cid]
            for c in plan.contexts
            for key in sorted(single_keys)
            if (cid := conversation_id(method, c.id, key)) in measures
        ]
        methods[method] = method_summary(mine, distinct)
        cells += mine
    pairs: list[dict[str, Any]] = []
    for method in plan.methods:
        for pair in plan.pairs:
            for levels in PAIR_LEVELS:
                condition = pair_condition(pair, levels)
                members = [
                    measures[cid]
                    for c in plan.contexts
                    if (cid := conversation_id(method, c.id, condition.key)) in measures
                ]
                pairs.append(
                    {
                        "method": method,
                        "condition": condition.key,
                        "levels": [[pair[0], levels[0]], [pair[1], levels[1]]],
                        "conversations": len(members),
                        "scores": {
                            t: round(
                                mean_or_nan(
                                    [mean_or_nan(m.scores[t]) for m in members if m.scores[t]]
                                ),
                                4,
                            )
                            for t in pair
                        },
                        "perplexity": round(
                            perplexity_of([v for m in members for v in m.logprobs]), 4
                        ),
                    }
                )
    return {"cells": cells, "methods": methods, "pairs": pairs}


def run_eval(settings: EvalSettings, out_dir: Path, console: Console) -> TraitEvalRecord:
    """Run the whole evaluation, write its files to ``out_dir``, return the result."""
    started = time.monotonic()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    definitions = load_definitions()
    contexts = choose_contexts(load_contexts(settings.contexts_file), settings.contexts)
    plan = make_plan(settings, contexts)
    out_dir.mkdir(parents=True, exist_ok=True)
    local_pool.configure(
        local_pool.PoolSettings(device=settings.device, max_batch_size=settings.max_batch_size)
    )
    timings: dict[str, float] = {}
    try:
        sides = {m: prepare_method(m, plan, settings, console) for m in plan.methods}
        timings["prepare_s"] = round(time.monotonic() - started, 2)
        total = len(plan.conversation_ids())
        console.print(
            f"generating {total} conversations ({len(plan.methods)} method(s) x "
            f"{len(plan.contexts)} context(s) x {len(plan.conditions)} condition(s), "
            f"{settings.turns} user turns each)"
        )
        done = [0]

        def progress(conversation: Conversation) -> None:
            done[0] += 1
            if done[0] % max(1, total // 10) == 0 or done[0] == total:
                console.print(f"[dim]  {done[0]}/{total} conversations[/dim]")

        mark = time.monotonic()
        conversations = asyncio.run(generate_all(plan, sides, settings, progress))
        timings["generation_s"] = round(time.monotonic() - mark, 2)
        write_jsonl(out_dir / CONVERSATIONS_NAME, conversations)

        mark = time.monotonic()
        scorer = make_scorer(settings, definitions, sides)
        measures = measure_conversations(scorer, [c for c in conversations if c.error is None])
        offline = offline_results(plan, measures)
        offline["realism"] = method_realism(plan, conversations)
        timings["scoring_s"] = round(time.monotonic() - mark, 2)

        judged: dict[str, Any] | None = None
        if settings.judge_model:
            mark = time.monotonic()
            items, skipped = judging.build_items(plan, conversations, definitions, settings.seed)
            console.print(f"judging {len(items)} item(s) with {settings.judge_model}")
            asyncio.run(judging.run_judge(items, settings, definitions))
            judged = {
                "model": settings.judge_model,
                "protocols": judging.summarise(items, plan, settings, skipped),
                "items": [i.to_json() for i in items],
            }
            timings["judging_s"] = round(time.monotonic() - mark, 2)
    finally:
        local_pool.close_pool()

    result = TraitEvalRecord.model_validate(
        {
            "created": created,
            "wall_s": round(time.monotonic() - started, 2),
            "timings": timings,
            "settings": settings.model_dump(mode="json"),
            "contexts": [c.id for c in plan.contexts],
            "pairs": [list(p) for p in plan.pairs],
            "conditions": [{"key": c.key, "levels": dict(c.levels)} for c in plan.conditions],
            "user_sides": {
                m: {
                    "info": side.info,
                    "arms": {k: a.record.model_dump(mode="json") for k, a in arms.items()},
                }
                for m, (side, arms) in sides.items()
            },
            "scorer": scorer.describe(),
            "conversations": {
                "file": CONVERSATIONS_NAME,
                "count": len(conversations),
                "errors": sum(1 for c in conversations if c.error is not None),
                "user_stops": sum(1 for c in conversations if c.stop_turn is not None),
                "measures": {cid: m.to_json() for cid, m in measures.items()},
            },
            "offline": offline,
            "judge": judged,
        }
    )
    # NaN (a cell without conversations) is written as null: JSON has no NaN.
    data = clean(result.model_dump(mode="json", by_alias=True))
    write_json(out_dir / TRAITEVAL_FILE, data)
    (out_dir / MARKDOWN_NAME).write_text(render_markdown(data), encoding="utf-8")
    return result
