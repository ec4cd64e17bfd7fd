"""Helpers for the warehouse tests: a small staging.duckdb written through the real staging
DDL with the reference dataset, and a Settings for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from stdnum import luhn

from kernel.connection import connect, init_staging
from kernel.settings import Settings

AS_OF = date(2026, 11, 28)

SIREN_ACME = "732829320"
SIREN_BETA = "404833048"
SIREN_GAMMA = "552010050"
SIREN_ALPHA_1 = "306138900"
SIREN_ALPHA_2 = "443061841"


def siret(siren: str, nic: str = "0001") -> str:
    body = siren + nic
    return body + luhn.calc_check_digit(body)


def french_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def insert(con: duckdb.DuckDBPyConnection, table: str, **row: Any) -> None:
    """One staging row; column names come from the test, values are bound."""
    row.setdefault("_run_id", "run1")
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into staging.{table} ({cols}) values ({marks})", list(row.values()))


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    sources = [
        {"name": "crm", "system": "hubspot", "role": "crm"},
        {"name": "erp", "system": "odoo", "role": "erp"},
        {"name": "compta", "system": "fec", "role": "accounting"},
    ]
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "as_of": AS_OF,
        "sources": sources,
        "fec": {"default_payment_terms_days": 45},
    }
    values.update(overrides)
    return Settings(**values)


def write_staging(settings: Settings, with_seed: bool = True) -> None:
    con = connect(settings.staging_db)
    try:
        init_staging(con)
        if with_seed:
            from reference_data import seed  # imports this module's helpers

            con.execute("begin transaction")
            seed(con)
            con.execute("commit")
    finally:
        con.close()


def staging(settings: Settings) -> duckdb.DuckDBPyConnection:
    return connect(settings.staging_db)


def snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    return connect(path, read_only=True)


def xref_of(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, str]]:
    """(source, source_id) → (customer_id, match_rule)."""
    rows = con.execute(
        "select source, source_id, customer_id, match_rule from core.customer_xref"
    ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def golden_of(con: duckdb.DuckDBPyConnection, source: str, source_id: str) -> dict[str, object]:
    """The golden customer row (core.customer) a source record was matched to, by column."""
    customer_id = xref_of(con)[(source, source_id)][0]
    cur = con.execute("select * from core.customer where customer_id = ?", [customer_id])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))
