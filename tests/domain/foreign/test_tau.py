"""The tau-bench-family adapter, on a miniature tau-bench checkout (tests/fixtures) found by
the path option, and on the installed tau-Trait package when there is one."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tautrait.domain import foreign
from tautrait.domain.foreign import tau
from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import available_splits, load_tasks
from tautrait.errors import UserError
from tautrait.evaluation.reward import compute_reward
from tautrait.evaluation.validate import validate_domain

CHECKOUT = Path(__file__).parents[2] / "fixtures" / "tau_bench_checkout"
HAS_TAU_TRAIT = importlib.util.find_spec("tau_trait") is not None


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> tau.TauDomain:
    monkeypatch.setenv("TAUTRAIT_TAU_BENCH_PATH", str(CHECKOUT))
    domain = load_domain("tau-bench/shop")
    assert isinstance(domain, tau.TauDomain)
    return domain


def test_domain_loads_from_the_path_option_without_running_package_code(
    shop: tau.TauDomain,
) -> None:
    # The fixture's __init__.py files and env.py raise if run: loading proves they were not.
    assert shop.name == "tau-bench/shop"
    assert shop.policy.startswith("# Shop agent policy")
    assert sorted(shop.tools) == ["count_items", "rename_item", "transfer_to_human_agents"]
    assert shop.tools["transfer_to_human_agents"].ends_episode  # read from env.py's text
    info = shop.tools["rename_item"].schema()
    assert info["function"]["parameters"]["required"] == ["item_id", "name"]  # its own schema
    assert shop.provenance["format"] == "tau-bench"
    assert shop.provenance["package_path"] == str((CHECKOUT / "tau_bench").resolve())


def test_tasks_keep_the_original_indices_as_ids(shop: tau.TauDomain) -> None:
    assert list(available_splits(shop.name)) == ["test"]
    task_file = load_tasks(shop.name, "test")  # the list is named TASKS, as airline's
    assert [t.id for t in task_file.tasks] == ["0", "1", "2", "3", "4", "5"]
    bob = task_file.tasks[1]
    assert bob.scenario.goal.startswith("You are bob.")
    assert bob.required_outputs == ["2"]
    assert [a.name for a in bob.gold_actions] == ["count_items"]


def test_each_episode_gets_a_private_copy_and_the_original_tool_text(
    shop: tau.TauDomain,
) -> None:
    one, two = shop.new_environment(), shop.new_environment()
    result = one.execute("rename_item", '{"item_id": "1", "name": "blue"}')
    assert (result.content, result.outcome) == ("item 1 is now blue", "ok")
    assert one.state_hash() != two.state_hash() == shop.seed_hash
    assert one.execute("rename_item", {"item_id": "7", "name": "x"}).outcome == "error"
    missing = one.execute("rename_item", {"item_id": "1"})  # the original's TypeError text
    assert missing.outcome == "error" and missing.content.startswith("Error: ")
    assert one.execute("fly", {}).content == "Unknown action fly"
    assert one.execute("transfer_to_human_agents", {"summary": "s"}).ends_episode


def test_reward_is_the_original_rule(shop: tau.TauDomain) -> None:
    tasks = load_tasks(shop.name, "test").tasks
    ann, bob = tasks[0], tasks[1]
    env = shop.new_environment()
    env.execute("rename_item", {"item_id": "1", "name": "blue"})
    assert compute_reward(shop, ann, env.state_hash(), []).reward == 1.0
    assert compute_reward(shop, ann, shop.seed_hash, []).reward == 0.0
    # Outputs: lower-cased substring of a message with its commas removed; "12" holds "2".
    assert compute_reward(shop, bob, shop.seed_hash, ["There are 1,2 items"]).reward == 1.0
    assert compute_reward(shop, bob, shop.seed_hash, ["There are two"]).reward == 0.0
    # A hand-off is recorded, never scored (the original ends the episode, nothing more).
    fay = tasks[5]
    env = shop.new_environment()
    env.execute("rename_item", {"item_id": "2", "name": "pink"})
    graded = compute_reward(shop, fay, env.state_hash(), [], transferred=False)
    assert graded.reward == 1.0 and graded.transfer_expected and not graded.transferred


def test_gates_list_invalid_tasks_with_reasons(shop: tau.TauDomain) -> None:
    task_file = load_tasks(shop.name, "test")
    report = validate_domain(shop, [task_file])
    kinds = {
        where.rsplit("/", 1)[1]: sorted({r.split(":")[0] for r in reasons})
        for where, reasons in report.invalid.items()
    }
    # A gold action that errors changes nothing, so doing nothing passes those too.
    assert kinds == {
        "2": ["do-nothing agent passes", "gold action errors"],
        "3": ["arguments that do not exist", "do-nothing agent passes", "gold action errors"],
        "4": ["do-nothing agent passes"],
    }
    assert report.tasks == 6 and report.null_fail == 3 and report.oracle_pass == 4
    assert task_file.tasks[2].gold_actions[0].kwargs["item_id"] == "9"  # listed, not edited


def test_all_expands_to_every_domain_of_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAUTRAIT_TAU_BENCH_PATH", str(CHECKOUT))
    assert foreign.expand("tau-bench/all") == ["tau-bench/shop"]
    with pytest.raises(UserError, match="unknown tau-bench domain 'bank'"):
        load_domain("tau-bench/bank")
    with pytest.raises(UserError, match="unknown benchmark format 'tau3'"):
        load_domain("tau3/retail")


def test_a_bad_path_option_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAUTRAIT_TAU_BENCH_PATH", str(tmp_path))
    with pytest.raises(UserError, match="no tau_bench/envs/ folder there"):
        load_domain("tau-bench/shop")


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TAUTRAIT_TAU_")}
    environment.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "tautrait", *args],
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=300,
    )


@pytest.mark.skipif(
    importlib.util.find_spec("tau_bench") is not None, reason="tau-bench is installed here"
)
def test_a_missing_package_says_how_to_install_it() -> None:
    result = _cli("validate", "--env", "tau-bench/retail")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "tau-bench is not installed" in result.stderr and "TAUTRAIT_TAU_BENCH_PATH" in (
        result.stderr
    )


def test_run_skips_invalid_tasks_and_records_them(tmp_path: Path) -> None:
    result = _cli(
        "run",
        "--env",
        "tau-bench/shop",
        "--model",
        "scripted/gold",
        "--user-strategy",
        "llm",
        "--user-model",
        "scripted/user",
        "--skip-invalid",
        "--output-dir",
        str(tmp_path),
        TAUTRAIT_TAU_BENCH_PATH=str(CHECKOUT),
    )
    assert result.returncode == 0, result.stderr
    assert "3 selected task(s) fail the validity gates and are left out" in result.stderr
    (run_dir,) = tmp_path.iterdir()
    assert run_dir.name.split("-")[2:5] == ["tau", "bench", "shop"]
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["tasks"]["task_ids"] == ["0", "1", "5"]
    assert manifest["tasks"]["skipped_invalid"] == ["2", "3", "4"]
    assert manifest["config"]["skip_invalid"] is True
    assert manifest["domain"]["format"] == "tau-bench"
    episodes = [json.loads(line) for line in (run_dir / "episodes.jsonl").read_text().splitlines()]
    assert sorted((e["task_id"], e["reward"]) for e in episodes) == [
        ("0", 1.0),
        ("1", 1.0),
        ("5", 1.0),
    ]
    report = (run_dir / "report.md").read_text()
    assert "fail the validity gates, left out (--skip-invalid)" in report

    # The original harness's results file (task_id = the index) pairs episode by episode.
    original = tmp_path.parent / "shop_none.json"
    original.write_text(
        json.dumps(
            [{"task_id": i, "reward": r, "trial": 0} for i, r in [(0, 1.0), (1, 0.0), (5, 1.0)]]
        )
    )
    compared = _cli(
        "compare", f"{original}#domain=tau-bench/shop", str(run_dir), "--format", "json"
    )
    assert compared.returncode == 0, compared.stderr
    (arm,) = json.loads(compared.stdout)["arms"]
    assert arm["delta"]["paired_tasks"] == 3


@pytest.mark.skipif(not HAS_TAU_TRAIT, reason="tau-trait is not installed")
def test_loading_tau_trait_never_imports_its_providers() -> None:
    # A fresh interpreter without an API key: the package's __init__ would fail there.
    code = (
        "import sys\n"
        "from tautrait.domain.foreign import tau\n"
        "for d in tau.domain_names('tau-trait'):\n"
        "    dom = tau.load_domain('tau-trait', d)\n"
        "    for s in tau.available_splits('tau-trait', d):\n"
        "        tau.load_tasks('tau-trait', d, s)\n"
        "    dom.new_environment().state_hash()\n"
        "print(sorted(tau.domain_names('tau-trait')))\n"
        "print(sys.modules['tau_trait'].__file__)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('openai', 'anthropic', 'litellm', 'dotenv', 'google', 'mistralai', 'vllm')"
        " or m.startswith(('tau_trait.agents', 'tau_trait.model_utils', "
        "'tau_trait.envs.user', 'tau_trait.envs.base', 'tau_trait.run'))))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=300
    )
    assert result.returncode == 0, result.stderr
    names, init_file, providers = result.stdout.strip().splitlines()
    assert names == "['airline', 'retail', 'telecom', 'telehealth']"
    assert init_file == "None"  # a placeholder: tau_trait/__init__.py never ran
    assert providers == "[]"


@pytest.mark.skipif(not HAS_TAU_TRAIT, reason="tau-trait is not installed")
def test_tau_trait_splits_and_task_counts() -> None:
    counts = {
        d: {
            s: len(tau.load_tasks("tau-trait", d, s).tasks)
            for s in available_splits(f"tau-trait/{d}")
        }
        for d in ("retail", "airline", "telecom", "telehealth")
    }
    assert counts["retail"] == {"dev": 20, "test": 120, "train": 500}
    assert counts["airline"] == {"test": 60}
    assert sum(sum(c.values()) for c in counts.values()) > 700
