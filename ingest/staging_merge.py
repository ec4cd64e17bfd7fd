"""Merging one run's typed rows of an object into staging, set-based.

A full extract (all files of one object from one source in one run) replaces the
source's state: a record missing from every file becomes `is_deleted`, never silently
lost. An incremental extract (API watermark, iPaaS push) upserts. A source_id repeated
inside one extract is a reject ("duplicate") unless the profile says the repetition is
expected (FEC customers repeat on every line: keep the last). A record found in an
incremental file (a push, an API page) and in other files of the run is taken from the
latest incremental file by name (pushes are named by time); its other copies are
superseded, counted as skipped. A deleted row of a record staging knows (an archived
HubSpot record, a Dynamics tombstone) only sets its `is_deleted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ingest import run_ledger
from kernel.sqlquote import quote_ident


@dataclass
class Dropped:
    """Rows not kept, per file: ids repeated inside one extract (rejects, or folded when
    the profile expects repetition), and older copies replaced by a later incremental file."""

    repeated: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, int] = field(default_factory=dict)


def merge_object(
    con: duckdb.DuckDBPyConnection,
    source: str,
    obj: str,
    run_id: str,
    kind: str,
    dedupe: str,
    source_object: str,
    newer: list[str] | None = None,
) -> Dropped:
    """Merge `_run_<obj>` into staging; returns the rows not kept, per file. `newer`: the
    run's incremental files, whose copy of a record supersedes the others."""
    run_table = f"_run_{obj}"
    target = f"staging.{quote_ident(obj)}"
    repeated = con.execute(
        f"select count(*) - count(distinct source_id) from {run_table}"
    ).fetchone()
    if repeated and repeated[0]:
        dupes = _drop_repeats(
            con, run_table, run_id, source, obj, dedupe, source_object, newer or []
        )
        keep_table = "_keep"
    else:
        # The usual extract has each id once: no ranking, no copy.
        dupes, keep_table = Dropped(), run_table
    row = con.execute(f"select count(*) from {target} where source = ?", [source]).fetchone()
    known = bool(row and row[0])  # on a first load there is nothing to mark or replace
    if known and kind == "full":
        con.execute(
            f"""update {target} set is_deleted = true
                where source = ? and not is_deleted
                  and source_id not in (select source_id from {keep_table})""",
            [source],
        )
    # In an incremental extract, the deletion of a known record flags it and keeps its
    # last values: a tombstone (Dynamics `$deletedEntity`) carries only the id.
    flag_only = known and kind == "incremental"
    if flag_only:
        con.execute(
            f"""update {target} t set is_deleted = true, _run_id = k._run_id,
                       _file = k._file, _line = k._line
                from {keep_table} k
                where t.source = ? and t.source_id = k.source_id and k.is_deleted""",
            [source],
        )
    replaced = "where not is_deleted" if flag_only else ""
    if known:
        con.execute(
            f"delete from {target} where source = ? "
            f"and source_id in (select source_id from {keep_table} {replaced})",
            [source],
        )
    # After the delete, the only ids of this source left in staging that the extract
    # holds are the flagged ones: they are not inserted again.
    if known:
        con.execute(
            f"""insert into {target} by name select * from {keep_table}
                where source_id not in (select source_id from {target} where source = ?)""",
            [source],
        )
    else:
        con.execute(f"insert into {target} by name select * from {keep_table}")
    con.execute(f"drop view if exists {run_table}")
    for t in ("_ranked", "_keep"):
        con.execute(f"drop table if exists {t}")
    return dupes


def _drop_repeats(
    con: duckdb.DuckDBPyConnection,
    run_table: str,
    run_id: str,
    source: str,
    obj: str,
    dedupe: str,
    source_object: str,
    newer: list[str],
) -> Dropped:
    """Fill _keep with one row per source_id; reject, fold or supersede the repeats.

    `newer` are the run's incremental files (pushes, API pages): they come after the full
    extract, the latest by name first, and a copy of a record in another file than the kept
    one is superseded rather than a duplicate when either file is incremental."""
    con.execute(
        f"""
        create or replace temp table _ranked as
        with flagged as (
            select *, list_contains($newer, _file) as _incr from {run_table}
        )
        select *,
               row_number() over w as _rk,
               count(*) over (partition by source_id) as _n,
               first_value(_file) over w as _first_file,
               first_value(_line) over w as _first_line,
               first_value(_incr) over w as _first_incr
        from flagged
        window w as (partition by source_id
                     order by _incr desc, case when _incr then _file end desc, _file, _line
                     rows between unbounded preceding and unbounded following)
        """,
        {"newer": newer},
    )
    extra = '{"_rk": null, "_n": null, "_first_file": null, "_first_line": null, ' + (
        '"_incr": null, "_first_incr": null}'
    )
    # A repeat inside one file, or across the parts of one full extract, is a duplicate.
    duplicate = "_file = _first_file or not (_incr or _first_incr)"
    if dedupe == "reject":
        run_ledger.add_rejects(
            con,
            f"""
            select $run_id, $source, r._file, $object, r._line,
                   cast(json_merge_patch(to_json(r), $extra) as varchar),
                   'duplicate ' || $source_object || ' id ' || r.source_id
                   || ': already on line ' || r._first_line || ' of ' || r._first_file
            from _ranked r
            where r._rk > 1 and ({duplicate})
            """,
            {
                "run_id": run_id,
                "source": source,
                "object": obj,
                "source_object": source_object,
                "extra": extra,
            },
        )
        keep, superseded = "_rk = 1", f"not ({duplicate})"
    else:
        keep, superseded = "_rk = _n", "false"
    dropped = Dropped()
    for file, older, count in con.execute(
        f"select _file, {superseded}, count(*) from _ranked where not ({keep}) group by all"
    ).fetchall():
        (dropped.superseded if older else dropped.repeated)[file] = count
    con.execute(
        f"create or replace temp table _keep as select * exclude "
        f"(_rk, _n, _first_file, _first_line, _incr, _first_incr) from _ranked where {keep}"
    )
    return dropped
