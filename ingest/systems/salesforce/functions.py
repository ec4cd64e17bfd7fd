"""Vendor-specific value functions registered on the ingest connection.

Conventions that SQL alone reads badly live here (e.g. Salesforce 15→18-character ids).
Each function works on distinct values through an LRU cache.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache

import duckdb

from ingest.validate import SPECIAL

_SF_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


@lru_cache(maxsize=200_000)
def salesforce_id18(value: str | None) -> str | None:
    """A Salesforce id in its 18-character, case-insensitive form (FORMATS.md §2.1)."""
    if value is None:
        return None
    v = value.strip()
    if len(v) != 15 or not v.isalnum():
        return v or None
    suffix = ""
    for chunk in (v[0:5], v[5:10], v[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _SF_ALPHABET[bits]
    return v + suffix


def register(con: duckdb.DuckDBPyConnection) -> None:
    with suppress(Exception):
        con.remove_function("c360_sf18")
    con.create_function("c360_sf18", salesforce_id18, ["VARCHAR"], "VARCHAR", null_handling=SPECIAL)
