"""The API serves from the serving file alone: with the DuckDB snapshot made unreadable
after publish (its bytes replaced, the name CURRENT points at kept), the KPI, quality,
runs and health routes answer as before, from the snapshot built by the real pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from kernel import connection

ROUTES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("eric", "/api/v1/kpis/summary", {}),
    ("eric", "/api/v1/kpis/summary", {"from": "2025-01", "segment": "PME"}),
    ("eric", "/api/v1/kpis/summary", {"from": "2026-11", "to": "2026-11"}),
    ("eric", "/api/v1/kpis/summary", {"from": "2025-01", "to": "2025-06"}),
    ("eric", "/api/v1/kpis", {}),
    ("admin", "/api/v1/quality", {}),
    ("admin", "/api/v1/quality/findings", {"limit": "2"}),
    ("admin", "/api/v1/quality/orphans", {}),
    ("admin", "/api/v1/quality/rejects", {}),
    ("admin", "/api/v1/runs", {}),
    ("fiona", "/api/v1/receivables/aging", {}),
    ("fiona", "/api/v1/receivables/overdue", {}),
    ("fiona", "/api/v1/alerts", {}),
    ("admin", "/api/v1/health", {}),
)


def _answers(client: TestClient, auth: Callable[[str], dict[str, str]]) -> list[Any]:
    out = []
    for user, path, params in ROUTES:
        resp = client.get(path, params=params, headers=auth(user))
        assert resp.status_code == 200, (path, resp.text)
        body = resp.json()
        if path.endswith("/health"):
            body = {k: body[k] for k in ("snapshot", "published_at", "sources")}
            for source in body["sources"]:
                source.pop("stale")  # depends on the clock
        out.append(body)
    return out


def test_kpi_and_quality_routes_read_only_the_serving_file(
    settings: Any,
    users: dict[str, str],
    published: Path,
    client: TestClient,
    auth: Callable[[str], dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _answers(client, auth)
    health = before[-1]
    assert health["published_at"] and all(s["last_success"] for s in health["sources"])
    client.close()

    # Unreadable: any DuckDB open of it fails (checked here), and any connect at all fails.
    published.write_bytes(b"not a duckdb file" * 100)
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(published), read_only=True)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the API opened DuckDB: {args}")

    monkeypatch.setattr(connection, "connect", refuse)
    from api.main import create_app

    with TestClient(create_app(settings, make_serving=refuse)) as fresh:
        tokens: dict[str, dict[str, str]] = {}

        def fresh_auth(user: str) -> dict[str, str]:
            if user not in tokens:
                from pipeline_company import PASSWORD

                resp = fresh.post(
                    "/api/v1/auth/token", data={"username": user, "password": PASSWORD}
                )
                assert resp.status_code == 200, resp.text
                tokens[user] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
            return tokens[user]

        after = _answers(fresh, fresh_auth)
    assert after == before
