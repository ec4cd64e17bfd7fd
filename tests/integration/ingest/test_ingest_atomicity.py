"""A failing source changes nothing in staging; the landing manifest describes every file."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from ingest_fixtures import DATA, dump, staging

import ingest.pipeline as pipeline
from ingest.pipeline import ingest
from kernel.settings import Settings, SourceConfig


def _two_sources(root: Path) -> Settings:
    sources = []
    for name in ("crm_a", "crm_b"):
        inbox = root / name
        inbox.mkdir(parents=True)
        sources.append(SourceConfig(name=name, system="hubspot", role="crm", inbox=inbox))
    return Settings(data_dir=root / "data", sources=sources)


def test_a_source_that_raises_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _two_sources(tmp_path)
    a, b = (s.inbox for s in settings.sources)
    assert a is not None and b is not None
    shutil.copyfile(DATA / "companies_night1.csv", b / "companies_night1.csv")
    ingest(settings)
    before = {**dump(settings), **dump(settings, "meta")}

    # Next night: source a has a new file, source b a changed file then one that
    # makes the reader crash (not a refusal: a bug, a full disk...).
    shutil.copyfile(DATA / "companies_part1.csv", a / "companies_part1.csv")
    shutil.copyfile(DATA / "companies_night2.csv", b / "companies_night1.csv")
    shutil.copyfile(DATA / "deals_night1.csv", b / "deals_night1.csv")
    real_read = pipeline.read_file  # type: ignore[attr-defined]  # patched where it is looked up

    def crashing_read(con, path, table, **kw):  # type: ignore[no-untyped-def]
        if path.name.startswith("deals"):
            raise RuntimeError("disk on fire")
        return real_read(con, path, table, **kw)

    monkeypatch.setattr(pipeline, "read_file", crashing_read)
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest(settings)
    after = {**dump(settings), **dump(settings, "meta")}
    # Source a was committed before b failed; b's changed file left no trace.
    a_rows = [r for r in after["customer"] if r[0] == "crm_a"]
    assert len(a_rows) == 2
    failed = [r for r in after["ingest_run"] if r[4] == "failed"]
    assert [(r[1], r[2]) for r in failed] == [("crm_b", "*")]
    assert "disk on fire" in failed[0][9]
    strip = {k: [r for r in v if "crm_a" not in r and r not in failed] for k, v in after.items()}
    assert strip == before
    # The failed file was not marked as loaded: the next run loads it.
    monkeypatch.setattr(pipeline, "read_file", real_read)
    result = ingest(settings)
    assert [(o.source, o.status) for o in result.outcomes] == [
        ("crm_a", "skipped"),
        ("crm_b", "loaded"),
        ("crm_b", "loaded"),
    ]


def test_refused_file_does_not_stop_the_others(tmp_path: Path) -> None:
    settings = _two_sources(tmp_path)
    a = settings.sources[0].inbox
    assert a is not None
    shutil.copyfile(DATA / "companies_night1.csv", a / "a_companies.csv")
    (a / "b_broken.csv").write_bytes(b"")
    shutil.copyfile(DATA / "deals_night1.csv", a / "c_deals.csv")
    result = ingest(settings)
    assert [o.status for o in result.outcomes] == ["loaded", "refused", "loaded"]
    assert not result.ok
    assert [o.file for o in result.refused] == ["b_broken.csv"]
    counts = (
        staging(settings)
        .execute(
            "select (select count(*) from staging.customer), (select count(*) from staging.opportunity)"
        )
        .fetchone()
    )
    assert counts == (3, 2)


def test_manifest_lists_every_landed_file(tmp_path: Path) -> None:
    settings = _two_sources(tmp_path)
    a = settings.sources[0].inbox
    assert a is not None
    for name in ("companies_with_rejects.csv", "deals_night1.csv"):
        shutil.copyfile(DATA / name, a / name)
    (a / "empty.csv").write_bytes(b"")
    result = ingest(settings)
    folder = settings.landing_dir / "crm_a" / result.run_id
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    assert set(entries) == {"companies_with_rejects.csv", "deals_night1.csv", "empty.csv"}
    rows = {o.file: o.rows_read for o in result.outcomes}
    for name, entry in entries.items():
        landed = folder / name
        # A refused file (empty.csv) is moved from the inbox to quarantine.
        received = a / name if (a / name).exists() else settings.quarantine_dir / "crm_a" / name
        assert landed.read_bytes() == received.read_bytes()  # as received
        assert entry["sha256"] == hashlib.sha256(landed.read_bytes()).hexdigest()
        assert entry["bytes"] == landed.stat().st_size
        assert entry["rows"] == rows[name]
    assert entries["companies_with_rejects.csv"]["rows"] == 4
    assert entries["empty.csv"]["rows"] == 0
