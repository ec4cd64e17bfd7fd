"""The audit log of profile reads and GET /audit (admins only, keyset paged)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from pipeline_company import ACME, DUPONT, MERGED

from api import store
from api.audit import ReadLog
from kernel.settings import Settings

Auth = Callable[[str], dict[str, str]]


def test_profile_reads_are_logged(
    client: TestClient, auth: Auth, published: Path, settings: Settings
) -> None:
    assert client.get(f"/api/v1/customers/{DUPONT}", headers=auth("alice")).status_code == 200
    assert (
        client.get(f"/api/v1/customers/{DUPONT}/invoices", headers=auth("fiona")).status_code == 200
    )
    assert client.get(f"/api/v1/customers/{ACME}", headers=auth("eric")).status_code == 200
    # Refused, missing and redirected reads are not reads.
    assert client.get(f"/api/v1/customers/{DUPONT}", headers=auth("bob")).status_code == 403
    assert client.get("/api/v1/customers/C9999999", headers=auth("eric")).status_code == 404
    moved = client.get(f"/api/v1/customers/{MERGED}", headers=auth("eric"), follow_redirects=False)
    assert moved.status_code == 308

    body = client.get("/api/v1/audit", headers=auth("admin")).json()
    got = [(r["user"], r["role"], r["customer_id"], r["resource"]) for r in body["data"]]
    assert got == [
        ("eric", "executive", ACME, "profile"),
        ("fiona", "finance", DUPONT, "invoices"),
        ("alice", "sales", DUPONT, "profile"),
    ]
    assert all(r["at"].endswith("Z") for r in body["data"])
    assert body["next_cursor"] is None
    # Stored in app.db, not only in the worker's memory.
    assert len(store.profile_reads(settings, None, None, None, 10)) == 3

    by_user = client.get("/api/v1/audit?user=fiona", headers=auth("admin")).json()["data"]
    assert [(r["user"], r["customer_id"]) for r in by_user] == [("fiona", DUPONT)]
    by_customer = client.get(f"/api/v1/audit?customer={DUPONT}", headers=auth("admin")).json()
    assert [r["user"] for r in by_customer["data"]] == ["fiona", "alice"]


def test_audit_pages_by_keyset(client: TestClient, auth: Auth, published: Path) -> None:
    for _ in range(5):
        assert client.get(f"/api/v1/customers/{DUPONT}", headers=auth("eric")).status_code == 200
    seen: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/audit", params=params, headers=auth("admin")).json()
        seen += [r["read_id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)
    bad = client.get("/api/v1/audit?cursor=eyJrIjoxfQ", headers=auth("admin"))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


def test_audit_is_for_admins(client: TestClient, auth: Auth, published: Path) -> None:
    assert client.get("/api/v1/audit").status_code == 401
    for user in ("alice", "fiona", "eric"):
        resp = client.get("/api/v1/audit", headers=auth(user))
        assert resp.status_code == 403 and resp.json()["code"] == "forbidden"


def test_reads_written_in_the_background(settings: Settings, users: dict[str, str]) -> None:
    log = ReadLog(
        settings.model_copy(
            update={"api": settings.api.model_copy(update={"audit_flush_seconds": 0.05})}
        )
    )
    log.record("eric", "executive", DUPONT, "profile")
    deadline = time.monotonic() + 5
    while not store.profile_reads(settings, None, None, None, 5) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r.customer_id for r in store.profile_reads(settings, "eric", None, None, 5)] == [DUPONT]
    log.close()
