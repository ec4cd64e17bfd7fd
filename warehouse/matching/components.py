"""Clusters of linked records: SQL min-label propagation with a SIREN guard.

The SQL lives in warehouse/sql/core/cluster_*.sql and label_*.sql.
"""

from __future__ import annotations

import logging

import duckdb

from warehouse.sqlfiles import run_file, sql

logger = logging.getLogger(__name__)

MAX_ITERATIONS = 200


def init_clusters(con: duckdb.DuckDBPyConnection) -> None:
    run_file(con, "core/cluster_init")


def propagate(con: duckdb.DuckDBPyConnection) -> int:
    """Label every node of work.edge (cid_a, cid_b) with the smallest node of its component.

    The result is the temp table `lp` (node, label); nodes without an edge are not in it.
    """
    run_file(con, "core/label_init")
    for iteration in range(1, MAX_ITERATIONS + 1):
        run_file(con, "core/label_step")
        row = con.execute(sql("core/label_changed")).fetchone()
        con.execute("create or replace temp table lp as select * from lp_next")
        if row is None or row[0] == 0:
            return iteration
    raise RuntimeError("label propagation did not converge")


def merge_pass_links(con: duckdb.DuckDBPyConnection, pass_no: int) -> int:
    """Merge work.pass_link into work.cluster; return the number of accepted links."""
    run_file(con, "core/cluster_edge")
    propagate(con)
    run_file(con, "core/cluster_conflict")
    conflicted = con.execute("select count(*) from conflicted").fetchone()
    if conflicted and conflicted[0]:
        logger.info("%d component(s) would mix SIRENs; links deferred to review", conflicted[0])
        run_file(con, "core/cluster_defer")
        propagate(con)
    run_file(con, "core/cluster_apply", {"pass_no": pass_no})
    row = con.execute("select count(*) from work.edge").fetchone()
    return int(row[0]) if row else 0
