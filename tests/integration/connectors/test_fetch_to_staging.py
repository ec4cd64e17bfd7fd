"""API pages go through landing and typing like any extract: fake vendor → staging."""

from __future__ import annotations

from pathlib import Path

from connector_harness import Harness

from ingest.fetch import fetch_sources, load_watermark, save_watermark
from ingest.pipeline import inbox_files, ingest
from kernel.connection import connect
from kernel.settings import Settings


def _settings(tmp_path: Path, h: Harness, **api: object) -> Settings:
    api_cfg = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults, **api}
    return Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "crm", "system": h.system, "role": "crm", "api": api_cfg}],
    )


def _ingest_fetched(settings: Settings, h: Harness) -> None:
    fetched = fetch_sources(settings, env={h.token_env: h.fake.token})
    assert not fetched.errors
    result = ingest(
        settings,
        files_for=lambda s: inbox_files(s, settings) + fetched.files.get(s.name, []),
    )
    assert result.ok, [o.message for o in result.refused]


def test_hubspot_api_pages_land_in_staging(tmp_path: Path, hubspot: Harness) -> None:
    settings = _settings(tmp_path, hubspot)
    _ingest_fetched(settings, hubspot)
    con = connect(settings.staging_db, read_only=True)
    companies = con.execute(
        "select count(*), count(distinct source_id), min(name) from staging.customer"
    ).fetchone()
    assert companies == (250, 250, "Company 0")
    contacts = con.execute(
        "select count(*), count(customer_source_id) from staging.contact"
    ).fetchone()
    assert contacts == (120, 120)
    deals = con.execute("select count(*) from staging.opportunity").fetchone()
    assert deals == (45,)
    landed = list((settings.landing_dir / "crm").rglob("page-*.json"))
    assert landed, "API pages must be landed like files"


def test_watermark_round_trip(tmp_path: Path, hubspot: Harness) -> None:
    settings = _settings(tmp_path, hubspot)
    assert load_watermark(settings, "crm") is None
    fetched = fetch_sources(settings, env={hubspot.token_env: hubspot.fake.token})
    save_watermark(settings, "crm", fetched.watermarks["crm"])
    assert load_watermark(settings, "crm") == fetched.watermarks["crm"]


def test_a_refused_token_is_reported_not_fatal(tmp_path: Path, hubspot: Harness) -> None:
    settings = _settings(tmp_path, hubspot)
    fetched = fetch_sources(settings, env={hubspot.token_env: "wrong"})
    assert "crm" in fetched.errors and "401" in fetched.errors["crm"]
    assert fetched.files == {}
