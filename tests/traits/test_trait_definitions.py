"""Checks on the shipped trait definitions (``traits/definitions/*.json``).

Each file defines one simulated-customer trait: a description, aliases, a low/medium/high
rubric and contrastive pairs (an agent prompt, a reply showing the trait and a reply with
the same content without it). The trait direction is the mean activation difference over
the pairs, so besides the schema these tests guard what keeps that difference clean:
distinct, non-duplicated pairs and comparable reply lengths (except for verbosity, where
length is the trait).
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

DEFINITIONS_DIR = Path(__file__).resolve().parents[2] / "traits" / "definitions"

PAPER_TRAITS = {"impatience", "confusion", "skepticism", "incoherence"}
MIN_TRAITS = 8
MIN_PAIRS = 8
TOP_LEVEL_KEYS = {"name", "description", "aliases", "rubric", "pairs"}
RUBRIC_LEVELS = {"low", "medium", "high"}
PAIR_KEYS = {"prompt", "positive", "negative"}
# Word-count ratio allowed between the two replies of a pair (longer / shorter).
MAX_LENGTH_RATIO = 1.6
# The one trait whose positive replies are meant to be longer.
LENGTH_TRAIT = "verbosity"

NAME_RE = re.compile(r"^[a-z]+$")
# Lower-case words, optionally joined by single spaces or hyphens ("long-winded").
ALIAS_RE = re.compile(r"^[a-z]+(?:[ -][a-z]+)*$")
# Markdown markers and emoji/pictograph ranges that a plain customer message never holds.
FORBIDDEN_RE = re.compile(r"[`*_\n\r\t]|[\u2600-\u27bf\U0001f000-\U0001faff]")


def _files() -> list[Path]:
    return sorted(DEFINITIONS_DIR.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be an object"
    return data


def _load_all() -> dict[str, dict[str, Any]]:
    return {path.stem: _load(path) for path in _files()}


def _words(text: str) -> int:
    return len(text.split())


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


FILES = _files()


def test_definitions_directory_exists() -> None:
    assert DEFINITIONS_DIR.is_dir(), f"missing {DEFINITIONS_DIR}"
    assert FILES, f"no trait definitions in {DEFINITIONS_DIR}"


def test_trait_set_covers_the_paper_traits() -> None:
    names = set(_load_all())
    assert len(names) >= MIN_TRAITS, f"only {len(names)} traits: {sorted(names)}"
    missing = PAPER_TRAITS - names
    assert not missing, f"paper traits missing: {sorted(missing)}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_schema(path: Path) -> None:
    data = _load(path)
    assert set(data) == TOP_LEVEL_KEYS, f"{path.name}: keys {sorted(data)}"

    name = data["name"]
    assert isinstance(name, str) and NAME_RE.match(name), f"{path.name}: bad name {name!r}"
    assert path.stem == name, f"{path.name}: file name does not match name {name!r}"

    assert _is_text(data["description"]), f"{name}: empty description"

    aliases = data["aliases"]
    assert isinstance(aliases, list) and aliases, f"{name}: aliases must be a non-empty list"
    for alias in aliases:
        assert isinstance(alias, str) and ALIAS_RE.match(alias), f"{name}: bad alias {alias!r}"
    assert len(set(aliases)) == len(aliases), f"{name}: repeated alias"
    assert name not in aliases, f"{name}: alias repeats the trait's own name"

    rubric = data["rubric"]
    assert isinstance(rubric, dict), f"{name}: rubric must be an object"
    assert set(rubric) == RUBRIC_LEVELS, f"{name}: rubric levels {sorted(rubric)}"
    for level, text in rubric.items():
        assert _is_text(text), f"{name}: empty rubric level {level!r}"
    assert len({_norm(t) for t in rubric.values()}) == 3, f"{name}: rubric levels repeat"

    pairs = data["pairs"]
    assert isinstance(pairs, list), f"{name}: pairs must be a list"
    assert len(pairs) >= MIN_PAIRS, f"{name}: {len(pairs)} pairs, need {MIN_PAIRS}"
    for i, pair in enumerate(pairs):
        assert isinstance(pair, dict), f"{name} pair {i}: must be an object"
        assert set(pair) == PAIR_KEYS, f"{name} pair {i}: keys {sorted(pair)}"
        for key in sorted(PAIR_KEYS):
            value = pair[key]
            assert _is_text(value), f"{name} pair {i}: empty {key}"
            assert value == value.strip(), f"{name} pair {i}: {key} has outer whitespace"
            assert not FORBIDDEN_RE.search(value), f"{name} pair {i}: {key} is not plain text"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_pairs_are_contrastive_and_distinct(path: Path) -> None:
    data = _load(path)
    name = data["name"]
    seen: dict[str, set[str]] = {"prompt": set(), "positive": set(), "negative": set()}
    for i, pair in enumerate(data["pairs"]):
        positive, negative = _norm(pair["positive"]), _norm(pair["negative"])
        assert positive != negative, f"{name} pair {i}: positive equals negative"
        for key in seen:
            text = _norm(pair[key])
            assert text not in seen[key], f"{name} pair {i}: {key} repeats an earlier pair"
            seen[key].add(text)
    assert not seen["positive"] & seen["negative"], f"{name}: a reply is on both sides"


def test_no_pair_duplicated_across_traits() -> None:
    owner: dict[tuple[str, str, str], str] = {}
    for name, data in _load_all().items():
        for pair in data["pairs"]:
            key = (_norm(pair["prompt"]), _norm(pair["positive"]), _norm(pair["negative"]))
            assert key not in owner, f"pair in {name} duplicates one in {owner.get(key)}"
            owner[key] = name


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reply_lengths_are_balanced(path: Path) -> None:
    data = _load(path)
    name = data["name"]
    for i, pair in enumerate(data["pairs"]):
        pos, neg = _words(pair["positive"]), _words(pair["negative"])
        if name == LENGTH_TRAIT:
            assert pos > neg, f"{name} pair {i}: positive ({pos} words) not longer ({neg})"
        else:
            ratio = max(pos, neg) / min(pos, neg)
            assert ratio <= MAX_LENGTH_RATIO, (
                f"{name} pair {i}: {pos} vs {neg} words (ratio {ratio:.2f} > {MAX_LENGTH_RATIO})"
            )


def test_aliases_unique_across_traits() -> None:
    traits = _load_all()
    names = set(traits)
    owner: dict[str, str] = {}
    for name, data in traits.items():
        for alias in data["aliases"]:
            assert alias not in names, f"{name}: alias {alias!r} is another trait's name"
            assert alias not in owner, f"alias {alias!r} is used by {owner.get(alias)} and {name}"
            owner[alias] = name
