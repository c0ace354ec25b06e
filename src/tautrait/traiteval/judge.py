"""The seed paper's judged protocols, run with an LLM judge (any litellm model).

Each protocol renders a prompt file (``prompts/<protocol>.md.j2``, adapted from the
paper's annotation instructions, appendix A.2) and parses the judge's response
**strictly**: it must end with one line ``ANSWER: <choice>`` (markdown emphasis around
it is tolerated), the choice must be one of those offered, spelled as offered, and any
earlier ``ANSWER:`` line must agree with it. Anything else is *unparsable*: counted per
protocol and method, never guessed. A judge call that fails even after retries is
counted separately as an error.

- **fidelity** (RQ2): the low and the high conversation of one (method, context,
  trait), in a seeded random order; which shows the trait more strongly (1, 2, same,
  absent)? Correct when the high one is picked. Accuracy counts abstentions (same,
  absent) as wrong; accuracy without abstentions leaves them out.
- **stability** (RQ3): the first and the last ``w`` user turns (``w = min(4, turns //
  2)``) of each medium and high single-trait conversation, in a seeded random order;
  which shows the trait more strongly (1, 2, same, absent)? The end chosen: escalates;
  the start: fades; same: consistent. Low conversations are left out: their trait is
  absent by design.
- **compositionality** (RQ4): each two-trait conversation; which two of the evaluated
  traits (listed in a seeded random order) does the user show? Exact: both right;
  partial: at least one. Needs at least three traits to choose from.
- **realism** (RQ1): for each context, trait, medium/high and pair of methods, the two
  methods' conversations in a seeded random order; which shows the trait more
  realistically (1, 2, neither)? Elo over the comparisons (``neither`` is a draw).

Every random order comes from ``random.Random("<seed>:<item id>")``: the same command
shows the judge the same prompts.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from tautrait.errors import InfraError
from tautrait.llm import ContextOverflow, RetryPolicy, complete
from tautrait.steering.traits import TraitDefinition, alias_table
from tautrait.traiteval import elo as elo_mod
from tautrait.traiteval.conversations import (
    NEUTRAL,
    Conversation,
    Plan,
    conversation_id,
    pair_condition,
    single_condition,
    templates,
)
from tautrait.traiteval.measures import window
from tautrait.traiteval.settings import PAIR_LEVELS, EvalSettings

PROTOCOLS = ("fidelity", "stability", "compositionality", "realism")
_ANSWER = re.compile(r"^[*_`\s]*ANSWER[*_`\s]*:[*_`\s]*(.*?)[*_`\s]*$", re.IGNORECASE)


# --- strict parsing --------------------------------------------------------------------


@dataclass
class Parsed:
    value: str | None
    error: str | None = None


def final_answer(text: str) -> Parsed:
    """The value of the required final ``ANSWER:`` line, or why there is none."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return Parsed(None, "empty response")
    answers = [m.group(1).strip() for line in lines if (m := _ANSWER.match(line))]
    if not answers:
        return Parsed(None, "no ANSWER line")
    if not _ANSWER.match(lines[-1]):
        return Parsed(None, "the ANSWER line is not the last line")
    if len({a.lower() for a in answers}) > 1:
        return Parsed(None, "conflicting ANSWER lines")
    if not answers[-1]:
        return Parsed(None, "empty ANSWER")
    return Parsed(answers[-1])


def parse_choice(text: str, choices: Sequence[str]) -> Parsed:
    """One of ``choices`` (case-insensitive, a final period tolerated), else unparsable."""
    answer = final_answer(text)
    if answer.value is None:
        return answer
    value = answer.value.lower().removesuffix(".").strip()
    if value not in choices:
        return Parsed(None, f"answer {answer.value!r} is not one of {', '.join(choices)}")
    return Parsed(value)


def parse_traits(
    text: str, candidates: Sequence[str], definitions: dict[str, TraitDefinition]
) -> Parsed:
    """Exactly two distinct candidate traits, comma-separated (names or aliases); the
    value is the two canonical names, sorted, joined by a comma."""
    answer = final_answer(text)
    if answer.value is None:
        return answer
    aliases = alias_table({t: definitions[t] for t in candidates})
    names = [part.strip().lower().removesuffix(".").strip() for part in answer.value.split(",")]
    found: list[str] = []
    for name in names:
        canonical = aliases.get(name)
        if canonical is None:
            return Parsed(None, f"{name!r} is not one of the listed traits")
        found.append(canonical)
    if len(found) != 2 or len(set(found)) != 2:
        return Parsed(None, f"needs exactly two different traits, got {answer.value!r}")
    return Parsed(",".join(sorted(found)))


# --- items -----------------------------------------------------------------------------


@dataclass
class JudgeItem:
    protocol: str
    id: str
    methods: list[str]
    """The method judged, or for realism the two methods in the order shown."""
    context: str
    trait: str
    """The trait asked about (for compositionality, the true pair "a,b")."""
    level: str
    shown: list[str]
    """What is shown as 1 and 2: conversation ids, or "start"/"end" excerpts."""
    expected: str | None
    prompt: str
    response: str | None = None
    answer: str | None = None
    parse_error: str | None = None
    call_error: str | None = None
    outcome: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["prompt"]
        return data


def _rng(seed: int, item_id: str) -> random.Random:
    return random.Random(f"{seed}:{item_id}")


def _trait(definitions: dict[str, TraitDefinition], name: str) -> dict[str, str]:
    return {"name": name, "description": definitions[name].description}


def build_items(
    plan: Plan,
    conversations: Sequence[Conversation],
    definitions: dict[str, TraitDefinition],
    seed: int,
) -> tuple[list[JudgeItem], dict[str, int]]:
    """Every judge item of the four protocols, and how many were skipped because a
    conversation they need failed."""
    by_id = {c.id: c for c in conversations}
    contexts = {c.id: c for c in plan.contexts}
    items: list[JudgeItem] = []
    skipped = dict.fromkeys(PROTOCOLS, 0)

    def usable(*ids: str) -> bool:
        return all(i in by_id and by_id[i].error is None for i in ids)

    for method in plan.methods:
        for context in plan.contexts:
            for trait in plan.traits:
                # fidelity: low vs high
                low = conversation_id(method, context.id, NEUTRAL)
                high = conversation_id(method, context.id, single_condition(trait, "high").key)
                item_id = f"fidelity/{method}/{context.id}/{trait}"
                if usable(low, high):
                    shown = [low, high]
                    _rng(seed, item_id).shuffle(shown)
                    prompt = templates.get_template("fidelity.md.j2").render(
                        trait=_trait(definitions, trait),
                        context=context,
                        first=by_id[shown[0]].turns,
                        second=by_id[shown[1]].turns,
                    )
                    expected = "1" if shown[0] == high else "2"
                    items.append(
                        JudgeItem(
                            protocol="fidelity",
                            id=item_id,
                            methods=[method],
                            context=context.id,
                            trait=trait,
                            level="low-high",
                            shown=shown,
                            expected=expected,
                            prompt=prompt,
                        )
                    )
                else:
                    skipped["fidelity"] += 1
                # stability: start vs end of medium and high conversations
                for level in ("medium", "high"):
                    cid = conversation_id(method, context.id, single_condition(trait, level).key)
                    item_id = f"stability/{method}/{context.id}/{trait}={level}"
                    users = (
                        [t for t in by_id[cid].turns if t.speaker == "user"] if cid in by_id else []
                    )
                    w = window(len(users))
                    if not usable(cid) or w < 1:
                        skipped["stability"] += 1
                        continue
                    parts = {"start": users[:w], "end": users[-w:]}
                    shown = ["start", "end"]
                    _rng(seed, item_id).shuffle(shown)
                    prompt = templates.get_template("stability.md.j2").render(
                        trait=_trait(definitions, trait),
                        context=context,
                        first=parts[shown[0]],
                        second=parts[shown[1]],
                    )
                    items.append(
                        JudgeItem(
                            protocol="stability",
                            id=item_id,
                            methods=[method],
                            context=context.id,
                            trait=trait,
                            level=level,
                            shown=shown,
                            expected=None,
                            prompt=prompt,
                        )
                    )
            # compositionality: every two-trait conversation
            if len(plan.traits) >= 3:
                for pair in plan.pairs:
                    for levels in PAIR_LEVELS:
                        cid = conversation_id(method, context.id, pair_condition(pair, levels).key)
                        item_id = f"compositionality/{method}/{context.id}/{cid.split('/')[-1]}"
                        if not usable(cid):
                            skipped["compositionality"] += 1
                            continue
                        candidates = list(plan.traits)
                        _rng(seed, item_id).shuffle(candidates)
                        prompt = templates.get_template("compositionality.md.j2").render(
                            context=context,
                            candidates=[_trait(definitions, t) for t in candidates],
                            turns=by_id[cid].turns,
                        )
                        items.append(
                            JudgeItem(
                                protocol="compositionality",
                                id=item_id,
                                methods=[method],
                                context=context.id,
                                trait=",".join(sorted(pair)),
                                level=f"{levels[0]}-{levels[1]}",
                                shown=[cid],
                                expected=",".join(sorted(pair)),
                                prompt=prompt,
                            )
                        )
    # realism: pairs of methods on the same context, trait and level
    for a, b in combinations(plan.methods, 2):
        for context_id, context in contexts.items():
            for trait in plan.traits:
                for level in ("medium", "high"):
                    key = single_condition(trait, level).key
                    ids = [conversation_id(a, context_id, key), conversation_id(b, context_id, key)]
                    item_id = f"realism/{a}-vs-{b}/{context_id}/{key}"
                    if not usable(*ids):
                        skipped["realism"] += 1
                        continue
                    order = [0, 1]
                    _rng(seed, item_id).shuffle(order)
                    shown = [ids[i] for i in order]
                    methods = [(a, b)[i] for i in order]
                    prompt = templates.get_template("realism.md.j2").render(
                        trait=_trait(definitions, trait),
                        level=level,
                        context=context,
                        first=by_id[shown[0]].turns,
                        second=by_id[shown[1]].turns,
                    )
                    items.append(
                        JudgeItem(
                            protocol="realism",
                            id=item_id,
                            methods=methods,
                            context=context_id,
                            trait=trait,
                            level=level,
                            shown=shown,
                            expected=None,
                            prompt=prompt,
                        )
                    )
    return items, skipped


# --- running and scoring ---------------------------------------------------------------


def score_item(
    item: JudgeItem, definitions: dict[str, TraitDefinition], traits: Sequence[str]
) -> None:
    """Parse the response and set the item's answer and outcome (or parse error)."""
    assert item.response is not None
    if item.protocol == "compositionality":
        parsed = parse_traits(item.response, traits, definitions)
    elif item.protocol == "realism":
        parsed = parse_choice(item.response, ("1", "2", "neither"))
    else:
        parsed = parse_choice(item.response, ("1", "2", "same", "absent"))
    item.answer, item.parse_error = parsed.value, parsed.error
    if parsed.value is None:
        return
    value = parsed.value
    if item.protocol == "fidelity":
        item.outcome = (
            value
            if value in ("same", "absent")
            else ("correct" if value == item.expected else "wrong")
        )
    elif item.protocol == "stability":
        if value in ("same", "absent"):
            item.outcome = "consistent" if value == "same" else "absent"
        else:
            chosen = item.shown[int(value) - 1]
            item.outcome = "escalates" if chosen == "end" else "fades"
    elif item.protocol == "compositionality":
        truth = set(item.trait.split(","))
        hits = len(truth & set(value.split(",")))
        item.outcome = "exact" if hits == 2 else ("partial" if hits == 1 else "miss")
    else:
        item.outcome = "draw" if value == "neither" else item.methods[int(value) - 1]


async def run_judge(
    items: Sequence[JudgeItem],
    settings: EvalSettings,
    definitions: dict[str, TraitDefinition],
    on_done: Callable[[JudgeItem], None] | None = None,
) -> None:
    """Ask the judge every item (``judge_concurrency`` at a time), then score it."""
    assert settings.judge_model is not None
    model = settings.judge_model
    gate = asyncio.Semaphore(settings.judge_concurrency)
    retry = RetryPolicy(attempts=settings.retry_attempts)

    async def one(item: JudgeItem) -> None:
        async with gate:
            try:
                completion = await complete(
                    model,
                    [{"role": "user", "content": item.prompt}],
                    temperature=0.0,
                    seed=settings.seed,
                    max_tokens=settings.judge_max_tokens,
                    api_base=settings.judge_api_base,
                    retry=retry,
                )
            except (InfraError, ContextOverflow) as exc:
                item.call_error = f"{type(exc).__name__}: {exc}"
            else:
                item.response = completion.content
                score_item(item, definitions, settings.traits)
        if on_done is not None:
            on_done(item)

    await asyncio.gather(*(one(item) for item in items))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def summarise(
    items: Sequence[JudgeItem], plan: Plan, settings: EvalSettings, skipped: dict[str, int]
) -> dict[str, Any]:
    """Per protocol: counts and rates per method (and Elo for realism)."""
    out: dict[str, Any] = {}
    for protocol in PROTOCOLS:
        mine = [i for i in items if i.protocol == protocol]
        entry: dict[str, Any] = {
            "items": len(mine),
            "skipped": skipped.get(protocol, 0),
            "unparsable": sum(1 for i in mine if i.parse_error is not None),
            "errors": sum(1 for i in mine if i.call_error is not None),
        }
        if protocol == "realism":
            entry.update(_realism(mine, plan, settings))
        else:
            entry["by_method"] = {
                m: _per_method(protocol, [i for i in mine if i.methods == [m]], plan)
                for m in plan.methods
            }
        out[protocol] = entry
    if len(plan.traits) < 3 or not plan.pairs:
        out["compositionality"]["note"] = (
            "not run: needs --pairs >= 1 and at least three traits to choose from"
        )
    if len(plan.methods) < 2:
        out["realism"]["note"] = "not run: needs at least two methods"
    return out


def _per_method(protocol: str, items: Sequence[JudgeItem], plan: Plan) -> dict[str, Any]:
    parsed = [i for i in items if i.outcome is not None]
    counts: dict[str, int] = {}
    for item in parsed:
        assert item.outcome is not None
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    row: dict[str, Any] = {
        "items": len(items),
        "parsed": len(parsed),
        "unparsable": sum(1 for i in items if i.parse_error is not None),
        "errors": sum(1 for i in items if i.call_error is not None),
        "counts": counts,
    }
    n = len(parsed)
    if protocol == "fidelity":
        decided = counts.get("correct", 0) + counts.get("wrong", 0)
        row["accuracy"] = _ratio(counts.get("correct", 0), n)
        row["accuracy_without_abstain"] = _ratio(counts.get("correct", 0), decided)
    elif protocol == "stability":
        for outcome in ("consistent", "escalates", "fades", "absent"):
            row[outcome] = _ratio(counts.get(outcome, 0), n)
    elif protocol == "compositionality":
        row["exact"] = _ratio(counts.get("exact", 0), n)
        row["partial_or_exact"] = _ratio(counts.get("exact", 0) + counts.get("partial", 0), n)
        detection: dict[str, dict[str, float | None]] = {}
        for pair in plan.pairs:
            key = ",".join(sorted(pair))
            of_pair = [i for i in parsed if i.trait == key]
            detection[key] = {
                t: _ratio(sum(1 for i in of_pair if t in (i.answer or "").split(",")), len(of_pair))
                for t in sorted(pair)
            }
        row["detection"] = detection
    return row


def _realism(items: Sequence[JudgeItem], plan: Plan, settings: EvalSettings) -> dict[str, Any]:
    games: list[elo_mod.Comparison] = []
    for item in items:
        if item.outcome is None:
            continue
        a, b = item.methods
        score = 0.5 if item.outcome == "draw" else (1.0 if item.outcome == a else 0.0)
        games.append((a, b, score))
    entry: dict[str, Any] = {"comparisons": len(games)}
    if games:
        ratings = elo_mod.shuffled_elo(
            games, plan.methods, shuffles=settings.elo_shuffles, seed=settings.seed
        )
        rates = elo_mod.win_rates(games, plan.methods)
        entry["elo"] = {
            m: {"mean": round(mean, 2), "sd": round(sd, 2)} for m, (mean, sd) in ratings.items()
        }
        entry["win_rate"] = {m: round(r, 4) for m, r in rates.items()}
        entry["draws"] = sum(1 for *_, s in games if s == 0.5)
    per_method = {}
    for m in plan.methods:
        mine = [i for i in items if m in i.methods]
        per_method[m] = {
            "items": len(mine),
            "unparsable": sum(1 for i in mine if i.parse_error is not None),
            "errors": sum(1 for i in mine if i.call_error is not None),
        }
    entry["by_method"] = per_method
    entry["k"] = elo_mod.K
    entry["base"] = elo_mod.BASE
    entry["shuffles"] = settings.elo_shuffles
    return entry


__all__ = [
    "PROTOCOLS",
    "JudgeItem",
    "Parsed",
    "build_items",
    "final_answer",
    "parse_choice",
    "parse_traits",
    "run_judge",
    "score_item",
    "summarise",
]
