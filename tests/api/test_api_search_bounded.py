"""Search work is bounded: a fragment that thousands of names start with or contain
costs about what it costs when a few hundred do (each tier reads at most what is left
of SEARCH_CAP, and the tiers stop once it is full)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow as pa
from search_cost import files_of, search_with_cost, serving_main

from api.search import SEARCH_CAP, search
from kernel.serving_contract import docs_file, keys_file
from warehouse.serving import TABLES
from warehouse.serving_lists import copy_file
from warehouse.sqlfiles import sql


def _serving(path: Path, n: int) -> sqlite3.Connection:
    """A serving file's search tables with n customers named 'Barnier <i>' in Lyon,
    and n more named '<i> Debarre' (the fragment inside the name)."""
    lite = sqlite3.connect(path)
    for table in TABLES:
        if table.name == "customer_search":
            lite.execute(f"create table {table.name} {table.ddl}")
    # No exact keys (the names are what these searches find).
    copy_file(duckdb.connect(), None, keys_file(serving_main(lite)))
    rows = []
    hits = []
    for i in range(1, 2 * n + 1):
        name = f"Barnier {i:06d}" if i <= n else f"{i:06d} Debarre"
        hits.append(json.dumps({"customer_id": f"C{i:07d}", "name": name, "city": "Lyon"}))
        rows.append((i, f"C{i:07d}", "own", name.lower(), "lyon", ""))
    lite.executemany(
        "insert into customer_search (seq, customer_id, owner,"
        " folded_name, folded_city, folded_email) values (?, ?, ?, ?, ?, ?)",
        rows,
    )
    # Each hit's JSON in its own file, row seq - 1 (kernel/serving_contract.DOC_FILES).
    docs = pa.table({"hit": hits})
    with pa.ipc.new_file(str(docs_file(serving_main(lite), "customer_search")), docs.schema) as f:
        f.write_table(docs)
    lite.execute("create index customer_search_1 on customer_search (folded_name, seq)")
    lite.execute("create index customer_search_0 on customer_search (customer_id)")
    lite.executescript(sql("serving/sqlite_search_text"))
    lite.commit()
    return lite


def test_search_work_does_not_grow_with_the_hits(tmp_path: Path) -> None:
    small = _serving(tmp_path / "small.sqlite", 400)
    large = _serving(tmp_path / "large.sqlite", 8000)
    for q, filters in (("bar", {}), ("barr", {}), ("bar", {"owner": "own"})):
        few, body_small = search_with_cost(small, q, filters)
        many, body_large = search_with_cost(large, q, filters)
        assert body_small["count"] == body_large["count"] == SEARCH_CAP
        assert len(body_large["data"]) == 50
        # 20 times the matching names, (nearly) the same work.
        assert many < few * 2, (q, filters, few, many)


def test_prefix_hits_fill_the_cap_before_substrings(tmp_path: Path) -> None:
    lite = _serving(tmp_path / "s.sqlite", 1000)
    body = search(lite, files_of(lite), "barn", {}, 50, None)
    assert body["count"] == SEARCH_CAP
    assert all(h["match_reason"] == "name starts with 'barn'" for h in body["data"])
    # Fewer names start with it than the cap: substrings fill the rest, after them.
    lite2 = _serving(tmp_path / "s2.sqlite", 30)
    body = search(lite2, files_of(lite2), "barr", {}, 50, None)
    assert [h["match_reason"] for h in body["data"]] == ["name contains 'barr'"] * 30
    body = search(lite2, files_of(lite2), "bar", {}, 200, None)
    reasons = [h["match_reason"] for h in body["data"]]
    assert reasons[:30] == ["name starts with 'bar'"] * 30
    assert reasons[30:] == ["name contains 'bar'"] * 30
