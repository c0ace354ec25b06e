"""Seed data files: what a domain's generator writes into ``data/``, in one format.

A domain's ``generate.py`` defines ``tables()``: every table's rows, computed from a
fixed seed and the domain's fixed time alone (no wall clock, no set iteration order).
:func:`write_tables` writes them as ``data/<table>.json``: a JSON list, one row object
per line, keys sorted, text as is (not ASCII-escaped). The data is committed, so the
seed state never moves with a library upgrade; ``tautrait domains generate <name>
--check`` (and the domain tests) prove that the generator still writes it byte for byte.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tautrait.domain.loader import Domain
from tautrait.errors import UserError

Row = dict[str, Any]


def render_table(rows: list[Row]) -> str:
    """One table's file text (every row must have the same keys)."""
    keys = sorted(rows[0]) if rows else []
    for row in rows:
        if sorted(row) != keys:
            raise ValueError(f"rows with different keys: {keys} and {sorted(row)}")
    lines = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def render_tables(tables: Mapping[str, list[Row]]) -> dict[str, str]:
    """File name (``<table>.json``) -> text, for every table."""
    return {f"{name}.json": render_table(rows) for name, rows in sorted(tables.items())}


def write_tables(tables: Mapping[str, list[Row]], out: Path) -> dict[str, int]:
    """Write every table into ``out`` (created if needed); return the row counts."""
    out.mkdir(parents=True, exist_ok=True)
    for file_name, text in render_tables(tables).items():
        (out / file_name).write_text(text, encoding="utf-8")
    return {name: len(rows) for name, rows in sorted(tables.items())}


def generate_tables(domain: Domain) -> dict[str, list[Row]]:
    """Run the domain's generator (``tautrait.domains.<name>.generate.tables()``)."""
    module_name = f"tautrait.domains.{domain.name}.generate"
    if not (domain.path / "generate.py").is_file():
        raise UserError(f"domain {domain.name!r} has no generate.py")
    module = importlib.import_module(module_name)
    tables = getattr(module, "tables", None)
    if not callable(tables):
        raise UserError(f"{domain.path / 'generate.py'} must define tables()")
    result: dict[str, list[Row]] = tables()
    return result


def stale_files(domain: Domain, tables: Mapping[str, list[Row]]) -> list[str]:
    """How ``data/`` differs from ``tables`` (empty: identical bytes, no extra files)."""
    data = domain.path / "data"
    wanted = render_tables(tables)
    found = []
    for file_name, text in wanted.items():
        path = data / file_name
        if not path.is_file():
            found.append(f"{file_name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{file_name}: differs")
    found += [
        f"{p.name}: not generated" for p in sorted(data.glob("*.json")) if p.name not in wanted
    ]
    return found
