import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import GoldAction, Task, load_tasks
from tautrait.evaluation import reward
from tautrait.evaluation.reward import (
    GoldReplayError,
    compute_reward,
    contains_output,
    count_output,
    gold_hash,
    normalise_text,
    outputs_found,
    replay_gold,
)


@pytest.mark.parametrize(
    ("text", "output", "found"),
    [
        ("Your refund of $1,234.50 is on its way", "1234.50", True),
        ("Your refund of 1234.50", "1,234.50", True),
        ("REFUND 1234.50", "refund", True),
        ("the total is 15.65", "5.65", False),
        ("it is already shipped", "ready", False),
        ("184.205", "184.20", False),
        ("184.20 was refunded.", "184.20", True),
        ("see order #W100.", "#W100", True),
        ("order W1001", "W100", False),
        ("arrives 2026-05-20.", "2026-05-20", True),
        # amounts are numbers, however a correct agent writes them
        ("Your refund is 1234.5", "1234.50", True),
        ("Your refund is $1,234.50.", "1234.5", True),
        ("The change fee is $40.", "40.00", True),
        ("The change fee is 40 dollars", "40.00", True),
        ("a refund of -40.00", "40.00", True),
        ("fee: USD 40.00", "$40", True),
        ("the total is 1234.505", "1234.50", False),
        ("1235.50 in all", "1234.50", False),
        # ...but not the numbers inside ids, dates and times
        ("order KL-40 is late", "40.00", False),
        ("we open at 10:00", "10.00", False),
        ("delivered 2026-05-10", "10.00", False),
        ("size 12", "12.00", True),  # a bare number is an amount: why validate flags echoes
        # counts and codes stay exact
        ("your PIN ends in 347", "0347", False),
        ("your PIN is 0347", "0347", True),
        ("3 bags", "3", True),
        ("3.0 bags", "3", False),
        # Unicode: NFKC, dash, quote and space variants, case folding
        ("order KL\u2011482913 (non-breaking hyphen)", "KL-482913", True),
        ("order KL\u2013482913 (en dash)", "KL-482913", True),
        ("reservation ＫＬ－482913", "KL-482913", True),
        ("Mr O\u2019Brien", "O'Brien", True),
        (
            "Pinecrest\u00a0Falls Community\u202fPharmacy",
            "Pinecrest Falls Community Pharmacy",
            True,
        ),
        ("KL-48\u00ad2913", "KL-482913", True),
        ("STRASSE 5", "Straße 5", True),
        ("order KL 482913", "KL-482913", False),
    ],
)
def test_output_matching(text: str, output: str, found: bool) -> None:
    assert contains_output(text, output) is found


def test_normalise_text() -> None:
    assert normalise_text("  A  1,234,567.5\nB ") == "a 1234567.5 b"
    assert normalise_text("\ufeffKL\u2011\u200b1\u00a0\u2018x\u2019") == "kl-1 'x'"


def test_each_output_is_checked_as_often_as_it_is_listed() -> None:
    twice = ["40.00", "40.00", "LK214"]
    assert count_output("40.00 now, and $40 for the second trip", "40.00") == 2
    assert outputs_found(twice, ["Each bag costs 40.00.", "Flight LK214."]) == {
        "40.00": False,
        "LK214": True,
    }
    assert outputs_found(twice, ["ZFQG7F: 40.00.", "S9HSCD: $40. Flight LK214."]) == {
        "40.00": True,
        "LK214": True,
    }


def test_reward_breakdown(mock_data_path: None) -> None:
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[0]  # cancel O1, say 1250.50
    env = replay_gold(domain, task)
    good = compute_reward(domain, task, env.state_hash(), ["Done, refund 1,250.50."])
    assert good.reward == 1.0 and good.db_match and good.outputs == {"1250.50": True}
    silent = compute_reward(domain, task, env.state_hash(), ["Done."])
    assert silent.reward == 0.0 and silent.db_match and silent.outputs == {"1250.50": False}
    untouched = Environment(domain)
    lazy = compute_reward(domain, task, untouched.state_hash(), ["refund 1250.50"])
    assert lazy.reward == 0.0 and not lazy.db_match


def test_transfer_must_match_gold(mock_data_path: None) -> None:
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[2]  # refuse: say "shipped", no transfer
    assert compute_reward(domain, task, domain.seed.seed_hash, ["It has shipped."]).reward == 1
    transferred = compute_reward(
        domain, task, domain.seed.seed_hash, ["It has shipped."], transferred=True
    )
    assert transferred.reward == 0 and transferred.transferred
    task2 = task.model_copy(
        update={"gold_actions": [GoldAction(name="transfer_to_human", kwargs={"summary": "x"})]}
    )
    assert compute_reward(domain, task2, domain.seed.seed_hash, ["shipped"]).reward == 0
    assert (
        compute_reward(domain, task2, domain.seed.seed_hash, ["shipped"], transferred=True).reward
        == 1
    )


def test_failing_gold_action_is_a_task_error(mock_data_path: None) -> None:
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[0]
    bad = task.model_copy(
        update={
            "id": "bad",
            "gold_actions": [
                GoldAction(name="cancel_order", kwargs={"order_id": "O2", "reason": "mistake"})
            ],
        }
    )
    with pytest.raises(GoldReplayError, match="only pending"):
        replay_gold(domain, bad)


def _count_replays(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh gold cache, and the ids of the tasks actually replayed."""
    replayed: list[str] = []
    apply = reward._apply_gold

    def counting(env: Environment, task: Task) -> object:
        replayed.append(task.id)
        time.sleep(0.05)  # long enough for every caller to arrive while it runs
        return apply(env, task)

    monkeypatch.setattr(reward, "_gold_states", {})
    monkeypatch.setattr(reward, "_gold_locks", {})
    monkeypatch.setattr(reward, "_apply_gold", counting)
    return replayed


def test_gold_state_is_computed_once_per_process(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    replayed = _count_replays(monkeypatch)
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[0]
    # Another task with the same gold actions has the same gold state.
    twin = task.model_copy(update={"id": "twin", "required_outputs": []})
    with ThreadPoolExecutor(8) as pool:
        hashes = set(pool.map(lambda t: gold_hash(domain, t), [task, twin] * 8))
    assert replayed == [task.id] or replayed == [twin.id]
    env = replay_gold(domain, task)
    assert hashes == {env.state_hash()} != {domain.seed.seed_hash}


def test_failed_gold_replay_is_remembered_and_names_each_task(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    replayed = _count_replays(monkeypatch)
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[0]
    actions = [GoldAction(name="cancel_order", kwargs={"order_id": "O2", "reason": "mistake"})]
    for task_id in ("bad-1", "bad-2", "bad-1"):
        bad = task.model_copy(update={"id": task_id, "gold_actions": actions})
        with pytest.raises(GoldReplayError, match=f"task {task_id}: gold action #0 cancel_order"):
            gold_hash(domain, bad)
    assert replayed == ["bad-1"]
