from pathlib import Path

import pytest

from tests.tiny import save_tiny_checkpoint


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_checkpoint(tmp_path_factory.mktemp("tiny-user"))


@pytest.fixture
def run_env(mock_data_path: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache and output folder; the mock domain on the data path."""
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STEER_API_KEY", raising=False)
    return tmp_path / "results"
