import json
from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.steering.traits import load_definitions, load_trait_dict, parse_trait_dict


def test_seed_repository_format_loads_unchanged() -> None:
    raw = {"impatience": "low", "confusion": "low", "skeptical": "medium", "incoherence": "low"}
    parsed = parse_trait_dict(raw, label="x", source="x")
    assert parsed.intensities == {
        "impatience": "low",
        "confusion": "low",
        "skepticism": "medium",
        "incoherence": "low",
    }
    assert parsed.active() == {"skepticism": "medium"}
    assert parsed.canonical() == "skepticism=medium"


def test_numbers_and_case() -> None:
    parsed = parse_trait_dict(
        {"Impatient": 1.5, "confusion": "HIGH", "frustration": "0.5"}, label="x", source="x"
    )
    assert parsed.intensities == {"impatience": 1.5, "confusion": "high", "frustration": 0.5}


def test_unknown_trait_lists_valid_ones() -> None:
    with pytest.raises(UserError) as err:
        parse_trait_dict({"grumpy": "high"}, label="x", source="my.json")
    message = str(err.value)
    assert "unknown trait 'grumpy'" in message and "my.json" in message
    for name in ("impatience", "confusion", "skepticism", "incoherence"):
        assert name in message


@pytest.mark.parametrize("value", ["extreme", True, None, [1]])
def test_bad_intensity(value: object) -> None:
    with pytest.raises(UserError, match="low, medium, high or a number"):
        parse_trait_dict({"impatience": value}, label="x", source="x")


def test_duplicate_and_empty() -> None:
    with pytest.raises(UserError, match="given twice"):
        parse_trait_dict({"impatience": "high", "impatient": "low"}, label="x", source="x")
    with pytest.raises(UserError, match="non-empty JSON object"):
        parse_trait_dict({}, label="x", source="x")


def test_ready_dicts_paths_and_inline(tmp_path: Path) -> None:
    for name in ("skeptical.json", "impatient.json", "confused.json", "incoherent.json"):
        parsed = load_trait_dict(name)
        assert list(parsed.active().values()) == ["medium"] and parsed.label == name[:-5]
    assert load_trait_dict("skeptical").label == "skeptical"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"frustration": "high"}))
    assert load_trait_dict(str(path)).active() == {"frustration": "high"}
    inline = load_trait_dict('{"impatience": "high", "confusion": 1}')
    assert inline.label == "confusion=1.0,impatience=high"
    with pytest.raises(UserError, match="not found"):
        load_trait_dict("nothing-here.json")
    with pytest.raises(UserError, match="not valid JSON"):
        load_trait_dict("{oops")


def test_definitions_have_pairs() -> None:
    definitions = load_definitions()
    assert {"impatience", "confusion", "skepticism", "incoherence"} <= set(definitions)
    for definition in definitions.values():
        assert len(definition.pairs) >= 8


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf"), "NaN", "inf", "-Infinity"]
)
def test_non_finite_intensity_is_refused(value: object) -> None:
    with pytest.raises(UserError, match="not a finite number"):
        parse_trait_dict({"impatience": value}, label="x", source="x")


@pytest.mark.parametrize("value", [10.5, -11, 1e6, "1e300"])
def test_absurd_intensity_is_refused(value: object) -> None:
    with pytest.raises(UserError, match="far beyond the calibrated range"):
        parse_trait_dict({"impatience": value}, label="x", source="x")


def test_the_largest_intensities_are_accepted() -> None:
    parsed = parse_trait_dict({"impatience": 10, "confusion": -10.0}, label="x", source="x")
    assert parsed.intensities == {"impatience": 10.0, "confusion": -10.0}


def test_inline_nan_is_refused_before_anything_runs() -> None:
    # json.loads accepts NaN and Infinity; the trait dict must not.
    with pytest.raises(UserError, match="not a finite number"):
        load_trait_dict('{"impatience": NaN}')
