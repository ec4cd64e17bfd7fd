"""Health with freshness, Prometheus metrics, security headers and JSON logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from pipeline_company import DUPONT
from prometheus_client.parser import text_string_to_metric_families

from api import store
from c360.serve_api import build_app
from kernel.logs import JsonFormatter, configure_logging
from kernel.settings import Settings
from kernel.snapshots import CURRENT, write_pointer

Auth = Callable[[str], dict[str, str]]
LOCAL = ("127.0.0.1", 40000)


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_health_gives_snapshot_age_and_each_source(client: TestClient, published: Path) -> None:
    health = client.get("/api/v1/health").json()
    published_at = datetime.fromisoformat(health["published_at"])
    expected_age = (datetime.now(UTC) - published_at).total_seconds()
    assert health["status"] == "ok"
    assert health["snapshot"] == published.stem
    assert abs(health["snapshot_age_seconds"] - expected_age) < 60
    sources = {s["source"]: s for s in health["sources"]}
    # crm last loaded in night1 (night2 skipped its unchanged files): companies 4 loaded
    # and 1 rejected, contacts 3, deals 2; erp in night2: res_partner 7, account_move 6.
    assert {k: (s["rows_loaded"], s["rows_rejected"], s["stale"]) for k, s in sources.items()} == {
        "crm": (9, 1, False),
        "erp": (13, 0, False),
    }
    crm, erp = (datetime.fromisoformat(sources[k]["last_success"]) for k in ("crm", "erp"))
    assert crm < erp <= published_at
    assert sources["crm"]["last_success"].endswith("Z")


def _meta_only_snapshot(settings: Settings, finished_r1: str) -> None:
    """A hand-made snapshot with three crm runs: an old one, the last good one (two
    files), and a later refused one; erp never loaded."""
    build = "20261205T020000000000Z"
    settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.snapshots_dir / f"{build}.duckdb"))
    con.execute("create schema meta")
    con.execute(
        "create table meta.ingest_run (run_id varchar, source varchar, file varchar, "
        "object varchar, status varchar, rows_read bigint, rows_loaded bigint, "
        "rows_rejected bigint, message varchar, started_at timestamp, finished_at timestamp)"
    )
    con.execute(
        "insert into meta.ingest_run values "
        "('R0','crm','a.csv','customer','loaded',5,5,0,null,'2026-12-03 02:00','2026-12-03 02:00:01'),"
        "('R1','crm','a.csv','customer','loaded',4,3,1,null,'2026-12-04 02:00',$f1),"
        "('R1','crm','b.csv','contact','loaded',4,4,0,null,'2026-12-04 02:00','2026-12-04 02:00:02'),"
        "('R2','crm','c.csv',null,'refused',0,0,0,'bad','2026-12-05 02:00','2026-12-05 02:00:01')",
        {"f1": finished_r1},
    )
    con.execute(
        "create table meta.build (build_id varchar, status varchar, started_at timestamp, "
        "finished_at timestamp)"
    )
    con.execute(
        "insert into meta.build values ($b, 'published', '2026-12-05 02:00', now()::timestamp)",
        {"b": build},
    )
    con.close()
    write_pointer(settings.snapshots_dir, CURRENT, f"{build}.duckdb")


def test_health_takes_the_last_successful_run(settings: Settings, users: dict[str, str]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    _meta_only_snapshot(settings, now.isoformat(sep=" "))
    with TestClient(build_app(settings)) as client:
        health = client.get("/api/v1/health").json()
    store.dispose_engines()
    by_source = {s["source"]: s for s in health["sources"]}
    assert by_source["crm"] == {
        "source": "crm",
        "last_success": now.isoformat() + "Z",
        "rows_loaded": 7,
        "rows_rejected": 1,
        "stale": False,
    }
    assert by_source["erp"] == {
        "source": "erp",
        "last_success": None,
        "rows_loaded": 0,
        "rows_rejected": 0,
        "stale": True,
    }


def test_metrics_exposition_parses_and_counts(
    settings: Settings, users: dict[str, str], published: Path, auth: Auth
) -> None:
    with TestClient(build_app(settings), client=LOCAL) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "admin", "password": "s3cret-pass"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(3):
            assert client.get("/api/v1/health").status_code == 200
        assert client.get(f"/api/v1/customers/{DUPONT}", headers=headers).status_code == 200
        assert client.get("/api/v1/customers/C9999999", headers=headers).status_code == 404
        assert client.get("/no/such/path").status_code == 404
        resp = client.get("/metrics")
    store.dispose_engines()
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    samples = _samples(resp.text)
    requests = {
        (labels["method"], labels["route"], labels["status"]): value
        for labels, value in samples["c360_http_requests_total"]
    }
    assert requests[("GET", "/api/v1/health", "200")] == 3
    # Route templates, never raw ids; unknown paths share one label.
    assert requests[("GET", "/api/v1/customers/{customer_id}", "200")] == 1
    assert requests[("GET", "/api/v1/customers/{customer_id}", "404")] == 1
    assert requests[("GET", "unmatched", "404")] == 1
    assert not any(DUPONT in route for _m, route, _s in requests)
    counts = {
        labels["route"]: value
        for labels, value in samples["c360_http_request_duration_seconds_count"]
    }
    assert counts["/api/v1/health"] == 3
    assert any(
        lab["le"] == "+Inf" for lab, _v in samples["c360_http_request_duration_seconds_bucket"]
    )
    (age,) = samples["c360_snapshot_age_seconds"]
    assert 0 <= age[1] < 86400  # built by the session's fixture, minutes ago at most
    loaded = {lab["source"]: v for lab, v in samples["c360_source_rows_loaded"]}
    rejected = {lab["source"]: v for lab, v in samples["c360_source_rows_rejected"]}
    assert loaded == {"crm": 9, "erp": 13} and rejected == {"crm": 1, "erp": 0}
    last = {lab["source"]: v for lab, v in samples["c360_source_last_success_timestamp_seconds"]}
    assert last["crm"] < last["erp"] <= datetime.now(UTC).timestamp()


def test_metrics_from_afar_need_an_admin(client: TestClient, auth: Auth) -> None:
    assert client.get("/metrics").status_code == 401  # the test client is not loopback
    assert client.get("/metrics", headers=auth("alice")).status_code == 403
    assert client.get("/metrics").json()["code"] == "not_authenticated"
    ok = client.get("/metrics", headers=auth("admin"))
    assert ok.status_code == 200 and "c360_http_requests_total" in ok.text


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


def test_security_headers_on_every_answer(client: TestClient, auth: Auth, published: Path) -> None:
    headers = auth("eric")
    answers = {
        "health": client.get("/api/v1/health"),
        "401": client.get("/api/v1/me"),
        "404": client.get("/nothing"),
        "422": client.get("/api/v1/kpis?from=2026-1-1-1", headers=headers),
        "200 authenticated": client.get("/api/v1/kpis", headers=headers),
        "token": client.post(
            "/api/v1/auth/token", data={"username": "eric", "password": "s3cret-pass"}
        ),
        "docs": client.get("/docs"),
    }
    for name, resp in answers.items():
        for header, value in SECURITY.items():
            assert resp.headers.get(header) == value, (name, header)
        assert resp.headers.get("x-request-id"), name
    for name in ("422", "200 authenticated", "token"):
        assert answers[name].headers["cache-control"] == "no-store", name
    assert "no-store" not in answers["health"].headers.get("cache-control", "")


def test_json_logs_carry_the_request(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(logging.INFO, json_lines=True)
    try:
        client.get("/api/v1/health", headers={"X-Request-ID": "probe-7"})
    finally:
        configure_logging(logging.WARNING, json_lines=False)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    access = [e for e in lines if e["logger"] == "api.access"]
    assert access and access[-1]["request_id"] == "probe-7"
    assert access[-1]["route"] == "/api/v1/health" and access[-1]["status"] == 200
    assert access[-1]["level"] == "info" and access[-1]["duration_ms"] >= 0


def test_json_formatter_keeps_the_traceback() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("once",), exc_info=sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed once" and entry["level"] == "error"
    assert "ValueError: bad" in entry["exception"]
