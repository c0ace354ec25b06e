"""Test-wide guards: offline by default, and no real model service ever reached."""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
        return _real_connect(self, address)  # type: ignore[arg-type]
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise RuntimeError(f"test tried to reach the network ({address!r}); tests run offline")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture
def mock_data_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the toy `mock` domain (tests/fixtures/data) on the data path."""
    here = os.path.dirname(__file__)
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", os.path.join(here, "fixtures", "data"))


# tests/fixtures holds data, including a miniature tau-bench checkout whose
# ``tasks_test.py`` pytest would otherwise collect (and whose package must never run).
collect_ignore_glob = ["fixtures/*"]
