"""An accepted push never blocks a night.

Pushes go through the app as `c360 api` builds it (ingest's PushChecker injected), then the
nightly job runs with the CLI's own ingest and build steps. A push the night still refuses
(landed before pushes were checked, or by an app without the check) is quarantined with its
reason, listed in meta.ingest_run, and not retried: the night succeeds, and the next one too.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.store import add_api_key, dispose_engines
from c360.cli import run_build, run_ingest
from c360.nightly import run_nightly
from ingest.push_check import PushChecker
from kernel.connection import connect
from kernel.settings import Settings
from kernel.snapshots import current_snapshot

COMPANIES = """"Record ID","Company name","Company Domain Name","City","Postal Code","Lifecycle Stage"
"501","ACME SAS","acme.fr","Lyon","69001","customer"
"""


def _settings(root: Path) -> Settings:
    inbox = root / "inbox" / "crm"
    inbox.mkdir(parents=True)
    (inbox / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    return Settings(
        data_dir=root / "data",
        as_of="2026-11-28",
        secret_key="inbound-night-secret-key-0123456789abcdef",
        sources=[{"name": "crm", "system": "hubspot", "role": "crm", "inbox": inbox}],
    )


def _legacy_push(settings: Settings, name: str, records: list[object]) -> Path:
    """An envelope as the API landed it before pushes were checked at the door."""
    path = settings.push_dir / "crm" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    envelope = {"source": "crm", "idempotency_key": name, "received_at": "", "records": records}
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def _runs(settings: Settings) -> list[tuple[str, str, str | None]]:
    with connect(settings.staging_db, read_only=True) as con:
        return con.execute(
            "select file, status, message from meta.ingest_run order by started_at, file"
        ).fetchall()


def test_night_after_accepted_pushes_succeeds(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = add_api_key(settings, "zapier", "crm")
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings, check_push=PushChecker(settings))) as client:
        company = {"id": "502", "name": "Beta SARL", "domain": "beta.fr", "zip": "75002"}
        deal = {"id": "9001", "dealname": "Walk-in", "amount": "1234.56"}  # names no company
        for n, body in enumerate((company, deal, {}, {"foo": "bar"})):
            resp = client.post(
                "/api/v1/inbound/crm", json=body, headers={**headers, "Idempotency-Key": f"k{n}"}
            )
            assert resp.status_code == (202 if n < 2 else 422), resp.text
    dispose_engines()

    assert run_nightly(settings, run_ingest, run_build)[:2] == (True, "ok")
    snapshot = current_snapshot(settings.snapshots_dir)
    assert snapshot is not None
    with connect(snapshot, read_only=True) as con:
        names = con.execute("select name from core.customer order by name").fetchall()
        orphans = con.execute(
            "select check_name, source_id, reason, amount from core.orphan"
        ).fetchall()
    assert names == [("ACME SAS",), ("Beta SARL",)]
    assert [tuple(map(str, o)) for o in orphans] == [
        ("orphan_opportunity", "9001", "no_reference", "1234.56")
    ]
    # The next night has nothing new and succeeds again.
    assert run_nightly(settings, run_ingest, run_build)[:2] == (True, "ok")
    assert all(status in ("loaded", "skipped") for _file, status, _msg in _runs(settings))


def test_refused_push_is_quarantined_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    empty = _legacy_push(settings, "20261127T100000000000Z-aaaa.json", [{}])
    unknown = _legacy_push(settings, "20261127T100001000000Z-bbbb.json", [{"foo": "bar"}])
    good = _legacy_push(
        settings,
        "20261127T100002000000Z-cccc.json",
        [{"id": "503", "name": "Gamma", "domain": "gamma.fr"}],
    )

    assert run_nightly(settings, run_ingest, run_build)[:2] == (True, "ok")
    assert not empty.exists() and not unknown.exists() and good.exists()
    quarantine = settings.quarantine_dir / "crm"
    assert sorted(p.name for p in quarantine.iterdir()) == sorted(
        [empty.name, unknown.name, empty.name + ".reason.txt", unknown.name + ".reason.txt"]
    )
    reason = (quarantine / (empty.name + ".reason.txt")).read_text(encoding="utf-8")
    assert "1 of the 1 pushed records are empty or not JSON objects" in reason
    assert "Binder" not in reason
    unknown_reason = (quarantine / (unknown.name + ".reason.txt")).read_text(encoding="utf-8")
    assert "not recognised as a HubSpot extract" in unknown_reason
    runs = {file: (status, message) for file, status, message in _runs(settings)}
    assert runs[empty.name][0] == runs[unknown.name][0] == "quarantined"
    assert f"quarantined to quarantine/crm/{empty.name}" in (runs[empty.name][1] or "")
    assert runs[good.name] == ("loaded", None)

    # Not retried: the next night neither reads nor reports them, and succeeds.
    assert run_nightly(settings, run_ingest, run_build)[:2] == (True, "ok")
    statuses = [status for _file, status, _msg in _runs(settings)]
    assert statuses.count("quarantined") == 2
    snapshot = current_snapshot(settings.snapshots_dir)
    assert snapshot is not None
    with connect(snapshot, read_only=True) as con:
        served = con.execute(
            "select count(*) from meta.ingest_run where status = 'quarantined'"
        ).fetchone()
        names = con.execute("select name from core.customer order by name").fetchall()
    assert served == (2,)  # GET /runs lists them
    assert names == [("ACME SAS",), ("Gamma",)]


def test_latest_push_of_a_record_wins(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = add_api_key(settings, "zapier", "crm")
    with TestClient(create_app(settings, check_push=PushChecker(settings))) as client:
        for n, name in enumerate(("Beta (old name)", "Beta SARL")):
            resp = client.post(
                "/api/v1/inbound/crm",
                json={"id": "502", "name": name, "domain": "beta.fr"},
                headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"k{n}"},
            )
            assert resp.status_code == 202
    dispose_engines()

    assert run_nightly(settings, run_ingest, run_build)[:2] == (True, "ok")
    with connect(settings.staging_db, read_only=True) as con:
        names = con.execute("select name from staging.customer order by source_id").fetchall()
        counts = con.execute(
            "select rows_read, rows_loaded, rows_rejected, rows_skipped from meta.ingest_run "
            "where file like '%.json' order by file"
        ).fetchall()
        rejects = con.execute("select count(*) from meta.reject").fetchone()
    # The later push is the record's state; the earlier copy is superseded, not a reject.
    assert names == [("ACME SAS",), ("Beta SARL",)]
    assert counts == [(1, 0, 0, 1), (1, 1, 0, 0)]
    assert rejects == (0,)
