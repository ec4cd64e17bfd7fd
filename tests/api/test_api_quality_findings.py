"""GET /quality/findings: the records behind every count of /quality `checks`, from the
serving contract, paged by keyset cursor and filtered by check and source; on the company
built by the real pipeline, against mart.data_quality read straight from the snapshot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import duckdb
from fastapi.testclient import TestClient

from kernel.snapshots import current_snapshot

Auth = Callable[[str], dict[str, str]]
KEYS = ("check_name", "severity", "customer_id", "source", "source_id", "detail")


def _walk(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every page of a filter, two rows at a time, following next_cursor."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        resp = client.get("/api/v1/quality/findings", params=query, headers=headers)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        rows += body["data"]
        assert body["count"] >= len(rows)
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["count"] == len(rows)
            return rows


def test_findings_are_every_record_of_the_checks(
    template: Any, shared_client: TestClient, shared_auth: Auth
) -> None:
    snapshot = current_snapshot(template.snapshots_dir)
    con = duckdb.connect(str(snapshot), read_only=True)
    expected = [
        dict(zip(KEYS, r, strict=True))
        for r in con.execute(f"select {', '.join(KEYS)} from mart.data_quality").fetchall()
    ]
    con.close()
    admin = shared_auth("admin")
    checks = {c["check_name"] for c in expected}
    # Not only orphans: the company has findings of several other checks.
    assert len(checks - {c for c in checks if c.startswith("orphan")}) >= 2, checks

    every = _walk(shared_client, admin)
    key = lambda r: tuple(str(r[k]) for k in KEYS)  # noqa: E731
    assert sorted(map(key, every)) == sorted(map(key, expected))
    # In check, source, record order, as /quality lists its counts.
    assert [r["check_name"] for r in every] == sorted(r["check_name"] for r in every)

    counts = {
        c["check_name"]: c["count"]
        for c in shared_client.get("/api/v1/quality", headers=admin).json()["checks"]
    }
    by_check = Counter(r["check_name"] for r in expected)
    for check in sorted(checks):
        rows = _walk(shared_client, admin, check=check)
        assert len(rows) == by_check[check] == counts[check], check
        assert {r["check_name"] for r in rows} == {check}
    source = next(r["source"] for r in expected if r["source"])
    rows = _walk(shared_client, admin, source=source)
    assert len(rows) == sum(1 for r in expected if r["source"] == source)
    nothing = shared_client.get(
        "/api/v1/quality/findings", params={"check": "no such check"}, headers=admin
    ).json()
    assert nothing == {"data": [], "count": 0, "next_cursor": None}


def test_findings_are_for_admins_only(shared_client: TestClient, shared_auth: Auth) -> None:
    for user in ("alice", "fiona", "eric"):
        resp = shared_client.get("/api/v1/quality/findings", headers=shared_auth(user))
        assert resp.status_code == 403, user
