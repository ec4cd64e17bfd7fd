"""The API on a snapshot built by the real pipeline reads its serving contract."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from kernel.serving_contract import (
    CONTRACT_VERSION,
    SERVING_PARTS,
    connect_serving,
    list_file,
    serving_files,
    serving_path,
)
from kernel.snapshots import current_snapshot
from warehouse.serving import TABLES


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_serving_file_published_beside_snapshot(built_demo) -> None:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    lite = connect_serving(serving_path(snapshot))
    # Every part of the set is published; each table is in the file of its part.
    assert all(path.exists() for path in serving_files(snapshot))
    placed = {
        (part, str(r[0]))
        for part in ("main", *SERVING_PARTS)
        for r in lite.execute(f"select name from {part}.sqlite_master where type = 'table'")
    }
    assert {(t.part, t.name) for t in TABLES} <= placed
    assert {part for part, _ in placed} == {"main", *SERVING_PARTS}
    assert lite.execute("select version from contract").fetchone() == (CONTRACT_VERSION,)
    con = duckdb.connect(str(snapshot), read_only=True)
    customers = con.execute("select count(*) from mart.customer_360").fetchone()
    invoices = con.execute("select count(*) from core.invoice where customer_id is not null")
    # Every customer has its document, every linked invoice its row: none lost or doubled.
    assert lite.execute("select count(*) from customer").fetchone() == customers
    # Each linked invoice is a row of the list's Arrow file, once; the index counts them all
    # and its customers' ranges follow one another.
    linked = invoices.fetchone()
    assert linked is not None
    rows = pa.ipc.open_file(
        pa.memory_map(str(list_file(serving_path(snapshot), "customer_invoice")))
    )
    assert rows.read_all().num_rows == linked[0]
    assert lite.execute("select sum(total) from customer_invoice").fetchone() == linked
    assert lite.execute(
        "select count(*) from (select first, total, lead(first) over (order by first) as next"
        " from customer_invoice) where next is not null and next <> first + total"
    ).fetchone() == (0,)
    # The DuckDB snapshot does not keep a second copy of the serving tables.
    schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "serving" not in schemas
    con.close()


def test_profile_money_to_the_cent(built_demo, demo_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    con = duckdb.connect(str(snapshot), read_only=True)
    row = con.execute(
        "select customer_id, outstanding_amount, overdue_amount, source_count "
        "from mart.customer_360 where overdue_amount > 0 order by customer_id limit 1"
    ).fetchone()
    con.close()
    assert row is not None
    body = demo_client.get(f"/api/v1/customers/{row[0]}").json()
    assert Decimal(body["financial"]["outstanding_amount"]) == row[1]
    assert Decimal(body["financial"]["overdue_amount"]) == row[2]
    assert len(body["sources"]) == row[3]
    assert all(s["evidence_text"] for s in body["sources"])


def test_sub_list_keyset_pages_cover_every_row(built_demo, demo_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    con = duckdb.connect(str(snapshot), read_only=True)
    row = con.execute(
        "select customer_id, count(*) from core.invoice group by 1 order by 2 desc, 1 limit 1"
    ).fetchone()
    assert row is not None
    cid, n = row
    con.close()
    seen, cursor = [], None
    while True:
        url = f"/api/v1/customers/{cid}/invoices?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = demo_client.get(url).json()
        assert body["count"] == n
        seen += [(r["source"], r["source_id"]) for r in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == n == len(set(seen))


@pytest.mark.parametrize(
    "cursor",
    [_cursor({"k": 2**63}), _cursor({"k": -1}), _cursor({"o": 5}), _cursor([1, 2]), "%%%", "e30"],
)
def test_bad_cursor_is_a_clean_422(demo_client: TestClient, cursor: str) -> None:
    for url in ("/api/v1/customers", "/api/v1/alerts", "/api/v1/receivables/overdue"):
        response = demo_client.get(url, params={"cursor": cursor})
        assert response.status_code == 422, (url, response.text)
        assert response.json()["code"] == "invalid_cursor"
