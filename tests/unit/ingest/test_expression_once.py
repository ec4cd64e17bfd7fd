"""A profile expression is computed once per row, as a column of the file's rows: the
readers (c360_text…) are macros naming their value a dozen times, and DuckDB does not
share an expression between the branches of their CASE. The typed values and the
problems are the same as when the expression is written inside the reader."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest import transform, validate
from ingest.profile import load_profile, normalise_header
from kernel.connection import connect, init_staging

COLUMNS = ["Record ID", "Call Title", "Activity date", "Call status", "Associated Company IDs"]
ROWS = [
    ("51001", "Relance devis", "2026-03-02 09:15", "Completed", "9101;9102"),
    ("51002", "Appel découverte", "2026-03-03 10:00", "Scheduled", " 9103 "),
    ("51003", "Suivi", "2026-03-04 11:30", "Canceled", ""),
    ("", "Sans id", "2026-03-05 11:30", "Completed", "9104"),
]


def _typed(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    con = connect(tmp_path / "staging.duckdb")
    init_staging(con)
    con.execute(transform.parse_macros())
    profile = load_profile("hubspot")
    validate.register(con, profile.read.default_country)
    con.execute(
        "create temp table f as select cast(null as bigint) as _line, "
        + ", ".join(f"cast(null as varchar) as {duckdb_ident(c)}" for c in COLUMNS)
        + " limit 0"
    )
    for i, row in enumerate(ROWS):
        con.execute(f"insert into f values ({i + 2}, ?, ?, ?, ?, ?)", list(row))
    obj = profile.objects["activity"]
    header = {normalise_header(c): c for c in COLUMNS}
    columns = transform.staging_columns(con, "activity")
    opts = transform.sniff_formats(con, obj, header, columns, profile.read, "f")
    return con, transform.build_query(obj, header, columns, opts, "f")


def duckdb_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_each_expression_appears_once_and_types_as_before(tmp_path: Path) -> None:
    con, query = _typed(tmp_path)
    assert query.count("split_part(\"Associated Company IDs\", ';', 1)") == 1
    assert query.count("coalesce('call', \"Call Title\")") == 1
    got = con.execute(
        "select _line, f__source_id, f__customer_source_id, f__kind, f__status, _problems "
        f"from ({query}) order by _line",
        {"max_value_bytes": 100_000},
    ).fetchall()
    assert got == [
        (2, "51001", "9101", "call", "done", ""),
        (3, "51002", "9103", "call", "open", ""),
        (4, "51003", None, "call", "cancelled", ""),
        (5, None, "9104", "call", "done", "source id is missing"),
    ]
