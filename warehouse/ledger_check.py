"""FEC entries must balance (Σ Debit = Σ Credit per journal and entry) before publishing.

Staging keeps only the receivable lines of a FEC, but the raw layer keeps every line as
received, so the check reads the latest extract there. The column names are the FEC's
own (Debit/Credit, or the Montant/Sens variant), found case-insensitively.
"""

from __future__ import annotations

import logging

import duckdb

from kernel.settings import Settings
from kernel.sqlquote import quote_ident as _quote
from warehouse.checks import SAMPLE_ROWS, CheckFailure

logger = logging.getLogger(__name__)

NAME = "fec_entries_balanced"
DESCRIPTION = "Every FEC entry (journal + entry number) has Σ Debit = Σ Credit."


def _amount(column: str) -> str:
    # FEC numbers: decimal comma, no thousands separator, sometimes zero-padded or signed.
    return (
        f"coalesce(try_cast(replace(replace(trim({column}), ' ', ''), ',', '.') "
        "as decimal(18, 2)), 0)"
    )


def fec_balance_failures(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[CheckFailure]:
    failures: list[CheckFailure] = []
    for source in settings.sources:
        if source.system != "fec":
            continue
        table = f"{source.name}__receivable_item"
        columns = {
            row[0].lower(): row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where database_name = 'stg' "
                "and schema_name = 'raw' and table_name = ?",
                [table],
            ).fetchall()
        }
        journal, entry = columns.get("journalcode"), columns.get("ecriturenum")
        if not journal or not entry:
            continue
        if "debit" in columns and "credit" in columns:
            amount = f"{_amount(_quote(columns['debit']))} - {_amount(_quote(columns['credit']))}"
        elif "montant" in columns and "sens" in columns:
            sens = _quote(columns["sens"])
            amount = (
                f"case when upper(trim({sens})) in ('C', '-1') then -1 else 1 end"
                f" * {_amount(_quote(columns['montant']))}"
            )
        else:
            continue
        raw = f"stg.raw.{_quote(table)}"
        try:
            rows = _unbalanced(con, raw, journal, entry, amount)
        except duckdb.Error as exc:
            # raw.* reads the landed files again: if they were moved or deleted, the
            # ledger cannot be re-checked; say so rather than fail the whole build.
            logger.warning("%s: FEC balance not checked (%s)", source.name, exc)
            continue
        if rows:
            logger.warning("%s: %d unbalanced FEC entries", source.name, len(rows))
            failures.append(
                CheckFailure(f"{NAME}:{source.name}", DESCRIPTION, len(rows), rows[:SAMPLE_ROWS])
            )
    return failures


def _unbalanced(
    con: duckdb.DuckDBPyConnection, raw: str, journal: str, entry: str, amount: str
) -> list[tuple[object, ...]]:
    return con.execute(
        f"""
            select trim({_quote(journal)}) as journal, trim({_quote(entry)}) as entry,
                   sum({amount}) as imbalance
            from {raw}
            where _run_id = (select max(_run_id) from {raw})
            group by all
            having sum({amount}) <> 0
            order by journal, entry
            """
    ).fetchall()
