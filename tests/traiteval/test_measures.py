import math

import pytest

from tautrait.steering.basis import extract_basis
from tautrait.steering.traits import load_definitions
from tautrait.traiteval.measures import (
    ConversationMeasures,
    Scorer,
    cell_summary,
    conversation_repetition,
    distinct_2,
    drift,
    method_summary,
    perplexity_of,
    window,
)
from tests.tiny import tiny_model


@pytest.fixture(scope="module")
def scorer_parts() -> tuple:  # type: ignore[type-arg]
    definitions = load_definitions()
    lm = tiny_model()
    basis = extract_basis(lm, [definitions["impatience"]], holdout=4)
    return lm, basis, definitions


def test_trait_score_is_zero_for_negatives_and_one_for_positives(scorer_parts: tuple) -> None:  # type: ignore[type-arg]
    lm, basis, definitions = scorer_parts
    scorer = Scorer(lm, basis, definitions, ["impatience"])
    axis = scorer.axes["impatience"]
    assert axis.pairs == "heldout" and axis.n_pairs == 3
    assert axis.blocks == [2]  # the default (uncalibrated) block: the middle one
    held = [definitions["impatience"].pairs[i] for i in (3, 7, 11)]
    negatives = scorer.trait_scores([(p.prompt, p.negative) for p in held])["impatience"]
    positives = scorer.trait_scores([(p.prompt, p.positive) for p in held])["impatience"]
    assert sum(negatives) / 3 == pytest.approx(0.0, abs=1e-4)
    assert sum(positives) / 3 == pytest.approx(1.0, abs=1e-4)
    # A single reply is scored the same alone or in a batch (left padding is masked).
    alone = scorer.trait_scores([(held[0].prompt, held[0].positive)])["impatience"][0]
    assert alone == pytest.approx(positives[0], abs=1e-4)
    # Empty input is fine.
    assert scorer.trait_scores([]) == {"impatience": []}


def test_trait_score_falls_back_to_all_pairs(scorer_parts: tuple) -> None:  # type: ignore[type-arg]
    lm, _, definitions = scorer_parts
    basis = extract_basis(lm, [definitions["impatience"]], holdout=0)
    scorer = Scorer(lm, basis, definitions, ["impatience"])
    assert scorer.axes["impatience"].pairs == "all"
    assert scorer.axes["impatience"].n_pairs == 14
    pairs = definitions["impatience"].pairs
    scores = scorer.trait_scores([(p.prompt, p.negative) for p in pairs])["impatience"]
    assert sum(scores) / len(scores) == pytest.approx(0.0, abs=1e-4)
    described = scorer.describe()["traits"]["impatience"]
    assert described["pairs"] == "all" and set(described["mean_projection_positive"]) == {"2"}


def test_drift_windows() -> None:
    assert [window(n) for n in (1, 2, 3, 4, 7, 8, 10, 20)] == [0, 1, 1, 2, 3, 4, 4, 4]
    scores = [0.1 * i for i in range(1, 11)]
    first, last, delta = drift(scores)  # type: ignore[misc]
    assert first == pytest.approx(0.25) and last == pytest.approx(0.85)
    assert delta == pytest.approx(0.6)
    assert drift([0.9, 0.5, 0.2]) == pytest.approx((0.9, 0.2, -0.7))
    assert drift([0.5]) is None


def test_distinct_repetition_and_perplexity_on_fixed_texts() -> None:
    assert distinct_2(["the cat sat", "the cat ran"]) == 0.75
    assert distinct_2(["one"]) == 0.0
    # "a b c a b c a b c": 7 trigrams, 3 distinct.
    assert conversation_repetition(["a b c a b c", "a b c"]) == pytest.approx(1 - 3 / 7)
    assert conversation_repetition(["never the same words twice here"]) == 0.0
    assert perplexity_of([-1.0, -3.0]) == pytest.approx(math.exp(2.0))
    assert math.isnan(perplexity_of([]))


def _measures(scores: list[float], texts: list[str] | None = None) -> ConversationMeasures:
    texts = texts or [f"turn {i} words" for i in range(len(scores))]
    return ConversationMeasures(texts, {"impatience": scores}, [-2.0] * len(scores), 0)


def test_cells_and_method_summary() -> None:
    low = cell_summary("impatience", [_measures([0.0, 0.2]), _measures([0.2, 0.2])])
    assert low["score"] == pytest.approx(0.15)
    assert low["drift"]["delta"] == pytest.approx(0.1)  # (+0.2 + 0.0) / 2
    assert low["perplexity"] == pytest.approx(math.exp(2.0), rel=1e-4)
    assert low["conversations"] == 2 and low["turns_scored"] == 4
    medium = cell_summary("impatience", [_measures([0.5, 0.6, 0.7, 0.8])])
    assert medium["drift"]["window"] == 2
    assert medium["drift"]["first"] == pytest.approx(0.55)
    high = cell_summary("impatience", [_measures([0.9, 0.9])])
    cells = [
        {"trait": "impatience", "intensity": k, **c}
        for k, c in (("low", low), ("medium", medium), ("high", high))
    ]
    summary = method_summary(cells, [_measures([0.1, 0.2])])
    assert summary["score"] == {"low": 0.15, "medium": 0.65, "high": 0.9}
    assert summary["effect"] == pytest.approx(0.75)
    assert summary["monotone_traits"] == ["impatience"]
    # Drift averages the medium and high cells only.
    assert summary["drift"] == pytest.approx((0.2 + 0.0) / 2)
