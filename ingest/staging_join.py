"""Customer parts joined into staging.customer, set-based, at the end of a source's ingest.

ERPs keep a customer in several tables (SAP KNA1 + KNB1 + KNKK, Sage X3 BPCUSTOMER +
BPADDRESS, Oracle HZ_CUST_ACCOUNTS + HZ_PARTIES + HZ_CUST_PROFILE_AMTS) and their own
extracts deliver one file per table. Each table is recognised as its own object and merged
into its own staging table like any other (keyed by its own table key, full extracts mark
missing rows deleted); `join_parts` then fills the source's staging.customer rows from
them (ingest/sql/staging/customer_join.sql), so the parts and their customer may come in
any order and in different runs. A part whose customer has not arrived is kept, counted in
its file's message and joined when the customer comes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import duckdb

from ingest.sqlfiles import run_file

# Part object → how its rows name their customer (a staging.customer column = a part column).
PARTS: dict[str, tuple[str, str]] = {
    "customer_company": ("source_id", "customer_source_id"),
    "customer_credit": ("source_id", "customer_source_id"),
    "customer_address": ("source_id", "customer_source_id"),
    "customer_party": ("party_source_id", "source_id"),
}


class Outcome(Protocol):
    """What the join reads and annotates of a pipeline FileOutcome."""

    object: str | None
    file: str
    status: str
    message: str | None


def join_parts(
    con: duckdb.DuckDBPyConnection,
    source: str,
    run_id: str,
    outcomes: Sequence[Outcome],
    *,
    currency: str,
    company_code: str | None = None,
    credit_area: str | None = None,
) -> None:
    """Join the source's parts into its customers when this run loaded either."""
    loaded = {o.object for o in outcomes if o.status == "loaded"}
    if not loaded & ({"customer"} | PARTS.keys()):
        return
    run_file(
        con,
        "staging/customer_join",
        {
            "source": source,
            "company_code": company_code,
            "credit_area": credit_area,
            "currency": currency,
        },
    )
    _note_waiting(con, source, run_id, outcomes)


def _note_waiting(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str, outcomes: Sequence[Outcome]
) -> None:
    """Say, per file, how many part rows name no customer yet (they are kept, not dropped),
    and how many customers still wait for the party that names them."""
    waiting: dict[tuple[str, str], int] = {}
    for obj, (customer_key, part_key) in PARTS.items():
        if not any(o.object == obj and o.status == "loaded" for o in outcomes):
            continue
        # Table and column names are the constants above, never data.
        rows = con.execute(
            f"""select p._file, count(*) from staging.{obj} as p
                where p.source = ? and p._run_id = ? and not p.is_deleted
                  and not exists (
                      select 1 from staging.customer as c
                      where c.source = p.source and c.{customer_key} = p.{part_key}
                  )
                group by p._file""",
            [source, run_id],
        ).fetchall()
        waiting |= {(obj, file): n for file, n in rows}
    nameless = con.execute(
        """select _file, count(*) from staging.customer
           where source = ? and _run_id = ? and not is_deleted
             and name is null and party_source_id is not null
           group by _file""",
        [source, run_id],
    ).fetchall()
    for o in outcomes:
        n = waiting.get((o.object or "", o.file), 0)
        if o.status == "loaded" and n:
            counted = "1 row names" if n == 1 else f"{n} rows name"
            _say(o, f"{counted} no customer yet (kept; joined when the customer is loaded)")
    for file, n in nameless:
        for o in outcomes:
            if o.object == "customer" and o.file == file and o.status == "loaded":
                accounts = "1 account has" if n == 1 else f"{n} accounts have"
                _say(o, f"{accounts} no name yet (its HZ_PARTIES row is not loaded)")


def _say(o: Outcome, text: str) -> None:
    o.message = f"{o.message}; {text}" if o.message else text
