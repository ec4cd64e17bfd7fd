"""Serving the published snapshot: 503 before any, switching without a restart."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from snapshot_fixture import BUILD_1, BUILD_2, C360_COLUMNS, DUPONT, publish_snapshot

from api.snapshot import SnapshotManager
from warehouse.settings import Settings
from warehouse.snapshots import CURRENT, write_pointer

Auth = Callable[[str], dict[str, str]]


def _dupont_name(client: TestClient, headers: dict[str, str]) -> str:
    resp = client.get(f"/api/v1/customers/{DUPONT}", headers=headers)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["name"])


def test_503_before_any_snapshot(client: TestClient, auth: Auth) -> None:
    resp = client.get("/api/v1/customers", headers=auth("admin"))
    assert resp.status_code == 503
    assert resp.json() == {
        "code": "no_snapshot",
        "message": "No data has been published yet: run `c360 nightly`.",
    }
    assert client.get("/api/v1/health").json()["snapshot"] is None


def test_first_publication_is_picked_up(client: TestClient, auth: Auth, settings: Settings) -> None:
    headers = auth("admin")
    assert client.get("/api/v1/customers", headers=headers).status_code == 503
    publish_snapshot(settings.snapshots_dir, BUILD_1)
    assert _dupont_name(client, headers) == "Dupont SARL"


def test_switch_without_restart(client: TestClient, auth: Auth, settings: Settings) -> None:
    headers = auth("alice")
    publish_snapshot(settings.snapshots_dir, BUILD_1)
    assert _dupont_name(client, headers) == "Dupont SARL"
    health = client.get("/api/v1/health").json()
    assert health["snapshot"] == BUILD_1
    assert health["published_at"] == "2026-11-27T02:01:00Z"

    publish_snapshot(settings.snapshots_dir, BUILD_2, dupont_name="Dupont & Fils")
    assert _dupont_name(client, headers) == "Dupont & Fils"
    assert client.get("/api/v1/health").json()["snapshot"] == BUILD_2
    profile = client.get(f"/api/v1/customers/{DUPONT}", headers=headers).json()
    assert profile["snapshot"] == BUILD_2


def test_broken_pointer_keeps_last_good(client: TestClient, auth: Auth, settings: Settings) -> None:
    headers = auth("admin")
    publish_snapshot(settings.snapshots_dir, BUILD_1)
    assert _dupont_name(client, headers) == "Dupont SARL"
    write_pointer(settings.snapshots_dir, CURRENT, "20990101T000000000000Z.duckdb")
    assert _dupont_name(client, headers) == "Dupont SARL"


def test_old_connection_closed_when_unused(settings: Settings) -> None:
    publish_snapshot(settings.snapshots_dir, BUILD_1)
    manager = SnapshotManager(settings.snapshots_dir)
    with manager.reader() as old_reader:
        publish_snapshot(settings.snapshots_dir, BUILD_2, dupont_name="New")
        with manager.reader() as new_reader:
            assert new_reader.build_id == BUILD_2
        # The request that started on the old snapshot finishes on it.
        row = old_reader.run("select name from mart.customer_360 where customer_id = ?", [DUPONT])
        assert row == [{"name": "Dupont SARL"}]
        old = old_reader.snapshot
        assert old.retired
    with pytest.raises(duckdb.Error):
        old.con.execute("select 1")
    manager.close()


def test_concurrent_requests_during_switch(
    client: TestClient, auth: Auth, settings: Settings
) -> None:
    headers = auth("admin")
    publish_snapshot(settings.snapshots_dir, BUILD_1)

    def hit(i: int) -> int:
        if i == 20:
            publish_snapshot(settings.snapshots_dir, BUILD_2, dupont_name="Dupont & Fils")
        path = "/api/v1/customers?q=dupont" if i % 2 else f"/api/v1/customers/{DUPONT}/timeline"
        return client.get(path, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(hit, range(60)))
    assert statuses == [200] * 60
    assert _dupont_name(client, headers) == "Dupont & Fils"


def test_thin_snapshot_answers_empty(client: TestClient, auth: Auth, settings: Settings) -> None:
    """Only mart.customer_360: every endpoint still answers, with empty parts."""
    settings.snapshots_dir.mkdir(parents=True)
    path = settings.snapshots_dir / f"{BUILD_1}.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema mart")
    con.execute(f"create table mart.customer_360 ({C360_COLUMNS})")
    con.execute(
        "insert into mart.customer_360 (customer_id, name, city, outstanding_amount) "
        "values ('C0000001', 'Solo', 'Lyon', 12.5)"
    )
    con.close()
    write_pointer(settings.snapshots_dir, CURRENT, path.name)
    headers = auth("admin")
    assert client.get("/api/v1/customers?q=solo", headers=headers).json()["count"] == 1
    profile = client.get("/api/v1/customers/C0000001", headers=headers).json()
    assert profile["sources"] == [] and profile["alerts"] == [] and profile["conflicts"] == []
    assert profile["financial"]["outstanding_amount"] == "12.50"
    for sub in ("invoices", "timeline", "contacts", "balance-history"):
        body = client.get(f"/api/v1/customers/C0000001/{sub}", headers=headers).json()
        assert body == {"data": [], "count": 0, "next_cursor": None}, sub
    assert client.get("/api/v1/customers/C0000002", headers=headers).status_code == 404
    quality = client.get("/api/v1/quality", headers=headers).json()
    assert quality["match_rates"] == [] and quality["review_queue"]["count"] == 0
    assert client.get("/api/v1/runs", headers=headers).json()["ingest_runs"] == []
    assert client.get("/api/v1/receivables/aging", headers=headers).json()["buckets"] == []
    assert client.get("/api/v1/kpis", headers=headers).json()["count"] == 0


def test_unused_path_fixture(published: Path) -> None:
    assert published.exists()
