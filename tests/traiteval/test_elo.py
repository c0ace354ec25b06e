import pytest

from tautrait.traiteval.elo import elo, expected, shuffled_elo, win_rates


def test_elo_matches_a_hand_computed_example() -> None:
    # A beats B from 1500/1500: E = 0.5, so A gains 32 * 0.5 = 16.
    ratings = elo([("a", "b", 1.0)], ["a", "b"])
    assert ratings == {"a": 1516.0, "b": 1484.0}
    # Then B beats A: E_b = 1 / (1 + 10 ** (32 / 400)) = 0.454079; B gains 32 * 0.545921.
    ratings = elo([("a", "b", 1.0), ("b", "a", 1.0)], ["a", "b"])
    assert ratings["b"] == pytest.approx(1484 + 17.46950, abs=1e-4)
    assert ratings["a"] == pytest.approx(1516 - 17.46950, abs=1e-4)
    # A draw between equals changes nothing; a draw against a stronger player gains.
    assert elo([("a", "b", 0.5)], ["a", "b"]) == {"a": 1500.0, "b": 1500.0}
    assert expected(1500, 1500) == 0.5


def test_elo_rejects_scores_outside_zero_one() -> None:
    with pytest.raises(ValueError):
        elo([("a", "b", 2.0)], ["a", "b"])


def test_shuffled_elo_is_deterministic_for_a_seed_and_order_dependent() -> None:
    games = [("a", "b", 1.0)] * 6 + [("b", "a", 1.0)] * 2 + [("a", "c", 0.5), ("c", "b", 1.0)]
    players = ["a", "b", "c"]
    first = shuffled_elo(games, players, shuffles=100, seed=7)
    again = shuffled_elo(games, players, shuffles=100, seed=7)
    other = shuffled_elo(games, players, shuffles=100, seed=8)
    assert first == again
    assert first != other
    # Ratings are zero-sum, so the mean rating stays at the base.
    assert sum(mean for mean, _ in first.values()) == pytest.approx(4500)
    assert first["a"][0] > first["c"][0] > first["b"][0]
    # Order matters (hence the shuffles): a non-zero spread.
    assert first["a"][1] > 0
    # One shuffle of one game has nothing to average.
    assert shuffled_elo([("a", "b", 1.0)], ["a", "b"], shuffles=1) == {
        "a": (1516.0, 0.0),
        "b": (1484.0, 0.0),
    }


def test_win_rates_count_draws_half() -> None:
    rates = win_rates([("a", "b", 1.0), ("a", "b", 0.5)], ["a", "b", "c"])
    assert rates["a"] == 0.75 and rates["b"] == 0.25
    assert rates["c"] != rates["c"]  # NaN: no games
