"""`c360 sources check` proves each API connection in one line (token obtained, one read)."""

from __future__ import annotations

from pathlib import Path

import pytest
from connector_harness import Harness
from rich.console import Console

from ingest.check import check_sources
from kernel.settings import Settings


def _settings(tmp_path: Path, h: Harness) -> Settings:
    api = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults}
    return Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "crm", "system": h.system, "role": "crm", "api": api}],
    )


def test_sources_check_proves_the_connection(
    tmp_path: Path, hubspot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(hubspot.token_env, hubspot.fake.token)
    console = Console(record=True, width=200)
    assert check_sources(_settings(tmp_path, hubspot), console) == 0
    lines = [ln for ln in console.export_text().splitlines() if ln.startswith("crm: ")]
    assert lines == [
        "crm: HubSpot reached with token auth; companies readable (1 record(s) on the first page)"
    ]


def test_sources_check_reports_a_refused_token(
    tmp_path: Path, hubspot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(hubspot.token_env, "pat-na1-revoked")
    console = Console(record=True, width=300)
    assert check_sources(_settings(tmp_path, hubspot), console) == 1
    text = console.export_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("crm: "))
    assert "HubSpot refused the token in HUBSPOT_TOKEN (401)" in line
    assert "pat-na1-revoked" not in text
