from pathlib import Path

from tautrait.runner.results import EpisodeRecord, ResultsWriter, read_episodes


def _record(task: str, arm: str = "baseline", reward: float | None = 1.0) -> EpisodeRecord:
    return EpisodeRecord(
        run_id="r",
        domain="mock",
        task_id=task,
        trial=0,
        arm=arm,
        seed=1,
        status="completed" if reward is not None else "infra_error",
        reward=reward,
        termination="user_stop" if reward is not None else "infra_error",
        started_at="2026-01-01T00:00:00+00:00",
        duration_s=1.0,
    )


def test_writer_appends_complete_lines_and_reader_keeps_latest(tmp_path: Path) -> None:
    writer = ResultsWriter(tmp_path / "episodes.jsonl")
    writer.write(_record("a", reward=None))
    writer.write(_record("b"))
    writer.write(_record("a", reward=0.0))
    episodes = read_episodes(tmp_path)
    assert [(e.task_id, e.reward) for e in episodes] == [("b", 1.0), ("a", 0.0)]


def test_torn_tail_is_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "episodes.jsonl"
    good = _record("a").model_dump_json()
    path.write_text(good + "\n" + good[:40])
    assert [e.task_id for e in read_episodes(tmp_path)] == ["a"]
    ResultsWriter(path).write(_record("b"))
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and all(line.endswith("}") for line in lines)
