"""Run .sql files with bound parameters: each layer keeps its SQL in its own folder.

Values always go in as bound `$name` parameters; only identifiers taken from constants
in the calling package are ever formatted into SQL text (the `{table}` templates).
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

logger = logging.getLogger(__name__)

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# Statements end with ';' at the end of a line (our files hold no ';' inside literals).
_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")


def bind(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """The subset of `params` that `text` uses (DuckDB refuses unused named parameters)."""
    wanted = set(_PARAM.findall(text))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"SQL parameters without a value: {', '.join(sorted(missing))}")
    return {name: params[name] for name in wanted}


def statements(text: str) -> list[str]:
    return [part for part in _STATEMENT_END.split(text) if part.strip()]


def execute(
    con: duckdb.DuckDBPyConnection, text: str, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run one or more statements, binding each its own parameters; return the last."""
    for statement in statements(text):
        con.execute(statement, bind(statement, params or {}))
    return con


class SqlFolder:
    """The .sql files under one folder, named by their path without `.sql`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / f"{name}.sql"

    def names(self, subfolder: str) -> list[str]:
        """The files of one subfolder, sorted (e.g. every check)."""
        return sorted(f"{subfolder}/{p.stem}" for p in (self.root / subfolder).glob("*.sql"))

    def text(self, name: str) -> str:
        return _read(self.path(name))

    def run_file(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        params: dict[str, Any] | None = None,
        identifiers: dict[str, str] | None = None,
    ) -> None:
        """Execute <root>/<name>.sql; `identifiers` fill `{placeholders}` (constants only)."""
        text = self.text(name)
        if identifiers:
            text = text.format(**identifiers)
        logger.debug("running %s %s", name, identifiers or "")
        execute(con, text, params)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


KERNEL_SQL = SqlFolder(Path(__file__).parent / "sql")
