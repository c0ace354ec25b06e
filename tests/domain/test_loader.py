"""Domains are packages imported by name (``tautrait.domains.<name>``), found on the data path."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tautrait.domain.loader import available_domains, load_domain, load_domain_from
from tautrait.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "data"


def test_a_shipped_domain_is_the_package_of_its_name() -> None:
    import tautrait.domains.retail.rules as rules

    domain = load_domain("retail")
    assert sys.modules["tautrait.domains.retail"].DOMAIN is domain.spec
    assert domain.spec.now is rules.NOW
    assert domain.path == ROOT / "domains" / "retail"
    assert (domain.path / "py.typed").is_file()


def test_a_user_root_comes_first_and_can_be_removed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root on TAUTRAIT_DATA_PATH shadows a domain of the same name; the loader imports
    from the roots as they are at each call, even after the other copy was imported."""
    copy = tmp_path / "domains" / "mock"
    shutil.copytree(FIXTURES / "domains" / "mock", copy)
    init = copy / "__init__.py"
    init.write_text(
        init.read_text(encoding="utf-8").replace("A tiny bookshop", "A user's bookshop"),
        encoding="utf-8",
    )
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", os.pathsep.join([str(FIXTURES)]))
    fixture = load_domain("mock")
    assert fixture.spec.description.startswith("A tiny bookshop")
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", os.pathsep.join([str(tmp_path), str(FIXTURES)]))
    assert available_domains()["mock"] == copy.resolve()
    user = load_domain("mock")
    assert user.path == copy.resolve()
    assert user.spec.description.startswith("A user's bookshop")
    assert sys.modules["tautrait.domains.mock"].__file__ == str(init.resolve())
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", str(FIXTURES))
    assert load_domain("mock") is fixture
    assert load_domain("mock").spec.description.startswith("A tiny bookshop")


def test_only_a_domain_on_the_data_path_loads(tmp_path: Path, mock_data_path: None) -> None:
    elsewhere = tmp_path / "domains" / "mock"
    shutil.copytree(FIXTURES / "domains" / "mock", elsewhere)
    with pytest.raises(UserError, match="not a domain on the data path"):
        load_domain_from(elsewhere)
    assert load_domain_from(FIXTURES / "domains" / "mock").name == "mock"


def test_a_domain_folder_name_must_be_an_identifier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "domains" / "mock", tmp_path / "domains" / "my-shop")
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", str(tmp_path))
    with pytest.raises(UserError, match="must be a Python identifier"):
        load_domain("my-shop")


def test_nothing_loads_code_by_file_path_or_edits_sys_path() -> None:
    for folder in ("src", "domains"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "spec_from_file_location" not in text, path
            assert "sys.path.insert" not in text and "sys.path.append" not in text, path
