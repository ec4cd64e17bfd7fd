"""Merging one run's typed rows of an object into staging, set-based.

A full extract (all files of one object from one source in one run) replaces the
source's state: a record missing from every file becomes `is_deleted`, never silently
lost. An incremental extract (API watermark, iPaaS push) upserts. A source_id repeated
inside one extract is a reject ("duplicate") unless the profile says the repetition is
expected (FEC customers repeat on every line: keep the last).
"""

from __future__ import annotations

import duckdb

from ingest.profile import quote_ident


def merge_object(
    con: duckdb.DuckDBPyConnection,
    source: str,
    obj: str,
    run_id: str,
    kind: str,
    dedupe: str,
    source_object: str,
) -> dict[str, int]:
    """Returns, per file, the rows not kept because their source_id repeats in the extract."""
    run_table = f"_run_{obj}"
    target = f"staging.{quote_ident(obj)}"
    repeated = con.execute(
        f"select count(*) - count(distinct source_id) from {run_table}"
    ).fetchone()
    if repeated and repeated[0]:
        dupes = _drop_repeats(con, run_table, run_id, source, obj, dedupe, source_object)
        keep_table = "_keep"
    else:
        # The usual extract has each id once: no ranking, no copy.
        dupes, keep_table = {}, run_table
    known = con.execute(f"select count(*) from {target} where source = ?", [source]).fetchone()
    if known and known[0]:  # on a first load there is nothing to mark deleted or replace
        if kind == "full":
            con.execute(
                f"""update {target} set is_deleted = true
                    where source = ? and not is_deleted
                      and source_id not in (select source_id from {keep_table})""",
                [source],
            )
        con.execute(
            f"delete from {target} where source = ? "
            f"and source_id in (select source_id from {keep_table})",
            [source],
        )
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
) -> dict[str, int]:
    """Fill _keep with one row per source_id; reject or drop the repeats."""
    con.execute(
        f"""
        create or replace temp table _ranked as
        select *,
               row_number() over w as _rk,
               count(*) over (partition by source_id) as _n,
               first_value(_file) over w as _first_file,
               first_value(_line) over w as _first_line
        from {run_table}
        window w as (partition by source_id order by _file, _line
                     rows between unbounded preceding and unbounded following)
        """
    )
    if dedupe == "reject":
        con.execute(
            """
            insert into meta.reject
            select $run_id, $source, r._file, $object, r._line,
                   cast(json_merge_patch(to_json(r),
                        '{"_rk": null, "_n": null, "_first_file": null, "_first_line": null}')
                        as varchar),
                   'duplicate ' || $source_object || ' id ' || r.source_id
                   || ': already on line ' || r._first_line || ' of ' || r._first_file
            from _ranked r
            where r._rk > 1
            """,
            {"run_id": run_id, "source": source, "object": obj, "source_object": source_object},
        )
        keep = "_rk = 1"
    else:
        keep = "_rk = _n"
    dupes = dict(
        con.execute(
            f"select _file, count(*) from _ranked where not ({keep}) group by _file"
        ).fetchall()
    )
    con.execute(
        f"create or replace temp table _keep as "
        f"select * exclude (_rk, _n, _first_file, _first_line) from _ranked where {keep}"
    )
    return dupes
