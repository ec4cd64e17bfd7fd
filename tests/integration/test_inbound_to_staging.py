"""A push from Zapier/Make/Workato lands durably, then loads like any extract."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.store import add_api_key
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings


def test_pushed_records_reach_staging_once(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key="x" * 40,
        sources=[{"name": "crm", "system": "hubspot", "role": "crm"}],
    )
    key = add_api_key(settings, "zapier", "crm")
    client = TestClient(create_app(settings))
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "zap-1"}
    records = [
        {
            "id": "9001",
            "name": "Dupont SARL",
            "domain": "dupont.fr",
            "siret": "73282932000074",
            "zip": "69003",
            "city": "Lyon",
            "lifecyclestage": "customer",
        },
        {"id": "9002", "name": '=HYPERLINK("http://x")', "domain": "evil.example"},
    ]
    first = client.post("/api/v1/inbound/crm", json=records, headers=headers)
    assert first.status_code == 202, first.text
    replay = client.post("/api/v1/inbound/crm", json=records, headers=headers)
    assert (replay.status_code, replay.json()) == (202, first.json())
    form = client.post(
        "/api/v1/inbound/crm",
        data={"id": "9003", "name": "Form Co", "domain": "form.example", "address__city": "Nantes"},
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "zap-2"},
    )
    assert form.status_code == 202, form.text

    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    con = connect(settings.staging_db, read_only=True)
    rows = con.execute(
        "select source_id, name, siret, siret_valid, city from staging.customer order by source_id"
    ).fetchall()
    assert rows == [
        ("9001", "Dupont SARL", "73282932000074", True, "Lyon"),
        ("9002", '=HYPERLINK("http://x")', None, None, None),
        ("9003", "Form Co", None, None, None),
    ]
    con.close()
    # Pushes are incremental: a second night with nothing new deletes nothing.
    again = ingest(settings)
    assert again.ok
    con = connect(settings.staging_db, read_only=True)
    deleted = con.execute("select count(*) from staging.customer where is_deleted").fetchone()
    assert deleted == (0,)
