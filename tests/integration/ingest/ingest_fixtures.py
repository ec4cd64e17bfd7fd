"""Helpers of the ingest integration tests: settings over a temp folder, one source per system."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse.settings import Settings, SourceConfig

ROLES = {"hubspot": "crm", "odoo": "erp", "fec": "accounting", "generic": "erp"}


def make_settings(root: Path, system: str, *, name: str = "src", inbox: Path | None = None) -> Settings:
    """Settings with one source of `system` whose inbox is root/inbox (created)."""
    inbox = inbox or root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    source = SourceConfig(name=name, system=system, role=ROLES[system], inbox=inbox)
    return Settings(data_dir=root / "data", sources=[source])


def drop(settings: Settings, *files: Path, source: int = 0) -> None:
    """Copy files into the inbox of a source (replacing what was there)."""
    inbox = settings.sources[source].inbox
    assert inbox is not None
    for f in files:
        shutil.copyfile(f, inbox / f.name)


def staging(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach '{settings.staging_db}' as wh (read_only)")
    con.execute("use wh")
    return con
