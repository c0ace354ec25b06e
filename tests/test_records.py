"""The records' versions: a compatible file is read, another is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.records import (
    RUN_VERSION,
    TRAITEVAL_VERSION,
    ArmRecord,
    EpisodeRecord,
    read_manifest,
    read_traiteval,
    write_json,
)
from tests.report.builders import make_run, single


def _rewrite(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_a_run_json_is_written_and_read_through_the_model(tmp_path: Path) -> None:
    run = make_run(tmp_path, "run-a", {"baseline": single("PF."), "impatient": single("PPF")})
    manifest = read_manifest(run)
    assert manifest.schema_version == RUN_VERSION
    assert manifest.arm_names() == ["baseline", "impatient"]
    assert manifest.settings().max_infra_errors == 0.1  # absent from the config: the default
    baseline = json.loads((run / "run.json").read_text())["arms"][0]
    # None fields are left out; a baseline says so with a null trait dict.
    assert baseline == {
        "schema_version": 1,
        "name": "baseline",
        "trait_dict": None,
        "coefficients": {},
        "blocks": [],
    }


def test_a_run_json_of_another_version_is_refused_naming_it(tmp_path: Path) -> None:
    run = make_run(tmp_path, "run-a", {"baseline": single("P")})
    _rewrite(run / "run.json", schema_version=RUN_VERSION + 1)
    with pytest.raises(UserError, match=f"schema version {RUN_VERSION + 1}, newer.*upgrade"):
        read_manifest(run)
    _rewrite(run / "run.json", schema_version=0)
    with pytest.raises(UserError, match=r"schema version 0, older.*version that wrote it"):
        read_manifest(run)
    _rewrite(run / "run.json", schema_version="1")
    with pytest.raises(UserError, match="no valid schema_version"):
        read_manifest(run)


def test_a_compatible_run_json_missing_optional_fields_is_read(tmp_path: Path) -> None:
    run = make_run(tmp_path, "run-a", {"baseline": single("P")})
    data = json.loads((run / "run.json").read_text())
    for optional in ("git", "basis", "limits"):
        data.pop(optional, None)
    data["config"].pop("env")
    (run / "run.json").write_text(json.dumps(data))
    manifest = read_manifest(run)
    assert manifest.git.commit is None and manifest.settings().env is None


def test_a_damaged_run_json_names_the_field(tmp_path: Path) -> None:
    run = make_run(tmp_path, "run-a", {"baseline": single("P")})
    _rewrite(run / "run.json", grid={"tasks": "many"})
    with pytest.raises(UserError, match=r"not a valid run.json \(grid.tasks"):
        read_manifest(run)


def test_an_episode_keeps_its_arm_record_and_extra_server_fields() -> None:
    steering = {"trait_dict": {"impatience": "high"}, "coefficients": {"impatience": 0.4}}
    arm = ArmRecord.model_validate({**steering, "server_model": "m"})
    assert arm.steering() == {"coefficients": {"impatience": 0.4}, "server_model": "m"}
    record = EpisodeRecord.model_validate(
        {
            "run_id": "r",
            "domain": "mock",
            "task_id": "t",
            "trial": 0,
            "arm": "impatient",
            "seed": 1,
            "status": "completed",
            "reward": 1.0,
            "termination": "user_stop",
            "steering": arm,
            "started_at": "2026-01-01T00:00:00+00:00",
            "duration_s": 1.0,
        }
    )
    line = json.loads(record.model_dump_json())
    assert line["steering"] == {"schema_version": 1, **steering, "server_model": "m"}
    assert EpisodeRecord.model_validate(line) == record


def test_traiteval_json_versions(tmp_path: Path) -> None:
    path = tmp_path / "traiteval.json"
    good = {
        "schema": "tautrait.traiteval",
        "schema_version": TRAITEVAL_VERSION,
        "created": "2026-01-01T00:00:00+00:00",
        "wall_s": 1.0,
        "timings": {},
        "settings": {},
        "contexts": [],
        "pairs": [],
        "conditions": [],
        "user_sides": {},
        "scorer": {},
        "conversations": {"count": 0},
        "offline": {},
    }
    write_json(path, good)
    assert read_traiteval(path).judge is None
    write_json(path, {**good, "schema_version": TRAITEVAL_VERSION + 1})
    with pytest.raises(UserError, match=r"traiteval.json of schema version 2, newer"):
        read_traiteval(path)
    write_json(path, {**good, "schema": "something.else"})
    with pytest.raises(UserError, match=r"not a traiteval.json"):
        read_traiteval(path)


def test_write_json_leaves_no_temporary_file_when_it_fails(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    with pytest.raises(TypeError):
        write_json(path, {"bad": object()})
    assert list(tmp_path.iterdir()) == []
