"""Erasure of a contact person (a data subject's request) and its suppression at ingest.

`erase` removes the person, named by e-mail (case-insensitive) or phone, from:
- staging: their `staging.contact` rows go; activities and tickets linked to them stay
  (company history) but lose the link and their free text;
- the raw layer and landing: the landed files their rows came from are rewritten without
  those lines (the raw layer reads such a file again and numbers its physical lines as
  staging did, so `_line` is where the record starts; a record whose quoted cells hold line
  breaks goes with all its lines, up to the next record's) and their manifest entry gets
  the new checksum, size and row count; a file left with no record, or one not stored
  line by line (spreadsheet, JSON, a CSV with refused rows: the raw layer copied its
  rows), is deleted, and the copied raw rows go too. The checksum of the file as
  received stays in `meta.landed_file`, so that very file sent again is still skipped;
- rejected rows: `meta.reject.raw` naming the address is blanked (the reject and its
  reason stay, so rows read = loaded + rejected + skipped still holds).
Invoices, payments and ledger lines are company records under legal retention: never
touched. The erasure is recorded in `meta.erasure`, its pseudonymous keys (sha256, never
the address) in `meta.erasure_key`; `suppress` applies them after every source's merge, so
an old extract loaded again is erased again. The snapshot is rebuilt by the caller.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import raw_store
from ingest.landing import MANIFEST, new_run_id, sha256_of
from ingest.sqlfiles import sql
from kernel.connection import rollback
from kernel.settings import Settings
from kernel.sqlfiles import bind, statements
from kernel.sqlquote import quote_ident


@dataclass
class Erasure:
    contacts: int = 0
    activities: int = 0
    landed_files: list[str] = field(default_factory=list)
    # source name -> the person's record ids in that system (it still holds them)
    held_by: dict[str, list[str]] = field(default_factory=dict)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> list[int]:
    """Each statement of ingest/sql/privacy/<name>.sql; the rows each changed."""
    counts: list[int] = []
    for statement in statements(sql(f"privacy/{name}")):
        con.execute(statement, bind(statement, params))
        row = (
            con.fetchone() if statement.lstrip().lower().startswith(("update", "delete")) else None
        )
        counts.append(int(row[0]) if row else 0)
    return counts


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """The erasure tables and the key macros (temp macros: once per connection)."""
    _run(con, "erasure", {})


def suppress(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[tuple[str, str, str], int]:
    """Apply the suppression list to staging, the raw layer and landing; the contact rows
    removed per (source, run, file). Runs inside the caller's transaction."""
    prepare(con)
    if not con.execute("select count(*) from meta.erasure_key").fetchone()[0]:  # type: ignore[index]
        return {}
    _run(con, "suppress", {})
    _scrub(con, settings)
    removed = con.execute(
        "select source, _run_id, _file, count(*) from _erased_rows group by all"
    ).fetchall()
    return {(s, r, f): int(n) for s, r, f, n in removed}


def _activities_of(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(
        """select (select count(*) from staging.activity a join _erased_contact c
                     on a.source = c.source and a.contact_source_id = c.source_id)
                + (select count(*) from staging.ticket t join _erased_contact c
                     on t.source = c.source and t.contact_source_id = c.source_id)"""
    ).fetchone()
    return int(row[0]) if row else 0


def erase(
    con: duckdb.DuckDBPyConnection, settings: Settings, email: str | None, phone: str | None
) -> Erasure:
    """Erase the person from staging, the raw layer and landing, in one transaction."""
    prepare(con)
    params: dict[str, object] = {"email": email, "phone": phone}
    text = sql("privacy/erase_match")
    con.execute(
        f"create or replace temp table _erased_contact as {text.rstrip().rstrip(';')}",
        bind(text, params),
    )
    result = Erasure()
    for source, source_id in con.execute(
        "select source, source_id from _erased_contact order by all"
    ).fetchall():
        result.held_by.setdefault(source, []).append(source_id)
    con.execute("begin transaction")
    try:
        result.activities = _activities_of(con)
        _run(con, "erase_keys", params)
        _run(con, "suppress", {})
        result.contacts = int(con.execute("select count(*) from _erased_rows").fetchone()[0])  # type: ignore[index]
        result.landed_files = _scrub(con, settings)
        if email:
            _run(con, "redact_rejects", params)
        erasure_id = new_run_id()
        for kind, value in (("email", email), ("phone", phone)):
            if value:
                con.execute(
                    """insert into meta.erasure
                       select ?, ?, ?,
                              erasure_hash(?, case ? when 'email' then erasure_email(?)
                                                     else erasure_phone(?) end),
                              ?, ?, ?, ?""",
                    [
                        erasure_id,
                        datetime.now(UTC).replace(tzinfo=None),
                        kind,
                        kind,
                        kind,
                        value,
                        value,
                        result.contacts,
                        result.activities,
                        len(result.landed_files),
                        ", ".join(sorted(result.held_by)) or None,
                    ],
                )
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return result


def _scrub(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Remove the lines of `_erased_rows` from the raw layer and the landed files; the
    landed files changed (source/run/file)."""
    con.execute(raw_store.RAW_FILE_DDL)
    files = con.execute(
        """select e.source, e._run_id, e._file, list(distinct e._line order by e._line),
                  any_value(r.path), any_value(r.scan) filter (where r.numbered)
           from _erased_rows e left join meta.raw_file r
             on r.source = e.source and r.run_id = e._run_id and r.file = e._file
                and r.object = 'contact'
           group by all order by all"""
    ).fetchall()
    changed: list[str] = []
    sources: set[str] = set()
    for source, run_id, file, lines, read_path, numbered_scan in files:
        sources.add(source)
        rows_table = f"{source}__contact__rows"
        if con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?",
            [rows_table],
        ).fetchone()[0]:  # type: ignore[index]
            con.execute(
                f"delete from raw.{quote_ident(rows_table)} where _run_id = ? and _file = ? "
                "and list_contains(?, _line)",
                [run_id, file, lines],
            )
        landed = settings.landing_run_dir(source, run_id) / file
        if not landed.exists():
            continue  # pruned by the landing retention, or already erased
        copies = [landed] + ([Path(read_path)] if read_path and Path(read_path) != landed else [])
        if numbered_scan:
            drop, drop_from, records = _record_lines(con, numbered_scan, lines)
            _rewrite(copies, drop, drop_from)
            kept = records - len(lines)
        else:
            kept = _rewrite(copies, set(lines)) if read_path else 0
        if kept == 0:
            for path in copies:
                path.unlink(missing_ok=True)
            con.execute(
                "delete from meta.raw_file where source = ? and run_id = ? and file = ?",
                [source, run_id, file],
            )
        _update_manifest(landed, kept)
        changed.append(f"{source}/{run_id}/{file}")
    for source in sorted(sources):
        for (obj,) in con.execute(
            "select distinct object from meta.raw_file where source = ? union select 'contact'",
            [source],
        ).fetchall():
            raw_store.refresh_view(con, source, obj)
    return changed


def _record_lines(
    con: duckdb.DuckDBPyConnection, scan: str, lines: list[int]
) -> tuple[set[int], int | None, int]:
    """In a file whose records span lines (its raw view numbers them: `scan`), every
    physical line of the records starting at `lines`: a record runs to the line before the
    next one's; the last one to the end of the file (from the line returned second). Also
    the records the file holds."""
    row = con.execute(
        f"""
        with numbered as (
            select _line, lead(_line) over (order by _line) as next_line,
                   count(*) over () as records
            from {scan}
        ),
        erased as (select * from numbered where list_contains($lines, _line))
        select (select flatten(list(range(_line, next_line))) from erased
                where next_line is not null),
               (select min(_line) from erased where next_line is null),
               (select max(records) from numbered)
        """,
        {"lines": lines},
    ).fetchone()
    assert row is not None
    return set(row[0] or ()), row[1], int(row[2] or 0)


def _rewrite(paths: list[Path], drop: set[int], drop_from: int | None = None) -> int:
    """Rewrite each file without the physical lines in `drop` (1 = the header), nor those
    from `drop_from` on; the data lines left. The lines are streamed: the file is never
    held in memory."""
    kept = 0
    for path in paths:
        tmp = path.with_name(f".{path.name}.erase")
        kept = 0
        with path.open("rb") as fin, open(tmp, "wb") as fout:
            for number, line in enumerate(fin, start=1):
                if number in drop or (drop_from is not None and number >= drop_from):
                    continue
                if number > 1 and line.strip():
                    kept += 1
                fout.write(line)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, path)
    return kept


def _update_manifest(landed: Path, kept: int) -> None:
    """The run's manifest describes what landing holds now: the new checksum and size of
    a rewritten file, no entry for a deleted one."""
    manifest = landed.parent / MANIFEST
    if not manifest.exists():
        return
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    entries = []
    for entry in doc.get("files", []):
        if entry.get("path") == landed.name:
            if not landed.exists():
                continue
            entry.update(sha256=sha256_of(landed), bytes=landed.stat().st_size, rows=kept)
            entry["erased"] = True
        entries.append(entry)
    doc["files"] = entries
    tmp = landed.parent / f".{MANIFEST}.part"
    tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    os.replace(tmp, manifest)
