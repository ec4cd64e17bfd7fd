"""Re-running is harmless; full extracts delete by absence; pushes upsert (DESIGN.md rules)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest_fixtures import DATA, customers, dump, inbox_of, make_settings, staging

from ingest.pipeline import ingest
from kernel.settings import Settings


def _night(settings: Settings, *names: str) -> None:
    """Replace the inbox content with the given files of tests/data/ingest/."""
    inbox = inbox_of(settings)
    for old in inbox.iterdir():
        old.unlink()
    for name in names:
        shutil.copyfile(DATA / name, inbox / name)


def test_same_night_twice_changes_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_with_rejects.csv", "deals_night1.csv")
    first = ingest(settings)
    assert {o.status for o in first.outcomes} == {"loaded"}
    before = {**dump(settings), **dump(settings, "raw")}
    rejects = staging(settings).execute("select count(*) from meta.reject").fetchone()
    second = ingest(settings)
    assert [o.status for o in second.outcomes] == ["skipped", "skipped"]
    assert all("same checksum" in (o.message or "") for o in second.outcomes)
    assert second.ok
    assert {**dump(settings), **dump(settings, "raw")} == before
    assert staging(settings).execute("select count(*) from meta.reject").fetchone() == rejects


def test_changed_file_is_reloaded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_night1.csv")
    ingest(settings)
    inbox = inbox_of(settings)
    target = inbox / "companies_night1.csv"
    target.write_text(target.read_text().replace("Gamma", "Gamma SAS"), encoding="utf-8")
    result = ingest(settings)
    assert [o.status for o in result.outcomes] == ["loaded"]
    assert customers(settings)["3"] == ("Gamma SAS", False)


def test_full_extract_marks_missing_records_deleted_and_restores_them(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_night1.csv")
    ingest(settings)
    _night(settings, "companies_night2.csv")
    ingest(settings)
    after = customers(settings)
    assert after["2"] == ("Beta", True)  # kept, flagged: nothing is lost
    assert after["3"] == ("Gamma SA", False)
    assert after["1"] == ("Alpha", False)
    # Night 3 sends night 1's bytes again: a newer extract was loaded since, so this is
    # not a re-run but the current state, and record 2 comes back.
    _night(settings, "companies_night1.csv")
    result = ingest(settings)
    assert [o.status for o in result.outcomes] == ["loaded"]
    assert customers(settings)["2"] == ("Beta", False)
    assert customers(settings)["3"] == ("Gamma", False)
    # And the night after, the same file again is a plain re-run: skipped.
    assert [o.status for o in ingest(settings).outcomes] == ["skipped"]


def test_split_extract_is_one_extract(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_part1.csv", "companies_part2.csv")
    first = ingest(settings)
    assert [o.rows_loaded for o in first.outcomes] == [2, 2]
    assert all(not deleted for _, deleted in customers(settings).values())
    # Next night part 1 changed and part 2 did not: part 2 is still part of the
    # extract, so its records must not be deleted (it is read again, not skipped).
    inbox = inbox_of(settings)
    (inbox / "companies_part1.csv").write_text(
        '"Record ID","Company name","City","Create Date"\n"1","Alpha","Lyon","2026-01-05 10:00"\n',
        encoding="utf-8",
    )
    second = ingest(settings)
    assert [o.status for o in second.outcomes] == ["loaded", "loaded"]
    state = customers(settings)
    assert state["2"] == ("Beta", True)  # missing from every part
    assert not state["3"][1] and not state["4"][1]
    # Both parts unchanged the next night: a plain re-run, nothing read again.
    assert [o.status for o in ingest(settings).outcomes] == ["skipped", "skipped"]


def test_refused_part_holds_deletions(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_part1.csv", "companies_part2.csv")
    ingest(settings)
    inbox = inbox_of(settings)
    (inbox / "companies_part2.csv").write_bytes(
        (DATA / "companies_part2.csv").read_bytes()[:-12]  # cut: a truncated part
    )
    (inbox / "companies_part1.csv").write_text(
        (DATA / "companies_part1.csv").read_text().replace("Beta", "Beta2"), encoding="utf-8"
    )
    result = ingest(settings)
    assert [o.status for o in result.outcomes] == ["loaded", "refused"]
    assert "deletions not applied" in (result.outcomes[0].message or "")
    state = customers(settings)
    assert state["2"] == ("Beta2", False)
    assert not state["3"][1] and not state["4"][1]


def test_incremental_push_upserts_without_deleting(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot")
    _night(settings, "companies_night1.csv")
    ingest(settings)
    pushed = settings.data_dir / "inbox_push" / "src"
    pushed.mkdir(parents=True)
    shutil.copyfile(DATA / "push_companies.json", pushed / "push_companies.json")
    result = ingest(settings)
    loaded = [o for o in result.outcomes if o.status == "loaded"]
    assert [(o.file, o.extract_kind, o.rows_loaded) for o in loaded] == [
        ("push_companies.json", "incremental", 2)
    ]
    state = customers(settings)
    assert state == {
        "1": ("Alpha", False),
        "2": ("Beta pushed", False),
        "3": ("Gamma", False),
        "9": ("Iota", False),
    }
    kinds = (
        staging(settings)
        .execute(
            "select distinct extract_kind from meta.ingest_run where status = 'loaded' order by 1"
        )
        .fetchall()
    )
    assert kinds == [("full",), ("incremental",)]
