"""Rendering a ``traits eval`` result: the JSON file and a Markdown report.

The first table has the shape of the seed paper's Table 3 (methods as rows; realism
Elo, fidelity accuracy, stability consistent/escalates/fades, compositionality
exact-pair accuracy), extended with the offline measures; per-trait dose-response,
trait-pair and judge-detail tables follow, then the definitions the numbers rest on.
"""

from __future__ import annotations

import math
from typing import Any

METHOD_NAMES = {"steered": "TraitBasis (steered)", "mtad": "mTAD", "prompt": "Prompt-based"}
DASH = "–"


def method_name(method: str) -> str:
    return METHOD_NAMES.get(method, method)


def clean(value: Any) -> Any:
    """NaN and infinities become null (JSON has neither)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return DASH
    return f"{value:.{digits}f}"


def _signed(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value:+.{digits}f}"


def _pct(value: Any) -> str:
    return DASH if value is None else f"{100 * value:.1f}"


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main_table(result: dict[str, Any]) -> str:
    """The Table 3-shaped summary: one row per method."""
    methods: list[str] = result["settings"]["methods"]
    judge = (result.get("judge") or {}).get("protocols") or {}
    offline = result["offline"]["methods"]
    header = [
        "Method",
        "Realism (Elo) ↑",
        "Fidelity (%) ↑",
        "Consistent (%)",
        "Escalates (%)",
        "Fades (%)",
        "Compositionality (%) ↑",
        "Trait score low / med / high",
        "Drift",
        "Perplexity ↓",
        "Distinct-2 ↑",
        "Repetition ↓",
    ]
    rows = []
    for method in methods:
        elo = ((judge.get("realism") or {}).get("elo") or {}).get(method)
        fidelity = ((judge.get("fidelity") or {}).get("by_method") or {}).get(method) or {}
        stability = ((judge.get("stability") or {}).get("by_method") or {}).get(method) or {}
        composition = ((judge.get("compositionality") or {}).get("by_method") or {}).get(
            method
        ) or {}
        o = offline[method]
        rows.append(
            [
                method_name(method),
                f"{elo['mean']:.1f} ± {elo['sd']:.0f}" if elo else DASH,
                _pct(fidelity.get("accuracy")),
                _pct(stability.get("consistent")),
                _pct(stability.get("escalates")),
                _pct(stability.get("fades")),
                _pct(composition.get("exact")),
                " / ".join(_num(o["score"][k]) for k in ("low", "medium", "high")),
                _signed(o["drift"]),
                _num(o["perplexity"], 1),
                _num(o["distinct_2"], 3),
                _num(o["repetition"], 3),
            ]
        )
    return _table(header, rows)


def dose_table(result: dict[str, Any]) -> str:
    header = [
        "Method",
        "Trait",
        "Score low",
        "Score medium",
        "Score high",
        "Drift medium",
        "Drift high",
        "Perplexity low / med / high",
        "Distinct-2 high",
        "Repetition high",
    ]
    cells = result["offline"]["cells"]
    index = {(c["method"], c["trait"], c["intensity"]): c for c in cells}
    rows = []
    for method in result["settings"]["methods"]:
        for trait in result["settings"]["traits"]:
            low, medium, high = (index[(method, trait, k)] for k in ("low", "medium", "high"))
            rows.append(
                [
                    method_name(method),
                    trait,
                    _num(low["score"]),
                    _num(medium["score"]),
                    _num(high["score"]),
                    _signed(medium["drift"]["delta"]),
                    _signed(high["drift"]["delta"]),
                    " / ".join(_num(c["perplexity"], 1) for c in (low, medium, high)),
                    _num(high["distinct_2"], 3),
                    _num(high["repetition"], 3),
                ]
            )
    return _table(header, rows)


def pairs_table(result: dict[str, Any]) -> str:
    header = ["Method", "Pair (levels)", "Score of first", "Score of second", "Perplexity"]
    rows = []
    for entry in result["offline"]["pairs"]:
        (ta, la), (tb, lb) = entry["levels"]
        rows.append(
            [
                method_name(entry["method"]),
                f"{ta}={la} + {tb}={lb}",
                _num(entry["scores"][ta]),
                _num(entry["scores"][tb]),
                _num(entry["perplexity"], 1),
            ]
        )
    return _table(header, rows)


def judge_details(result: dict[str, Any]) -> str:
    judge = result.get("judge")
    if not judge:
        return (
            "No judge was run (pass `--judge-model` for fidelity, stability, "
            "compositionality and realism)."
        )
    protocols = judge["protocols"]
    lines = [f"Judge: `{judge['model']}`.", ""]
    header = ["Protocol", "Items", "Unparsable", "Errors", "Skipped", "Note"]
    rows = [
        [
            name,
            str(p["items"]),
            str(p["unparsable"]),
            str(p["errors"]),
            str(p["skipped"]),
            p.get("note", ""),
        ]
        for name, p in protocols.items()
    ]
    lines.append(_table(header, rows, ["l", "r", "r", "r", "r", "l"]))
    lines.append("")
    header = [
        "Method",
        "Fidelity w/o abstain (%)",
        "Stability: trait absent (%)",
        "Compositionality partial (%)",
        "Realism win rate (%)",
    ]
    rows = []
    for method in result["settings"]["methods"]:
        fid = protocols["fidelity"]["by_method"].get(method, {})
        stab = protocols["stability"]["by_method"].get(method, {})
        comp = protocols["compositionality"]["by_method"].get(method, {})
        win = (protocols["realism"].get("win_rate") or {}).get(method)
        rows.append(
            [
                method_name(method),
                _pct(fid.get("accuracy_without_abstain")),
                _pct(stab.get("absent")),
                _pct(comp.get("partial_or_exact")),
                _pct(win),
            ]
        )
    lines.append(_table(header, rows))
    detection_rows = []
    for method in result["settings"]["methods"]:
        comp = protocols["compositionality"]["by_method"].get(method, {})
        for pair, rates in (comp.get("detection") or {}).items():
            detection_rows.append(
                [method_name(method), pair] + [f"{t}: {_pct(r)}" for t, r in rates.items()]
            )
    if detection_rows:
        lines += [
            "",
            "Per-pair detection (how often the judge named each active trait, %):",
            "",
            _table(["Method", "Pair", "First trait", "Second trait"], detection_rows),
        ]
    return "\n".join(lines)


DEFINITIONS = """\
- **Trait score** (offline, every method read by the same unsteered scorer model): each
  user turn, rendered as a reply to the agent message it answers and mean-pooled like
  extraction, is projected on the trait's unit direction at its calibrated block;
  standardised by the trait's held-out contrastive pairs so that 0 is their mean
  trait-free reply and 1 their mean trait-bearing reply. Averaged per conversation, then
  over conversations; the main table averages over traits. "low" is the neutral user.
- **Drift**: mean score of the last `w` user turns minus the first `w`
  (`w = min(4, turns // 2)`), for medium and high conversations.
- **Perplexity**: of the user turns under the unsteered scorer (geometric mean over
  turns); **distinct-2**: distinct word bigrams / all bigrams of the user turns;
  **repetition**: share of repeated word trigrams within a conversation's user turns.
- **Fidelity**: low vs high conversation, the judge picks the stronger; abstentions
  count as wrong. **Stability**: first vs last `w` user turns of medium/high
  conversations (consistent = same, escalates = end stronger, fades = start stronger).
  **Compositionality**: the judge names the two active traits; exact-pair accuracy.
  **Realism**: pairwise method comparisons, Elo (K = 32, base 1500) averaged over
  shuffled orders (± its standard deviation); "neither" is a draw.
- Unparsable judge responses are counted per protocol, never guessed; percentages are
  over parsed responses."""


def realism_table(result: dict[str, Any]) -> str:
    """Per method, the figures a run's report shows per arm (see
    :mod:`tautrait.evaluation.realism`)."""
    figures = result["offline"]["realism"]
    window = next(iter(figures.values()))["mattr_window"]
    rows = [
        [
            method_name(method),
            str(f["conversations"]),
            str(f["user_turns"]),
            f"{_num(f['words_mean'], 1)} / {_num(f['words_median'], 1)} / "
            f"{_num(f['words_p90'], 1)}",
            _num(f["mattr"]),
            _pct(f["front_loading"]),
            f"{_pct(f['role_break_share'])} ({f['role_break_turns']})",
        ]
        for method, f in figures.items()
    ]
    header = [
        "method",
        "conversations",
        "user turns",
        "words / turn (mean / median / p90)",
        f"MATTR ({window} words)",
        "front-loading %",
        "role breaks % (turns)",
    ]
    return (
        _table(header, rows)
        + "\n\nWords are runs of letters, digits and apostrophes. MATTR: moving-average "
        "type-token ratio of each conversation's user words, mean over conversations. "
        "Front-loading: share of the context's key facts (emails, values with a digit) the "
        "first user turn gives. Role breaks: user turns that speak as the agent (the check "
        "a run's fault attribution uses)."
    )


def render_markdown(result: dict[str, Any]) -> str:
    settings = result["settings"]
    conv = result["conversations"]
    lines = [
        "# Trait evaluation of simulated users",
        "",
        f"User model `{settings['user_model']}`, agent `{settings['agent_model']}`, "
        f"scorer `{result['scorer']['model_id']}`; {len(result['contexts'])} context(s), "
        f"{settings['turns']} user turn(s) per conversation, seed {settings['seed']}; "
        f"{conv['count']} conversations ({conv['errors']} failed, "
        f"{conv['user_stops']} with a user stop marker); {result['wall_s']:.0f} s.",
        "",
        main_table(result),
        "",
        "## Dose-response per trait (offline)",
        "",
        dose_table(result),
    ]
    if result["offline"]["pairs"]:
        lines += ["", "## Trait pairs (offline)", "", pairs_table(result)]
    if result["offline"].get("realism"):
        lines += ["", "## Realism diagnostics (offline)", "", realism_table(result)]
    lines += ["", "## Judge", "", judge_details(result), "", "## Definitions", "", DEFINITIONS]
    return "\n".join(lines) + "\n"
