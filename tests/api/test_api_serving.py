"""The API on a snapshot built by the real pipeline reads its serving contract."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from kernel.serving_contract import (
    CONTRACT_VERSION,
    SERVING_PARTS,
    connect_serving,
    index_file,
    keys_file,
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
    assert {(t.part, t.name) for t in TABLES if t.file is None and not t.is_list} <= placed
    assert {part for part, _ in placed} == {"main", *SERVING_PARTS}
    # A list is two Arrow files, its items and its index, no SQLite table.
    assert not {t.name for t in TABLES if t.is_list} & {name for _, name in placed}
    # The search's keys are a sorted file of their own: every key once, in key order.
    keys = pa.ipc.open_file(pa.memory_map(str(keys_file(serving_path(snapshot))))).read_all()
    con = duckdb.connect(str(snapshot), read_only=True)
    # One key per customer with a SIRET (search_key.sql: compacted, at least 2 characters).
    siret = con.execute(
        "select count(*) from mart.customer_360 where customer_id is not null"
        " and length(regexp_replace(trim(siret), '[\\s.\\-/]', '', 'g')) >= 2"
    ).fetchone()
    con.close()
    assert keys.num_rows > 0 and keys.column_names == ["key", "kind", "customer_id", "shown"]
    ordered = list(zip(*(keys[c].to_pylist() for c in keys.column_names), strict=True))
    assert ordered == sorted(set(ordered))
    assert siret == (sum(kind == "siret" for kind in keys["kind"].to_pylist()),)
    assert lite.execute("select version from contract").fetchone() == (CONTRACT_VERSION,)
    con = duckdb.connect(str(snapshot), read_only=True)
    customers = con.execute("select count(*) from mart.customer_360").fetchone()
    invoices = con.execute("select count(*) from core.invoice where customer_id is not null")
    # Every customer has its document, every linked invoice its row: none lost or doubled.
    assert lite.execute("select count(*) from customer_search").fetchone() == customers
    # Each linked invoice is a row of the list's Arrow file, once; the index counts them all
    # and its customers' ranges follow one another.
    linked = invoices.fetchone()
    assert linked is not None
    rows = pa.ipc.open_file(
        pa.memory_map(str(list_file(serving_path(snapshot), "customer_invoice")))
    )
    assert rows.read_all().num_rows == linked[0]
    index = pa.ipc.open_file(
        pa.memory_map(str(index_file(serving_path(snapshot), "customer_invoice")))
    ).read_all()
    firsts, totals = index["first"].to_pylist(), index["total"].to_pylist()
    assert sum(totals) == linked[0]
    assert firsts == [sum(totals[:k]) for k in range(len(totals))]
    ids = index["customer_id"].to_pylist()
    assert ids == sorted(set(ids), key=str.encode)
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


# The timeline is merged per request from the invoices', orders' and opportunities' lists
# and the list of the other events (api/timeline.py): paged through in small pages, every
# customer's timeline of a real-pipeline build must be exactly the warehouse's events, in
# the timeline's order, each once.

# Every event of every customer as the warehouse states it (set-based), in the timeline's
# documented order: newest first, undated last, then source, source id, event type.
_EVENTS = """
with event as (
    select customer_id, issue_date as event_date, coalesce(kind, 'invoice') as event_type,
        source, source_id, invoice_number as reference, status,
        amount_incl_tax as amount, currency, null as kind, null as subject
    from core.invoice
    union all
    select customer_id, order_date, 'order', source, source_id, order_number, status,
        amount_incl_tax, currency, null, null
    from core.sales_order
    union all
    select customer_id, close_date, 'opportunity', source, source_id, name,
        coalesce(stage, status), amount, null, null, null
    from core.opportunity
    union all
    select customer_id, payment_date, 'payment', source, source_id, invoice_ref, method,
        amount, currency, null, null
    from core.payment
    {relationship}
)
select * from event where customer_id is not null
order by customer_id, event_date desc nulls last, source, source_id, event_type
"""
_RELATIONSHIP = """
    union all
    select customer_id, event_date, event_type, source, source_id, reference, status,
        amount, currency, kind, subject
    from core.relationship_event
"""
_COLUMNS = (
    "event_date", "event_type", "source", "source_id", "reference", "status", "amount",
    "currency", "kind", "subject",
)  # fmt: skip


def _shown(value: Any) -> Any:
    # As the response writes it: dates ISO, amounts with two decimals.
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@pytest.fixture(scope="module")
def events(built_demo) -> dict[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    con = duckdb.connect(str(snapshot), read_only=True)
    has_events = con.execute(
        "select count(*) from duckdb_tables()"
        " where schema_name = 'core' and table_name = 'relationship_event'"
    ).fetchone()
    query = _EVENTS.replace("{relationship}", _RELATIONSHIP if has_events and has_events[0] else "")
    rows = con.execute(query).fetchall()
    con.close()
    found: dict[str, list[dict[str, Any]]] = {}
    for customer_id, *values in rows:
        found.setdefault(customer_id, []).append(
            {c: _shown(v) for c, v in zip(_COLUMNS, values, strict=True)}
        )
    return found


def test_every_timeline_is_the_warehouses_events_in_order(
    demo_client: TestClient, events: dict[str, list[dict[str, Any]]]
) -> None:
    assert len(events) > 100
    kinds: set[str] = set()
    for customer_id, want in events.items():
        got: list[dict[str, Any]] = []
        cursor: str | None = None
        counts = set()
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            response = demo_client.get(f"/api/v1/customers/{customer_id}/timeline", params=params)
            assert response.status_code == 200, response.text
            body = response.json()
            counts.add(body["count"])
            got += body["data"]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert got == want, customer_id
        assert counts == {len(want)}, customer_id
        kinds |= {e["event_type"] for e in got}
    # The demo's timelines hold events of each list merged.
    assert {"invoice", "order", "opportunity", "payment"} <= kinds, kinds


@pytest.mark.parametrize("cursor", ["1", "1.2.3", "a.0.0.0", "1.2.3.4.5"])
def test_a_malformed_cursor_is_422(demo_client: TestClient, events: Any, cursor: str) -> None:
    customer_id = next(iter(events))
    response = demo_client.get(f"/api/v1/customers/{customer_id}/timeline?cursor={cursor}")
    assert response.status_code == 422


def test_a_cursor_past_the_end_is_an_empty_page(demo_client: TestClient, events: Any) -> None:
    customer_id = next(iter(events))
    body = demo_client.get(
        f"/api/v1/customers/{customer_id}/timeline?cursor=999.999.999.999"
    ).json()
    assert body == {"data": [], "count": len(events[customer_id]), "next_cursor": None}


# GET /alerts reads a customer's alert from the profile's list by its place there
# (serving/alert.sql numbers the places by the list's order): every alert of a
# real-pipeline build, paged through, must be the warehouse's, with its owner (the alert's,
# else its customer's), each once, most severe first.
_ALERTS = """
select a.customer_id, c.name, a.alert_type, a.severity, a.message,
    coalesce(a.owner, c.owner), a.amount, a.reference, a.since, a.age_days, a.subject
from mart.alert as a
left join mart.customer_360 as c on a.customer_id = c.customer_id
"""
_ALERT_FIELDS = (
    "customer_id", "customer_name", "alert_type", "severity", "message", "owner", "amount",
    "reference", "since", "age_days", "subject",
)  # fmt: skip


def test_every_alert_is_the_warehouses(built_demo, demo_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    con = duckdb.connect(str(snapshot), read_only=True)
    want = sorted(
        (tuple(_shown(v) for v in row) for row in con.execute(_ALERTS).fetchall()),
        key=repr,
    )
    con.close()
    got: list[tuple[Any, ...]] = []
    cursor: str | None = None
    while True:
        params = {"limit": 37, **({"cursor": cursor} if cursor else {})}
        body = demo_client.get("/api/v1/alerts", params=params).json()
        assert body["count"] == len(want)
        got += [tuple(a[f] for f in _ALERT_FIELDS) for a in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(want) > 50
    # Several alerts of one customer, and owners that come from the customer.
    assert len({a[0] for a in got}) < len(got)
    assert sorted(got, key=repr) == want
    ranks = {"critical": 0, "high": 1, "error": 1, "warning": 2, "medium": 2, "low": 3, "info": 4}
    severity = [ranks.get((a[3] or "").lower(), 5) for a in got]
    assert severity == sorted(severity)
