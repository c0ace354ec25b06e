"""A catalog of bad inputs at the command line: each one line, exit 2, nothing written.

Every case runs ``python -m tautrait`` in a subprocess and checks: exit status 2, exactly
one line on stderr (``error: ...``, saying what is wrong), no traceback, and the results
folder (which holds an earlier, finished run) hashed identically before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import resource
import shutil
import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"
SCRIPTED = ["--model", "scripted/gold", "--user-strategy", "llm", "--user-model", "scripted/null"]
RUN = ["run", "--env", "mock", *SCRIPTED, "--max-steps", "2"]


def _tiny_safetensors(path: Path, metadata: dict[str, str] | None = None) -> None:
    header: dict[str, object] = {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0\0\0\0")


def _hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAUTRAIT_")}
    env.update(
        TAUTRAIT_DATA_PATH=str(FIXTURES),
        TAUTRAIT_CACHE_DIR=str(root / "cache"),
        TAUTRAIT_SKIP_BROWSER_TESTS="1",
    )
    env.update(extra)
    return env


def _limit_file_size() -> None:  # a full disk: writes past 2 KB fail with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earlier finished run in results/, one run over its infra limit, and bad files."""
    root = tmp_path_factory.mktemp("bad-inputs")
    results = root / "results"
    subprocess.run(
        [sys.executable, "-m", "tautrait", *RUN, "--num-trials", "1", "--output-dir", str(results)],
        env=_env(root), check=True, capture_output=True,
    )  # fmt: skip
    over = root / "over"
    done = subprocess.run(
        [sys.executable, "-m", "tautrait", *RUN, "--output-dir", str(over),
         "--faults", "500=1", "--retry-attempts", "1"],
        env=_env(root), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    (root / "good").mkdir()
    run = next(results.iterdir())
    shutil.copytree(run, root / "good" / "run")
    shutil.copytree(next(over.iterdir()), root / "good" / "over")
    files = root / "in"
    files.mkdir()
    for name, text in {
        "nan.json": '{"impatience": NaN}',
        "inf.json": '{"confusion": -Infinity}',
        "huge.json": '{"impatience": 1e6}',
        "list.json": '["impatience", "high"]',
        "wrongtype.json": '{"impatience": null}',  # a list is a schedule now (run)
        "bool.json": '{"impatience": true}',
        "broken.json": '{"impatience": "high"',
        "empty.json": "{}",
        "bad.toml": "max_concurrency = \n",
        "unknown.toml": "concurrency = 3\n",
        "wrongtype.toml": 'max_concurrency = "many"\n',
        "notable.toml": "run = 3\n",
        "results.json": "[{not json",
    }.items():
        (files / name).write_text(text)
    (files / "binary.toml").write_bytes(b"\xff\xfe\x00\x01")
    # Run folders: damaged, foreign, from another schema, torn or foreign episodes.
    for name in ("damaged", "foreign", "schema", "torn", "otherrun"):
        shutil.copytree(run, files / name)
    manifest = (run / "run.json").read_text()
    (files / "damaged" / "run.json").write_text(manifest[: len(manifest) // 2])
    (files / "foreign" / "run.json").write_text('{"hello": "world"}')
    stored = json.loads(manifest)
    stored["schema_version"] = 99
    (files / "schema" / "run.json").write_text(json.dumps(stored))
    lines = (run / "episodes.jsonl").read_text().splitlines()
    (files / "torn" / "episodes.jsonl").write_text("\n".join([lines[0][:40], *lines[1:]]) + "\n")
    (files / "otherrun" / "episodes.jsonl").write_text(
        "\n".join([lines[0].replace(run.name, "20200101-000000-mock-abcdef"), *lines[1:]]) + "\n"
    )
    (files / "notarun").mkdir()
    # Local model folders.
    models = files / "models"
    for name in ("noconfig", "noweights", "notokenizer", "bert", "pickled", "damagedconfig"):
        (models / name).mkdir(parents=True)
    llama = '{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}'
    for name in ("noweights", "notokenizer", "pickled"):
        (models / name / "config.json").write_text(llama)
    (models / "damagedconfig" / "config.json").write_text("{")
    (models / "bert" / "config.json").write_text(
        '{"model_type": "bert", "architectures": ["BertForMaskedLM"]}'
    )
    _tiny_safetensors(models / "notokenizer" / "model.safetensors")
    _tiny_safetensors(models / "bert" / "model.safetensors")
    (models / "bert" / "tokenizer.json").write_text("{}")
    (models / "pickled" / "pytorch_model.bin").write_bytes(pickle.dumps({"w": [1.0]}, protocol=4))
    (models / "pickled" / "tokenizer.json").write_text("{}")
    # Basis and adapter files.
    (files / "garbage.safetensors").write_bytes(os.urandom(4096))
    (files / "pickle.pt").write_bytes(pickle.dumps({"skepticism": [0.1]}, protocol=4))
    _tiny_safetensors(files / "plain.safetensors")
    (files / "adapter").mkdir()
    (files / "adapter" / "adapter_config.json").write_text("{}")
    (files / "adapter" / "adapter_model.bin").write_bytes(pickle.dumps({"w": 1}, protocol=4))
    # Data roots with a damaged or schema-invalid task file, and a damaged domain.
    for name, text in {"damagedtasks": "{", "invalidtasks": '{"tasks": [{"id": 3}]}'}.items():
        (files / name / "tasks" / "mock").mkdir(parents=True)
        (files / name / "tasks" / "mock" / "test.json").write_text(text)
    shutil.copytree(FIXTURES / "domains" / "mock", files / "baddomain" / "domains" / "mock")
    (files / "baddomain" / "domains" / "mock" / "data" / "orders.json").write_text("[{oops")
    (files / "afile").write_text("not a folder")
    return root


def T(args: list[str], expect: str, **env: str) -> tuple[list[str], str, dict[str, str]]:
    return args, expect, env


IN = "{in}"
CASES = {
    # trait dicts
    "trait-unknown": T([*RUN, "--trait-dict", '{"grumpy": "high"}'], "unknown trait 'grumpy'"),
    "trait-level": T([*RUN, "--trait-dict", '{"impatience": "extreme"}'], "not valid"),
    "trait-nan-inline": T([*RUN, "--trait-dict", '{"impatience": NaN}'], "not a finite number"),
    "trait-nan-file": T([*RUN, "--trait-dict", f"{IN}/nan.json"], "not a finite number"),
    "trait-infinity": T([*RUN, "--trait-dict", f"{IN}/inf.json"], "not a finite number"),
    "trait-absurd": T([*RUN, "--trait-dict", f"{IN}/huge.json"], "far beyond the calibrated"),
    "trait-list": T([*RUN, "--trait-dict", f"{IN}/list.json"], "non-empty JSON object"),
    "trait-wrong-type": T([*RUN, "--trait-dict", f"{IN}/wrongtype.json"], "not valid"),
    "trait-bool": T([*RUN, "--trait-dict", f"{IN}/bool.json"], "low, medium, high"),
    "trait-broken-json": T([*RUN, "--trait-dict", f"{IN}/broken.json"], "invalid JSON"),
    "trait-empty": T([*RUN, "--trait-dict", f"{IN}/empty.json"], "non-empty JSON object"),
    "trait-missing": T([*RUN, "--trait-dict", "nosuch.json"], "not found"),
    "trait-export-nan": T(
        ["traits", "export", "--trait-dict", '{"impatience": NaN}', "--out", f"{IN}/x.gguf"],
        "not a finite number",
    ),
    # sweeps and schedules
    "sweep-malformed": T([*RUN, "--sweep", "impatience"], "expected TRAIT=x1,x2"),
    "sweep-unknown": T([*RUN, "--sweep", "grumpy=1,2"], "unknown trait 'grumpy'"),
    "sweep-level": T([*RUN, "--sweep", "impatience=0,high"], "'high' is not a number"),
    "sweep-nan": T([*RUN, "--sweep", "impatience=0,nan"], "not a finite number"),
    "sweep-absurd": T([*RUN, "--sweep", "impatience=1,50"], "far beyond the calibrated"),
    "sweep-only-zero": T([*RUN, "--sweep", "impatience=0"], "needs a point other than 0"),
    "sweep-no-baseline": T(
        [*RUN, "--sweep", "impatience=1", "--no-baseline"], "needs the baseline"
    ),
    "sweep-twice": T([*RUN, "--sweep", "impatience=1", "--sweep", "impatient=2"], "swept twice"),
    "schedule-over": T(
        [*RUN, "--trait-dict", '{"impatience": {"from": "low", "to": "high", "over": 0}}'],
        "'over' of 'impatience' must be a whole number",
    ),
    "schedule-keys": T(
        [*RUN, "--trait-dict", '{"impatience": {"from": "low", "over": 3}}'], "missing: to"
    ),
    "schedule-level": T([*RUN, "--trait-dict", '{"impatience": ["low", "max"]}'], "not valid"),
    "schedule-strategy": T(
        [
            *RUN,
            "--user-strategy",
            "prompt",
            "--trait-dict",
            '{"impatience": {"from": "low", "to": "high", "over": 3}}',
        ],
        "only --user-strategy steered can follow",
    ),
    "schedule-export": T(
        [
            "traits",
            "export",
            "--trait-dict",
            '{"impatience": ["low", "high"]}',
            "--out",
            f"{IN}/x.gguf",
        ],
        "only in `tautrait run`",
    ),
    # config files
    "config-invalid-toml": T([*RUN, "--config", f"{IN}/bad.toml"], "invalid TOML"),
    "config-unknown-key": T([*RUN, "--config", f"{IN}/unknown.toml"], "unknown keys concurrency"),
    "config-wrong-type": T([*RUN, "--config", f"{IN}/wrongtype.toml"], "max_concurrency"),
    "config-not-a-table": T([*RUN, "--config", f"{IN}/notable.toml"], "must be a table"),
    "config-binary": T([*RUN, "--config", f"{IN}/binary.toml"], "not a UTF-8"),
    "config-missing": T([*RUN, "--config", f"{IN}/none.toml"], "not found"),
    "config-folder": T([*RUN, "--config", IN], "cannot read config file"),
    # flags and environment variables
    "flag-zero": T([*RUN, "--max-concurrency", "0"], "--max-concurrency"),
    "flag-not-int": T([*RUN, "--max-concurrency", "abc"], "--max-concurrency"),
    "flag-choice": T([*RUN, "--user-strategy", "psychic"], "--user-strategy"),
    "flag-unknown": T([*RUN, "--bogus"], "No such option: --bogus"),
    "flag-infra-negative": T([*RUN, "--max-infra-errors", "-1"], "--max-infra-errors"),
    "flag-faults-kind": T([*RUN, "--faults", "bogus=0.1"], "unknown kind 'bogus'"),
    "flag-faults-rate": T([*RUN, "--faults", "429=2"], "probability between 0 and 1"),
    "flag-no-arms": T([*RUN, "--no-baseline"], "nothing to run"),
    "env-not-int": T(RUN, "TAUTRAIT_NUM_TRIALS", TAUTRAIT_NUM_TRIALS="x"),
    "env-bad-list": T(RUN, "TAUTRAIT_TRAIT_DICTS", TAUTRAIT_TRAIT_DICTS="[oops"),
    "provider-unknown": T([*RUN, "--model", "opnai/gpt-4o"], "knows no provider"),
    "provider-no-key": T([*RUN, "--model", "openai/gpt-4o"], "needs OPENAI_API_KEY"),
    "script-unknown": T([*RUN, "--model", "scripted/gld"], "no script named 'gld'"),
    "endpoint-down": T(
        [*RUN, "--model", "hosted_vllm/x", "--api-base", "http://127.0.0.1:9/v1"],
        "not reachable",
    ),
    # run folders
    "resume-missing": T(["run", "--resume", f"{IN}/nosuch"], "does not exist"),
    "resume-not-a-run": T(["run", "--resume", f"{IN}/notarun"], "not a run folder"),
    "resume-damaged": T(["run", "--resume", f"{IN}/damaged"], "is damaged"),
    "resume-foreign": T(["run", "--resume", f"{IN}/foreign"], "not a tautrait run.json"),
    "resume-schema": T(["run", "--resume", f"{IN}/schema"], "schema version 99"),
    "resume-torn-line": T(["run", "--resume", f"{IN}/torn"], ":1 is damaged"),
    "resume-foreign-line": T(["run", "--resume", f"{IN}/otherrun"], "belongs to run"),
    "resume-with-flags": T(["run", "--resume", f"{IN}/torn", "--model", "x/y"], "drop --model"),
    # results files for report and compare
    "report-missing": T(["report", f"{IN}/nosuch"], "does not exist"),
    "report-damaged-file": T(["report", f"{IN}/results.json"], "not valid JSON"),
    "report-damaged-run": T(["report", f"{IN}/damaged"], "not valid JSON"),
    "report-foreign-line": T(["report", f"{IN}/otherrun"], "belongs to run"),
    "report-format": T(["report", "{good}/run", "--format", "pdf"], "unknown --format"),
    "compare-over-limit": T(
        ["compare", "{good}/run", "{good}/over"], "over its infrastructure-error limit"
    ),
    # local model folders
    "model-no-config": T(
        [*RUN, "--user-strategy", "steered", "--user-model", f"{IN}/models/noconfig"],
        "no config.json",
    ),
    "model-damaged-config": T([*RUN, "--model", f"local/{IN}/models/damagedconfig"], "is damaged"),
    "model-no-weights": T(
        [*RUN, "--user-strategy", "steered", "--user-model", f"{IN}/models/noweights"], "no weights"
    ),
    "model-no-tokenizer": T(
        [*RUN, "--user-strategy", "steered", "--user-model", f"{IN}/models/notokenizer"],
        "no tokenizer",
    ),
    "model-architecture": T(
        [*RUN, "--user-strategy", "steered", "--user-model", f"{IN}/models/bert"],
        "not a causal language model",
    ),
    "model-pickle": T([*RUN, "--model", f"local/{IN}/models/pickled"], "pickle weights"),
    # basis and adapter files
    "basis-garbage": T([*RUN, "--basis", f"{IN}/garbage.safetensors"], "not a safetensors"),
    "basis-pickle": T([*RUN, "--basis", f"{IN}/pickle.pt"], "is a pickle file"),
    "basis-not-ours": T([*RUN, "--basis", f"{IN}/plain.safetensors"], "not a tautrait basis"),
    "basis-missing": T([*RUN, "--basis", f"{IN}/none.safetensors"], "not found"),
    "adapter-pickle": T(
        [
            *RUN,
            "--user-strategy",
            "mtad",
            "--user-model",
            "embedded",
            "--adapter",
            f"impatience={IN}/adapter",
        ],
        "is a pickle file",
    ),
    "adapter-no-config": T(
        [
            *RUN,
            "--user-strategy",
            "mtad",
            "--user-model",
            "embedded",
            "--adapter",
            f"impatience={IN}/notarun",
        ],
        "no adapter_config",
    ),
    # output folders
    "output-under-a-file": T([*RUN, "--output-dir", f"{IN}/afile/results"], "is a file"),
    "output-not-creatable": T([*RUN, "--output-dir", "/proc/tautrait-results"], "cannot be"),
    "output-not-writable": T([*RUN, "--output-dir", "/sys/kernel"], "cannot be written"),
    "output-disk-full": T([*RUN, "--output-dir", "{results}"], "File too large"),
    "report-out-disk-full": T(
        ["report", "{good}/run", "--format", "html", "--out", f"{IN}/r.html"], "File too large"
    ),
    # domains and task files
    "domain-unknown": T(["run", "--env", "nowhere", *SCRIPTED], "nowhere"),
    "split-unknown": T([*RUN, "--task-split", "nosuch"], "nosuch"),
    "tasks-damaged": T(RUN, "test.json", TAUTRAIT_DATA_PATH=f"{IN}/damagedtasks"),
    "tasks-invalid": T(RUN, "test.json", TAUTRAIT_DATA_PATH=f"{IN}/invalidtasks"),
    "domain-damaged": T(RUN, "seed data", TAUTRAIT_DATA_PATH=f"{IN}/baddomain"),
    "task-ids-unknown": T([*RUN, "--task-ids", "mock-0,nope"], "unknown task ids"),
}
FULL_DISK = {"output-disk-full", "report-out-disk-full"}


def _fill(text: str, world: Path) -> str:
    return (
        text.replace(IN, str(world / "in"))
        .replace("{good}", str(world / "good"))
        .replace("{results}", str(world / "results"))
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_exit_2_and_nothing_written(world: Path, case: str) -> None:
    args, expect, extra = CASES[case]
    argv = [_fill(a, world) for a in args]
    if argv[0] == "run" and "--output-dir" not in argv and "--resume" not in argv:
        argv += ["--output-dir", str(world / "results")]
    env = _env(world, **{k: _fill(v, world) for k, v in extra.items()})
    if "TAUTRAIT_DATA_PATH" in extra:
        env["TAUTRAIT_DATA_PATH"] += os.pathsep + str(FIXTURES)
    env.pop("OPENAI_API_KEY", None)
    watched = [world / "results", world / "good", world / "in"]
    before = [_hash(folder) for folder in watched]
    result = subprocess.run(
        [sys.executable, "-m", "tautrait", *argv],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_limit_file_size if case in FULL_DISK else None,
        timeout=300,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, (case, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expect in lines[0], lines[0]
    assert [_hash(folder) for folder in watched] == before, "something was written"


def test_the_catalog_is_big_enough() -> None:
    assert len(CASES) >= 40
