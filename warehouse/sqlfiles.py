"""Run the warehouse's .sql files with bound parameters.

Values always go in as bound `$name` parameters; only identifiers taken from constants
in this package are ever formatted into SQL text (the `{table}` templates).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import duckdb

from warehouse.connection import sql

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


def run_file(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict[str, Any] | None = None,
    identifiers: dict[str, str] | None = None,
) -> None:
    """Execute warehouse/sql/<name>.sql; `identifiers` fill `{placeholders}` (constants only)."""
    text = sql(name)
    if identifiers:
        text = text.format(**identifiers)
    logger.debug("running %s %s", name, identifiers or "")
    execute(con, text, params)
