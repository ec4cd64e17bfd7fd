"""Serving the published snapshot: 503 before any, switching without a restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from pipeline_company import DUPONT, Built, publish

from api.snapshot import SnapshotManager
from kernel.connection import connect
from kernel.settings import Settings
from kernel.snapshots import CURRENT, write_pointer

Auth = Callable[[str], dict[str, str]]
Publish = Callable[[str], Path]


@pytest.fixture
def night(company: Built, settings: Settings) -> Callable[[str], Path]:
    """Publish one of the company's built snapshots in this test's data folder."""

    def publish_night(name: str) -> Path:
        return publish(settings.snapshots_dir, company.snapshots[name])

    return publish_night


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


def test_first_publication_is_picked_up(client: TestClient, auth: Auth, night: Publish) -> None:
    headers = auth("admin")
    assert client.get("/api/v1/customers", headers=headers).status_code == 503
    night("night2")
    assert _dupont_name(client, headers) == "Dupont SARL"


def test_switch_without_restart(
    client: TestClient, auth: Auth, night: Publish, company: Built
) -> None:
    headers = auth("alice")
    path = night("night2")
    assert _dupont_name(client, headers) == "Dupont SARL"
    health = client.get("/api/v1/health").json()
    assert health["snapshot"] == path.stem == company.build_id("night2")
    con = connect(path, read_only=True)
    finished = con.execute(
        "select finished_at from meta.build where build_id = ?", [path.stem]
    ).fetchone()
    con.close()
    assert finished is not None
    assert health["published_at"] == finished[0].isoformat() + "Z"

    night("renamed")
    assert _dupont_name(client, headers) == "Dupont & Fils"
    assert client.get("/api/v1/health").json()["snapshot"] == company.build_id("renamed")
    profile = client.get(f"/api/v1/customers/{DUPONT}", headers=headers).json()
    assert profile["snapshot"] == company.build_id("renamed")


def test_broken_pointer_keeps_last_good(
    client: TestClient, auth: Auth, settings: Settings, night: Publish
) -> None:
    headers = auth("admin")
    night("night2")
    assert _dupont_name(client, headers) == "Dupont SARL"
    write_pointer(settings.snapshots_dir, CURRENT, "20990101T000000000000Z.duckdb")
    assert _dupont_name(client, headers) == "Dupont SARL"


def test_old_snapshot_retired_when_unused(settings: Settings, night: Publish) -> None:
    night("night2")
    manager = SnapshotManager(settings.snapshots_dir)
    with manager.reader() as old_reader:
        renamed = night("renamed")
        with manager.reader() as new_reader:
            assert new_reader.build_id == renamed.stem
        # The request that started on the old snapshot finishes on its serving file.
        [(seq,)] = old_reader.lite.execute(
            "select seq from customer_search where customer_id = ?", (DUPONT,)
        ).fetchall()
        [hit] = old_reader.lists.docs("customer_search", [seq])
        assert json.loads(hit)["name"] == "Dupont SARL"
        old = old_reader.snapshot
        assert old.retired
    assert old.users == 0
    manager.close()


def test_concurrent_requests_during_switch(client: TestClient, auth: Auth, night: Publish) -> None:
    headers = auth("admin")
    night("night2")

    def hit(i: int) -> int:
        if i == 20:
            night("renamed")
        path = "/api/v1/customers?q=dupont" if i % 2 else f"/api/v1/customers/{DUPONT}/timeline"
        return client.get(path, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(hit, range(60)))
    assert statuses == [200] * 60
    assert _dupont_name(client, headers) == "Dupont & Fils"


def test_thin_snapshot_answers_empty(
    client: TestClient, auth: Auth, settings: Settings, company: Built
) -> None:
    """Only mart.customer_360 (its columns as the real build makes them): every endpoint
    still answers, with empty parts."""
    settings.snapshots_dir.mkdir(parents=True)
    path = settings.snapshots_dir / "20261127T020000000000Z.duckdb"
    con = duckdb.connect(str(path))
    real = str(company.snapshots["night2"]).replace("'", "''")
    con.execute(f"attach '{real}' as real (read_only)")
    con.execute("create schema mart")
    con.execute("create table mart.customer_360 as select * from real.mart.customer_360 limit 0")
    con.execute("detach real")
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
