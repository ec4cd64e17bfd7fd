"""A push checked at the door with the night's own rules (POST /inbound/{source}).

The records are read exactly as the night will read the landed envelope (the JSON reader),
recognised with the source's profile (`classify`) and typed by the same query
(`type_rows`). What the night would refuse or reject — records of no known object, missing
required fields, values that do not read, an id repeated in the push, a nested object
where the profile maps a single value — is answered at once as a reason, so an accepted
push always loads. The composition root builds one `PushChecker` and hands it to the API
(the API does not import ingest).
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

import duckdb

from ingest import systems, transform, validate
from ingest.pipeline import FILE_TABLE, bound_values, classify, type_rows
from ingest.profile import Profile, ProfileError, load_profile
from ingest.readers import UnreadableFile, read_file
from ingest.readers.json_reader import PUSH_ENVELOPE
from kernel.connection import init_staging
from kernel.settings import Settings

logger = logging.getLogger(__name__)

SHOWN = 5  # problems quoted in one answer
PART = "_push_check"


class PushChecker:
    """`checker(source, records, object)` → None when the night will load every record,
    else one sentence saying what is wrong (for a 422)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()  # one DuckDB connection, one check at a time
        self._con: duckdb.DuckDBPyConnection | None = None

    def __call__(
        self, source: str, records: list[dict[str, Any]], object_name: str | None = None
    ) -> str | None:
        config = next((s for s in self._settings.sources if s.name == source), None)
        if config is None:
            return f"Unknown source {source!r}: it is not configured in c360.toml."
        try:
            profile = load_profile(config.system).with_overrides(config.columns)
        except ProfileError as exc:
            return f"The source {source!r} cannot take pushes: {exc}."
        with self._lock:
            try:
                try:
                    return self._check(source, profile, records, object_name)
                finally:
                    if self._con is not None:  # the push's rows are not kept between checks
                        self._con.execute(f"drop table if exists {FILE_TABLE}").fetchall()
            except duckdb.Error:
                # Engine text is for the log, not for the caller.
                logger.exception("push check for %s failed", source)
                self._reset()
                return (
                    "The records cannot be read as one table: give every record the same "
                    "fields, each holding text, a number, true/false or null."
                )

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            con = duckdb.connect()
            init_staging(con)
            con.execute(transform.parse_macros())
            systems.register_functions(con)
            self._con = con
        return self._con

    def _reset(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _check(
        self,
        source: str,
        profile: Profile,
        records: list[dict[str, Any]],
        object_name: str | None,
    ) -> str | None:
        con = self._connection()
        # Re-registering functions needs no pending result from the last check's statements.
        con.execute("select 1").fetchall()
        validate.register(con, profile.read.default_country)
        work = self._settings.work_dir
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work, prefix="push-check-") as folder:
            path = Path(folder) / "push.json"
            # The envelope the API lands, so the reader takes the night's very path.
            envelope = dict.fromkeys(PUSH_ENVELOPE, "") | {"records": records}
            path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
            try:
                read = read_file(con, path, FILE_TABLE, work_dir=Path(folder))
            except UnreadableFile:
                logger.warning("push to %s not readable", source, exc_info=True)
                return "The records cannot be read as one table of fields."
        plan = classify(profile, read.columns, "The records", every_header=True)
        if plan.refusal:
            return plan.refusal
        objects = [o for o in plan.objects if not o.derived]
        names = [o.name for o in objects]
        if object_name is not None and object_name not in names:
            return (
                f"The records look like {' and '.join(names)}, not {object_name}: "
                "check the `object` parameter or the fields sent."
            )
        problems: list[str] = []
        for obj in objects:
            mapped = [
                pick[1]
                for spec in obj.fields.values()
                if (pick := spec.pick(plan.header)) is not None and pick[0] == "column"
            ]
            problems += _nested_values(records, mapped)
            values = bound_values(self._settings, source, "push-check", path.name, obj.name)
            type_rows(con, profile, obj, plan.header, values, PART)
            try:
                problems += _row_problems(con, obj.dedupe == "reject")
            finally:
                con.execute(f"drop table if exists {PART}")
        if not problems:
            return None
        more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        return "Refused, nothing was landed: " + "; ".join(problems[:SHOWN]) + more + "."


def _nested_values(records: list[dict[str, Any]], mapped: list[str]) -> list[str]:
    # A list or an object where the profile maps one value would load as JSON text.
    out = []
    for i, record in enumerate(records, 1):
        for column in mapped:
            value = record.get(column)
            if isinstance(value, dict | list):
                kind = "an object" if isinstance(value, dict) else "a list"
                out.append(f"record {i}: {column} is {kind}, expected a single value")
    return out


def _row_problems(con: duckdb.DuckDBPyConnection, unique_ids: bool) -> list[str]:
    rows = con.execute(
        f"select _line, _problems from {PART} where _problems <> '' order by _line limit ?",
        [SHOWN + 1],
    ).fetchall()
    out = [f"record {line}: {problem}" for line, problem in rows]
    if unique_ids:
        repeats = con.execute(
            f"""select source_id, list(_line order by _line) from {PART}
                where _problems = '' and source_id is not null
                group by source_id having count(*) > 1 order by min(_line) limit ?""",
            [SHOWN + 1],
        ).fetchall()
        out += [
            f"records {', '.join(map(str, lines))} repeat the id {source_id}"
            for source_id, lines in repeats
        ]
    return out
