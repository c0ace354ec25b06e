"""Calibration: the choice rule on hand-made tables, and determinism on a real model."""

import pytest

from tautrait.steering.basis import extract_basis
from tautrait.steering.calibrate import Measurement, calibrate_trait, candidate_blocks, choose
from tautrait.steering.traits import ContrastivePair, TraitDefinition
from tests.tiny import tiny_model

REFERENCE = Measurement(-1, 0.0, 0.0, perplexity=2.0, repetition=0.05, fluent=True)


def _rows(block: int, table: list[tuple[float, float, float, float]]) -> list[Measurement]:
    return [Measurement(block, c, e, p, r) for c, e, p, r in table]


def test_high_is_the_strongest_fluent_setting_of_the_best_block() -> None:
    rows = _rows(
        5,
        [
            (0.1, 0.10, 2.1, 0.05),
            (0.2, 0.30, 2.5, 0.05),
            (0.3, 0.90, 9.0, 0.05),  # perplexity over 2 x 2.0: not fluent
            (0.5, 1.50, 3.0, 0.05),  # fluent again, but above a broken setting: never chosen
        ],
    ) + _rows(
        9,
        [
            (0.1, 0.20, 2.1, 0.05),
            (0.2, 0.45, 2.2, 0.10),
            (0.3, 0.80, 3.9, 0.19),  # within both bounds
            (0.5, 1.20, 3.0, 0.30),  # repetition over 0.05 + 0.15
        ],
    )
    chosen = choose(REFERENCE, rows, fluency_factor=2.0, repetition_margin=0.15)
    assert chosen is not None
    assert chosen.blocks == [9] and chosen.high == 0.3
    # The weakest coefficient reaching half of high's effect (0.40).
    assert chosen.medium == 0.2
    assert [r.fluent for r in rows] == [True, True, False, True, True, True, True, False]
    assert chosen.measurements[0]["block"] == -1 and len(chosen.measurements) == 1 + len(rows)


def test_medium_falls_back_to_half_of_high_and_nothing_fluent_gives_none() -> None:
    rows = _rows(4, [(0.1, 0.50, 2.1, 0.05), (0.2, 0.90, 9.0, 0.05)])
    chosen = choose(REFERENCE, rows)
    assert chosen is not None and chosen.high == 0.1 and chosen.medium == pytest.approx(0.05)
    broken = _rows(4, [(0.1, 0.50, 9.0, 0.05)])
    assert choose(REFERENCE, broken) is None
    backwards = _rows(4, [(0.1, -0.2, 2.0, 0.05)])  # fluent but moves away from the trait
    assert choose(REFERENCE, backwards) is None


def test_calibration_is_deterministic() -> None:
    lm = tiny_model()
    definition = TraitDefinition(
        name="impatience",
        description="d",
        pairs=[
            ContrastivePair(
                prompt=f"Question {i}?", positive="Hurry up!", negative="Take your time."
            )
            for i in range(8)
        ],
    )
    basis = extract_basis(lm, [definition])
    blocks = candidate_blocks(lm.num_layers, count=2)
    runs = [
        calibrate_trait(lm, basis, definition, blocks=blocks, coefficients=(0.5, 2.0, 8.0))
        for _ in range(2)
    ]
    (first, ref1, rows1), (second, ref2, rows2) = runs
    assert ref1 == ref2 and rows1 == rows2
    assert first == second
    assert len(rows1) == len(blocks) * 3
    assert any(r.effect != 0 for r in rows1)


def test_a_setting_whose_reply_is_empty_is_not_fluent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that stops at once under steering gives an empty reply: unfluent, no crash."""
    import tautrait.steering.calibrate as calibrate

    lm = tiny_model()
    definition = TraitDefinition(
        name="impatience",
        description="d",
        pairs=[
            ContrastivePair(prompt=f"Question {i}?", positive="Hurry up!", negative="Slowly.")
            for i in range(8)
        ],
    )
    basis = extract_basis(lm, [definition])
    real = calibrate._generate

    def some_empty(*args: object, **kwargs: object) -> list[str]:
        texts = real(*args, **kwargs)  # type: ignore[arg-type]
        return ["" if i % 3 == 0 else (t or "ok") for i, t in enumerate(texts)]

    monkeypatch.setattr(calibrate, "_generate", some_empty)
    reference, rows = calibrate.measure_trait(
        lm, basis, definition, blocks=[1], coefficients=(0.5, 2.0)
    )
    everything = [reference, *rows]
    assert len(everything) == 3
    assert all(m.perplexity > 0 for m in everything)
