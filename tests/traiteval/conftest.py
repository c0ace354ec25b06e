from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tiny import save_tiny_checkpoint


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_checkpoint(tmp_path_factory.mktemp("tiny-traiteval"))


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("traiteval-cache")


@pytest.fixture
def private_cache(_session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache shared by this folder's tests only (the tiny model's basis is extracted
    once), never the user's."""
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(_session_cache))
    yield _session_cache


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """The tiny model's matrices are too small to gain from several threads, and on a
    shared machine extra threads only wait for each other."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
