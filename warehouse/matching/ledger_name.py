"""Ledger-name step: ledger accounts that carry no customer code, linked by name alone.

A FEC keeping one general account per customer (41100559 "MARCHAND ET FILS SARL", no
auxiliary account) gives records with a name and nothing else. An exact normalised name
borne by one golden customer of the other sources links; a name borne by several (same-
name companies in two towns) or close but not equal goes to the review queue.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from warehouse.matching.fuzzy import MAX_BLOCK_PAIRS, score_pairs
from warehouse.sqlfiles import run_file

logger = logging.getLogger(__name__)


def ledger_name_links(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Fill work.pass_link with the unique exact names; the rest goes to work.review."""
    run_file(con, "core/ledger_name_account")
    run_file(con, "core/ledger_name_candidate")
    run_file(con, "core/pass_ledger_name")
    run_file(con, "core/ledger_name_pair", {"max_block_pairs": MAX_BLOCK_PAIRS})
    scores = score_pairs(con, "work.ledger_name_pair")
    logger.info("ledger-name step: %d approximate pairs scored", scores.num_rows)
    con.register("ledger_name_score", scores)
    try:
        run_file(con, "core/ledger_name_review", params)
    finally:
        con.unregister("ledger_name_score")


def apply_account_codes(con: duckdb.DuckDBPyConnection, account_codes: dict[str, str]) -> None:
    """Read the customer code each source's `account_code` pattern finds in its account
    numbers; one set-based statement per source (the pattern must be a constant)."""
    for source, pattern in account_codes.items():
        run_file(con, "core/account_code", {"source": source, "account_code": pattern})
