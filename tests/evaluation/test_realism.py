"""Realism figures on text whose answers are known by hand."""

import pytest

from tautrait.domain.tasks import UserScenario
from tautrait.evaluation.realism import (
    UserSide,
    front_loaded,
    mattr,
    percentile,
    realism,
    words,
)

SCENARIO = UserScenario(
    persona="You are Abel Alemu.",
    goal="Ask what you paid for order KL-357256.",
    known_info="Your email is abel_alemu@example.org. Postal code 64333.",
)


def test_mattr_by_hand() -> None:
    # windows of 2 over a a a b: {a}, {a}, {a, b} -> (0.5 + 0.5 + 1) / 3
    assert mattr(["a", "a", "a", "b"], window=2) == pytest.approx(2 / 3)
    assert mattr(list("abab"), window=2) == pytest.approx(1.0)
    # shorter than the window: the plain type-token ratio
    assert mattr(["x", "y", "x"], window=50) == pytest.approx(2 / 3)
    assert mattr([], window=5) is None
    # a recount of each window agrees with the running counter on longer text
    tokens = words("the cat sat on the mat and the dog sat on the cat " * 7)
    by_hand = [len(set(tokens[i : i + 10])) / 10 for i in range(len(tokens) - 9)]
    assert mattr(tokens, window=10) == pytest.approx(sum(by_hand) / len(by_hand))
    with pytest.raises(ValueError):
        mattr(["a"], window=0)


def test_words_and_percentiles() -> None:
    assert words("I'm here: KL-357256, ok?") == ["i'm", "here", "kl", "357256", "ok"]
    values = list(range(1, 11))
    assert percentile(values, 90) == pytest.approx(9.1)  # numpy's linear rule
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile([], 50) is None


def test_front_loading_counts_the_scenarios_facts_in_the_first_turn() -> None:
    # facts: KL-357256, abel_alemu@example.org, 64333
    assert front_loaded("Hi, about order KL-357256 please", SCENARIO) == pytest.approx(1 / 3)
    reads_it_all = "KL-357256, abel_alemu@example.org, zip 64333"
    assert front_loaded(reads_it_all, SCENARIO) == pytest.approx(1.0)
    assert front_loaded("hello", UserScenario(persona="p", goal="g", known_info="")) is None


def test_realism_over_conversations() -> None:
    sides = [
        UserSide(["Hi, order KL-357256 please.", "How can I help you today?"], SCENARIO),
        UserSide(["one two three four", "five"], None),
    ]
    figures = realism(sides, window=50)
    assert figures.conversations == 2 and figures.user_turns == 4
    # words per turn: 5 (KL-357256 is two words), 6, 4, 1
    assert figures.words_mean == pytest.approx(16 / 4)
    assert figures.words_median == pytest.approx(4.5)
    assert figures.words_p90 == pytest.approx(5.7)
    assert figures.role_break_turns == 1 and figures.role_break_share == pytest.approx(0.25)
    # only the first conversation has a scenario: one of its three facts up front
    assert figures.front_loading == pytest.approx(1 / 3)
    assert figures.front_loading_conversations == 1
    # both conversations are shorter than the window: mean of their type-token ratios
    first = words("Hi, order KL-357256 please. How can I help you today?")
    assert figures.mattr == pytest.approx((len(set(first)) / len(first) + 1.0) / 2)
    empty = realism([])
    assert empty.words_mean is None and empty.role_break_share is None and empty.mattr is None
