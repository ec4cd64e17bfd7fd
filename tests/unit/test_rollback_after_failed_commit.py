"""A commit that fails ends its transaction: the rollback that follows must not replace
the commit's error (a full disk, a key taken meanwhile) with "no transaction is active"
(a full disk during a build's history commit was reported as that)."""

from __future__ import annotations

import duckdb
import pytest

from kernel.connection import rollback


def _insert_and_commit(
    con: duckdb.DuckDBPyConnection, before_commit: duckdb.DuckDBPyConnection
) -> None:
    con.execute("begin transaction")
    try:
        con.execute("insert into t values (2, 2)")
        before_commit.execute("commit")  # another transaction takes the key first
        con.execute("commit")
    except Exception:
        rollback(con)
        raise


def test_the_commit_s_own_error_is_raised() -> None:
    con = duckdb.connect()
    con.execute("create table t (k integer primary key, v integer)")
    other = con.cursor()
    other.execute("begin transaction")
    other.execute("insert into t values (2, 3)")
    # DuckDB checks the key at commit: this commit fails, and ends the transaction.
    with pytest.raises(duckdb.TransactionException, match="Failed to commit"):
        _insert_and_commit(con, other)
    assert con.execute("select v from t").fetchall() == [(3,)]
    # Nothing is left open: a new transaction starts cleanly.
    con.execute("begin transaction")
    con.execute("rollback")


def test_an_open_transaction_is_rolled_back() -> None:
    con = duckdb.connect()
    con.execute("create table t (k integer)")
    con.execute("begin transaction")
    con.execute("insert into t values (1)")
    rollback(con)
    assert con.execute("select count(*) from t").fetchone() == (0,)
