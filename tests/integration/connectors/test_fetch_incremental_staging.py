"""Incremental API reads into staging: the margin's overlap merges idempotently, and a
record archived in HubSpot lands as deleted (the HubSpot profile maps `archived`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from connector_harness import Harness
from fakes_common import BASE

from ingest.fetch import fetch_sources, load_watermark, save_watermark
from ingest.pipeline import inbox_files, ingest
from kernel.connection import connect
from kernel.settings import Settings


def _settings(tmp_path: Path, h: Harness) -> Settings:
    # The CRM objects only: the relationship objects' own increments are tested in
    # test_hubspot_relationship.py (their stamps come after the companies').
    objects = ["companies", "contacts", "deals"]
    api = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults, "objects": objects}
    return Settings(
        data_dir=tmp_path / "data",
        sources=[
            {"name": "crm", "system": h.system, "role": "crm", "api": api, "extract": "incremental"}
        ],
    )


def _night(settings: Settings, h: Harness) -> None:
    fetched = fetch_sources(settings, env={h.token_env: h.fake.token})
    assert not fetched.errors
    result = ingest(
        settings, files_for=lambda s: inbox_files(s, settings) + fetched.files.get(s.name, [])
    )
    assert result.ok, [o.message for o in result.refused]
    save_watermark(settings, "crm", fetched.watermarks["crm"])


def _customers(settings: Settings) -> tuple[int, int, int]:
    con = connect(settings.staging_db, read_only=True)
    try:
        row = con.execute(
            "select count(*), count(distinct source_id), count(*) filter (where is_deleted) "
            "from staging.customer"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return row


def test_overlap_is_idempotent_and_archives_land_as_deleted(
    tmp_path: Path, hubspot: Harness
) -> None:
    settings = _settings(tmp_path, hubspot)
    _night(settings, hubspot)  # first night: no watermark yet, a full read
    assert _customers(settings) == (250, 250, 0)
    first = load_watermark(settings, "crm")
    assert first == BASE + timedelta(minutes=249)
    # Second night: nothing changed; the margin re-reads the last 10 minutes.
    _night(settings, hubspot)
    assert _customers(settings) == (250, 250, 0)
    # Third night: one company archived, one edited.
    hubspot.fake.archive("companies", "1100", minutes=300)
    hubspot.fake.edit("companies", "1200", minutes=301, name="Renamed SAS")
    _night(settings, hubspot)
    assert _customers(settings) == (250, 250, 1)
    con = connect(settings.staging_db, read_only=True)
    try:
        names = dict(
            con.execute(
                "select source_id, name from staging.customer where source_id in ('1100', '1200')"
            ).fetchall()
        )
        deleted = con.execute("select source_id from staging.customer where is_deleted").fetchall()
    finally:
        con.close()
    assert names["1200"] == "Renamed SAS"
    assert deleted == [("1100",)]
