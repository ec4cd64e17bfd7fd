"""The ingest run: land → read → raw.* → typed staging.* with every reject kept.

One source at a time, in two steps. First each file is read and typed on its own, into
temp tables, outside any transaction: a file DuckDB cannot read or type is refused
(status 'refused', one line naming it and why) and the source's other files go on,
because in DuckDB a failed statement aborts the whole transaction it runs in (there is
no SAVEPOINT). Then one transaction writes what the files gave (raw.*, meta.reject, the
merge into staging.*, meta.ingest_run), so a failure there leaves staging as it was.
Per file and object, `meta.ingest_run` records rows read, loaded, rejected and skipped
(out of the object's scope, e.g. FEC lines on non-receivable accounts):
read = loaded + rejected + skipped, always.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import (
    privacy,
    quarantine,
    raw_store,
    run_ledger,
    staging_join,
    systems,
    transform,
    validate,
)
from ingest.landing import (
    LandedFile,
    clean_unfinished,
    land,
    new_run_id,
    sha256_of,
    unsafe,
    write_manifest,
)
from ingest.landing import prune as prune_landing
from ingest.profile import FieldSpec, ObjectSpec, Profile, load_profile, normalise_header
from ingest.readers import UnreadableFile, first_line, read_file
from ingest.staging_merge import merge_object
from kernel.connection import connect, init_staging
from kernel.killpoint import kill_point
from kernel.settings import Settings, SourceConfig

logger = logging.getLogger(__name__)
FILE_TABLE = "_file_rows"
_PART_IDS = itertools.count(1)


@dataclass
class FileOutcome:
    source: str
    file: str
    object: str | None
    status: str  # loaded | skipped | refused
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    message: str | None = None
    extract_kind: str | None = None  # full | incremental
    sha256: str | None = None
    bytes: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    part: str | None = field(default=None, repr=False)  # typed rows awaiting the merge
    rejects: str | None = field(default=None, repr=False)  # meta.reject rows awaiting it
    raw: RawRows | None = field(default=None, repr=False)  # raw.* rows awaiting it
    # A refused push or inbox file, moved to this path once the source's transaction is
    # committed.
    quarantine_to: tuple[Path, Path] | None = field(default=None, repr=False)


@dataclass
class RawRows:
    """What raw_store.store needs once the source's transaction is open."""

    columns: list[str]
    file_table: str | None  # the file's rows (None when raw.* re-reads the landed file)
    rescan: tuple[str, str] | None


@dataclass
class LandedLoad:
    """One file landed and read in this run, with what it gave."""

    lf: LandedFile
    sha: str
    outcomes: list[FileOutcome]
    file_table: str | None = None  # kept until the transaction copies it into raw.*


@dataclass
class IngestResult:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def quarantined(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == quarantine.STATUS]

    @property
    def ok(self) -> bool:
        # A quarantined push does not fail the night: it was accepted (202) and is set aside.
        return not self.refused


Progress = Callable[[str, str], None]


def inbox_files(source: SourceConfig, settings: Settings) -> list[tuple[Path, str]]:
    """(file, extract kind) for a source: its inbox, then records pushed through the API."""
    found: list[tuple[Path, str]] = []
    if source.inbox is not None and source.inbox.exists():
        # Links, devices and FIFOs are listed too, to be refused by name (see landing).
        found += [
            (p, source.extract)
            for p in sorted(source.inbox.rglob("*"))
            if (p.is_symlink() or not p.is_dir())
            and not p.name.startswith(".")
            and p.name != "manifest.json"
        ]
    pushed = settings.push_folder(source.name)
    if pushed.exists():
        found += [(p, "incremental") for p in sorted(pushed.glob("*.json"))]
    return found


def _open(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = connect(settings.staging_db, budget=settings.limits)
    init_staging(con)
    raw_store.refresh_all(con)
    con.execute(transform.parse_macros())
    systems.register_functions(con)
    return con


def ingest(
    settings: Settings,
    only: list[str] | None = None,
    *,
    progress: Progress | None = None,
    files_for: Callable[[SourceConfig], list[tuple[Path, str]]] | None = None,
) -> IngestResult:
    """Ingest every configured source (or those in `only`), one transaction per source.

    A file that cannot be read or typed is refused on its own (see the module's
    docstring). A source that raises otherwise is rolled back (staging keeps its previous
    state for that source, sources already committed stay) and the exception propagates.
    """
    result = IngestResult(new_run_id())
    sources = [s for s in settings.sources if not only or s.name in only]
    if not sources:
        return result
    con = _open(settings)
    try:
        left = clean_unfinished(settings.landing_dir, settings.work_dir)
        if left:
            logger.warning("removed %d leftover(s) of interrupted runs", len(left))
        expired = prune_landing(settings.landing_dir, settings.landing_keep_days)
        if expired:
            logger.info("removed %d landed run(s) past landing_keep_days", len(expired))
            # What was loaded from them stays in staging, and their checksums in
            # meta.landed_file (no personal data): an unchanged file is still skipped.
            # The raw views drop the files.
            raw_store.refresh_all(con)
        for source in sources:
            files = (files_for or (lambda s: inbox_files(s, settings)))(source)
            validate.register(con, load_profile(source.system).read.default_country)
            try:
                prepared = _prepare_source(con, settings, source, files, result.run_id, progress)
                con.execute("begin transaction")
                try:
                    outcomes = _commit_source(con, settings, source, prepared, result.run_id)
                    kill_point("source_transaction", source.name)
                    con.execute("commit")
                except BaseException:
                    _rollback(con)
                    raise
            except BaseException as exc:
                # The temp tables go with the connection, closed below.
                _record_failure(con, result.run_id, source.name, exc)
                raise
            kill_point("source_committed", source.name)
            _drop_temps(con, prepared)
            for o in outcomes:
                if o.quarantine_to:
                    quarantine.move(*o.quarantine_to, o.message or "refused")
            result.outcomes += outcomes
    finally:
        con.close()
    return result


@dataclass
class Prepared:
    """A source's files read and typed (temp tables), awaiting its transaction."""

    profile: Profile
    outcomes: list[FileOutcome]
    loads: list[LandedLoad]


def _prepare_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceConfig,
    files: list[tuple[Path, str]],
    run_id: str,
    progress: Progress | None,
) -> Prepared:
    """Land, read and type each file in autocommit: each file is its own unit of work."""
    profile = load_profile(source.system).with_overrides(source.columns)
    loads: list[LandedLoad] = []
    indexed: list[tuple[int, FileOutcome]] = []
    pending: list[tuple[int, Path, str, str, str, set[str]]] = []
    moved: set[Path] = set()  # a refused file is moved once, whatever its outcomes
    drop_folders = [f for f in (source.inbox, settings.push_folder(source.name)) if f is not None]
    for i, (path, kind) in enumerate(files):
        root = next((r for r in drop_folders if path.is_relative_to(r)), None)
        if root is not None and (why := unsafe(path, root)):
            if progress:
                progress(source.name, path.name)
            logger.warning("%s/%s refused: %s", source.name, path.name, why)
            o = FileOutcome(source.name, path.name, None, "refused", message=why)
            to = quarantine.target(settings, source.name, path)
            o.quarantine_to = (path, to)
            o.message = f"{why} (moved to {to.relative_to(settings.data_dir)})"
            indexed.append((i, o))
            continue
        sha = sha256_of(path)
        seen = con.execute(
            """select l.run_id, list(distinct r.object) filter (where r.object is not null)
               from meta.landed_file l left join meta.ingest_run r
                 on r.source = l.source and r.sha256 = l.sha256 and r.status = 'loaded'
               where l.source = ? and l.sha256 = ? group by l.run_id""",
            [source.name, sha],
        ).fetchone()
        if seen:
            pending.append((i, path, kind, sha, seen[0], set(seen[1] or ())))
            continue
        for o in _land_and_load(
            con, settings, source, profile, path, kind, sha, run_id, loads, progress
        ):
            if o.status == "refused" and quarantine.is_push(settings, source.name, path):
                to = quarantine.target(settings, source.name, path)
                o.status, o.quarantine_to = quarantine.STATUS, (path, to)
                o.message = f"{o.message} (quarantined to {to.relative_to(settings.data_dir)})"
            elif o.status == "refused" and path not in moved and quarantine.is_inbox(source, path):
                moved.add(path)
                to = quarantine.target(settings, source.name, path)
                o.quarantine_to = (path, to)
                o.message = f"{o.message} (moved to {to.relative_to(settings.data_dir)})"
            indexed.append((i, o))
    full_now = {o.object for _, o in indexed if o.status == "loaded" and o.extract_kind == "full"}
    for i, path, kind, sha, seen_run, objects in pending:
        if (
            kind == "full"
            and (objects & full_now or _superseded(con, source.name, objects, seen_run))
        ) or _new_objects(profile, objects):
            # An unchanged part of an extract whose other parts changed: the extract is
            # all its parts, so this one is read again rather than its records deleted.
            # Likewise an old extract sent again after a newer one: it is the state now.
            # And a file loaded before the profile read another object from it.
            for o in _land_and_load(
                con, settings, source, profile, path, kind, sha, run_id, loads, progress
            ):
                indexed.append((i, o))
        else:
            if progress:
                progress(source.name, path.name)
            skipped = FileOutcome(
                source.name, path.name, None, "skipped", sha256=sha, extract_kind=kind
            )
            skipped.message = f"already loaded in run {seen_run} (same checksum)"
            indexed.append((i, skipped))
    outcomes = [o for _, o in sorted(indexed, key=lambda t: t[0])]
    return Prepared(profile, outcomes, loads)


def _commit_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceConfig,
    prepared: Prepared,
    run_id: str,
) -> list[FileOutcome]:
    """Every write of the source's run, inside its transaction: raw.*, rejects, merges."""
    profile, outcomes = prepared.profile, prepared.outcomes
    for load in prepared.loads:
        for o in load.outcomes:
            if o.rejects:
                run_ledger.add_rejects(con, f"select * from {o.rejects}")
            if o.raw is not None and o.object:
                raw_store.store(
                    con,
                    source.name,
                    o.object,
                    run_id,
                    o.file,
                    o.raw.columns,
                    o.raw.file_table or "",
                    o.raw.rescan,
                )
        if any(o.status == "loaded" for o in load.outcomes):
            # Only a loaded file counts as seen: a refused one is refused again next run
            # (and loads once it is fixed), never reported as "already loaded".
            # The run that last loaded these bytes: a file is skipped only while it is
            # still what staging holds (see _superseded).
            con.execute(
                "insert or replace into meta.landed_file values (?, ?, ?, ?, ?)",
                [
                    source.name,
                    load.sha,
                    run_id,
                    load.lf.path.name,
                    datetime.now(UTC).replace(tzinfo=None),
                ],
            )
    kinds: dict[str, str] = {}
    for o in outcomes:
        if o.status == "loaded" and o.object and o.extract_kind:
            prev = kinds.get(o.object, o.extract_kind)
            kinds[o.object] = "full" if "full" in (prev, o.extract_kind) else "incremental"
    for obj_name, kind in kinds.items():
        spec = profile.objects[obj_name]
        held = _deletions_held(outcomes, obj_name) if kind == "full" else None
        if held:
            logger.warning("%s/%s: deletions not applied: %s", source.name, obj_name, held)
        _run_view(con, obj_name, outcomes)
        dupes = merge_object(
            con,
            source.name,
            obj_name,
            run_id,
            "incremental" if held else kind,
            spec.dedupe,
            spec.source_object,
            [
                o.file
                for o in outcomes
                if o.object == obj_name and o.part and o.extract_kind == "incremental"
            ],
        )
        for o in outcomes:
            if o.object == obj_name and o.file in dupes.repeated:
                # A repeated id is a reject, unless repetition is the norm (a FEC
                # customer on every line): then the repeats are folded into one record.
                run_ledger.reclassify(
                    o,
                    dupes.repeated[o.file],
                    "rejected" if spec.dedupe == "reject" else "skipped",
                )
            if o.object == obj_name and o.file in dupes.superseded:
                # An older copy of a record a later file of this run brings again.
                run_ledger.reclassify(o, dupes.superseded[o.file], "skipped")
            if o.object == obj_name and held and o.status == "loaded":
                o.message = f"deletions not applied: {held}"
    # ERP tables holding part of a customer (KNB1, KNKK, BPADDRESS, HZ_PARTIES…).
    staging_join.join_parts(
        con,
        source.name,
        run_id,
        outcomes,
        currency=settings.currency,
        company_code=source.company_code,
        credit_area=source.credit_area,
    )
    landed = [load.lf for load in prepared.loads]
    if landed:
        write_manifest(landed[0].path.parent, landed)
    _suppress_erased(con, settings, source.name, run_id, outcomes)
    run_ledger.record_files(con, run_id, outcomes)
    return outcomes


def _suppress_erased(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    run_id: str,
    outcomes: list[FileOutcome],
) -> None:
    """Persons erased before (`c360 privacy erase`) stay erased when an old extract
    brings them again: their rows are removed and counted as skipped."""
    removed = privacy.suppress(con, settings.landing_dir)
    for o in outcomes:
        n = removed.get((source, run_id, o.file), 0)
        if n and o.object == "contact" and o.status == "loaded":
            run_ledger.reclassify(o, n, "skipped")
            note = f"{n} row(s) of erased person(s) not loaded"
            o.message = f"{o.message}; {note}" if o.message else note


def _land_and_load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceConfig,
    profile: Profile,
    path: Path,
    kind: str,
    sha: str,
    run_id: str,
    loads: list[LandedLoad],
    progress: Progress | None,
) -> list[FileOutcome]:
    if progress:
        progress(source.name, path.name)
    lf = land(path, settings.landing_dir, source.name, run_id, sha)
    file_table = f"_file_{next(_PART_IDS)}"
    load = LandedLoad(lf, sha, [], file_table)
    loads.append(load)
    try:
        outcomes = _ingest_file(con, settings, source, profile, lf, run_id, file_table)
    except duckdb.Error as exc:
        # Whatever DuckDB could not do with this file (read, cast, a value its engine
        # rejects) refuses this file only: nothing of it was written outside temp tables.
        _drop_file(con, load)
        outcomes = _refuse(source.name, lf, f"{lf.path.name}: cannot be loaded: {first_line(exc)}")
    for o in outcomes:
        o.sha256, o.bytes, o.extract_kind = sha, lf.bytes, kind
    load.outcomes = outcomes
    lf.rows = max((o.rows_read for o in outcomes), default=0)
    if not any(o.raw is not None and o.raw.file_table for o in outcomes):
        _drop_reader_tables(con, file_table)  # nothing left to copy from it
        load.file_table = None
    else:
        _drop_reader_tables(con, file_table, keep_rows=True)
    return outcomes


def _drop_reader_tables(
    con: duckdb.DuckDBPyConnection, table: str, *, keep_rows: bool = False
) -> None:
    """The reader's temp tables of one file (its rows too unless `keep_rows`)."""
    names = [f"{table}__scan", f"{table}__parser", f"{table}__parser_scan"]
    names += [f"{table}__rejects", f"{table}_recs", f"{table}__lines"]
    for name in names if keep_rows else [table, *names]:
        con.execute(f"drop table if exists {name}")


def _drop_file(con: duckdb.DuckDBPyConnection, load: LandedLoad) -> None:
    """Drop every temp table of a file that will not be written."""
    for o in load.outcomes:
        for t in (o.part, o.rejects):
            if t:
                con.execute(f"drop table if exists {t}")
    if load.file_table:
        _drop_reader_tables(con, load.file_table)


def _drop_temps(con: duckdb.DuckDBPyConnection, prepared: Prepared) -> None:
    """After the transaction (committed or not): every temp table of the source."""
    for load in prepared.loads:
        _drop_file(con, load)
        for o in load.outcomes:
            o.part = o.rejects = o.raw = None
        load.file_table = None


def _superseded(
    con: duckdb.DuckDBPyConnection, source: str, objects: set[str], seen_run: str
) -> bool:
    """Whether a later run loaded another full extract of one of these objects."""
    if not objects:
        return False
    later = con.execute(
        """select count(*) from meta.ingest_run
           where source = ? and status = 'loaded' and extract_kind = 'full'
             and object in (select unnest(?)) and run_id > ?""",
        [source, sorted(objects), seen_run],
    ).fetchone()
    return bool(later and later[0])


def _new_objects(profile: Profile, objects: set[str]) -> bool:
    """Whether the profile now reads an object from this file's header that it did not then.

    A FEC loaded before the profile read its sales lines must give them once, not only
    when the next FEC arrives.
    """
    known = [profile.objects[o] for o in objects if o in profile.objects]
    return any(
        o.name not in objects and any(o.detect == k.detect for k in known)
        for o in profile.objects.values()
    )


def _deletions_held(outcomes: list[FileOutcome], obj: str) -> str | None:
    """Why a full extract of `obj` must not mark missing records deleted, if it must not.

    A record is deleted only when it is missing from every part of the extract; a refused
    file may be one of those parts (its object is unknown when its header was not even
    readable), and a file where every row was rejected says nothing about what exists.
    """
    refused = [o.file for o in outcomes if o.status == "refused" and o.object in (None, obj)]
    if refused:
        return f"{', '.join(refused)} refused in the same run may hold part of the extract"
    mine = [o for o in outcomes if o.object == obj and o.status == "loaded"]
    if sum(o.rows_read for o in mine) > 0 and sum(o.rows_loaded for o in mine) == 0:
        return "every row of the extract was rejected"
    return None


def _refuse(source: str, lf: LandedFile, message: str, obj: str | None = None) -> list[FileOutcome]:
    logger.warning("%s/%s refused: %s", source, lf.path.name, message)
    return [FileOutcome(source, lf.path.name, obj, "refused", message=message)]


def _expected_headers(profile: Profile, every_header: bool = False) -> str:
    def groups(o: ObjectSpec) -> list[tuple[str, ...]]:
        return list(o.detect) if every_header else list(o.detect[:1])

    parts = [
        f"{o.name} ({' | '.join(', '.join(c for c in g if c[:1] != '!') for g in groups(o))})"
        for o in profile.objects.values()
        if not o.derived
    ]
    return "; ".join(parts)


@dataclass
class FilePlan:
    """What a file's header says: the objects it feeds, or why it must be refused."""

    header: dict[str, str]
    objects: list[ObjectSpec]
    refusal: str | None = None
    refused_object: str | None = None
    missing: list[str] = field(default_factory=list)


def classify(
    profile: Profile, columns: list[str], file_name: str, *, every_header: bool = False
) -> FilePlan:
    """Recognise a file's object(s) from its header and check the required columns.

    `every_header` lists every accepted header of each object in a refusal (API field
    names too), not only the export's own."""
    header = {normalise_header(c): c for c in columns}
    objects = profile.detect(header)
    if not objects or all(o.derived for o in objects):
        return FilePlan(
            header,
            [],
            f"{file_name}: not recognised as a {profile.label} extract; expected the header "
            f"of one of: {_expected_headers(profile, every_header)}",
        )
    for obj in objects:
        missing = obj.missing_columns(header)
        if missing:
            wanted = [
                f"{f} (one of: {', '.join(obj.fields[f].columns) or 'expression'})" for f in missing
            ]
            return FilePlan(
                header,
                objects,
                f"{file_name}: looks like {obj.source_object} but lacks required columns: "
                + "; ".join(wanted),
                obj.name,
                wanted,
            )
    return FilePlan(header, objects)


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceConfig,
    profile: Profile,
    lf: LandedFile,
    run_id: str,
    file_table: str,
) -> list[FileOutcome]:
    opts = profile.read
    try:
        rr = read_file(
            con,
            lf.path,
            file_table,
            encoding=opts.encoding,
            fallback_encoding=opts.fallback_encoding,
            delimiter=opts.delimiter,
            quote=opts.quote,
            work_dir=settings.work_dir,
            keep_dir=lf.path.parent / ".utf8",
            limits=settings.limits,
        )
    except UnreadableFile as exc:
        return _refuse(source.name, lf, str(exc))
    plan = classify(profile, rr.columns, lf.path.name)
    if plan.refusal:
        return _refuse(source.name, lf, plan.refusal, plan.refused_object)
    objects, header = plan.objects, plan.header
    outcomes: list[FileOutcome] = []
    parse_rejects = rr.rejects_table
    try:
        for obj in objects:
            outcomes.append(
                _load_object(
                    con,
                    settings,
                    source,
                    profile,
                    obj,
                    lf,
                    rr.rows,
                    parse_rejects,
                    header,
                    run_id,
                    file_table,
                    rr.rescan,
                )
            )
            parse_rejects = None  # the parser's rejects are counted once, on the primary object
    except duckdb.Error:
        for o in outcomes:  # the objects typed before the failure go with the file
            for t in (o.part, o.rejects):
                if t:
                    con.execute(f"drop table if exists {t}")
        raise
    return outcomes


def _params(sql: str, values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if f"${k}" in sql}


def bound_values(
    settings: Settings, source: str, run_id: str, file: str, obj: str
) -> dict[str, object]:
    """The values the typing and reject statements bind for one file and object."""
    return {
        "source": source,
        "run_id": run_id,
        "file": file,
        "currency": settings.currency,
        "receivable_prefixes": settings.fec.receivable_prefixes,
        "revenue_prefixes": settings.fec.revenue_prefixes,
        "object": obj,
        "max_value_bytes": settings.limits.max_value_bytes,
    }


def type_rows(
    con: duckdb.DuckDBPyConnection,
    profile: Profile,
    obj: ObjectSpec,
    header: dict[str, str],
    values: dict[str, object],
    part: str,
    file_table: str = FILE_TABLE,
) -> None:
    """Type the rows of `file_table` as `obj` into temp table `part`: the staging columns
    plus `_problems` (empty when the row loads; else why it is a reject). Rows outside the
    object's scope (its filter) are not in `part`: they are the skipped ones."""
    columns = transform.staging_columns(con, obj.name)
    spec_filter = obj.filter
    if spec_filter:
        picked = FieldSpec(exprs=(spec_filter,)).pick(header)
        spec_filter = picked[1] if picked else "false"
    resolved = ObjectSpec(**{**obj.__dict__, "filter": spec_filter})
    opts = transform.sniff_formats(con, resolved, header, columns, profile.read, file_table)
    query = transform.build_query(resolved, header, columns, opts, file_table)
    typed = transform.final_select(columns, f"({query})", keep_problems=True)
    con.execute(f"create temp table {part} as {typed}", _params(typed, values))


def _load_object(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceConfig,
    profile: Profile,
    obj: ObjectSpec,
    lf: LandedFile,
    rows: int,
    parse_rejects: str | None,
    header: dict[str, str],
    run_id: str,
    file_table: str,
    rescan: tuple[str, str] | None = None,
) -> FileOutcome:
    """Type one object of a file into temp tables: its staging rows and its rejects."""
    file = lf.path.name
    values = bound_values(settings, source.name, run_id, file, obj.name)
    out = FileOutcome(source.name, file, obj.name, "loaded")
    n = next(_PART_IDS)
    rejects = f"_rejects_{n}"
    con.execute(
        f"""create temp table {rejects} as
            select $run_id as run_id, $source as source, $file as file, $object as object,
                   cast(null as bigint) as line, cast(null as varchar) as raw,
                   cast(null as varchar) as reason
            limit 0"""
        if not parse_rejects
        else f"""create temp table {rejects} as
            select $run_id as run_id, $source as source, $file as file, $object as object,
                   _line as line, raw, reason from {parse_rejects}""",
        {k: values[k] for k in ("run_id", "source", "file", "object")},
    )
    out.rejects = rejects
    try:
        parsed_bad = con.execute(f"select count(*) from {rejects}").fetchone()[0]  # type: ignore[index]
        out.rows_read = rows + parsed_bad
        if not obj.derived:
            out.raw = RawRows(list(header.values()), None if rescan else file_table, rescan)
        # One pass types the rows straight into their staging shape, problems alongside; the
        # good rows of every file of the object reach staging through a view (no extra copy).
        part = f"_part_{n}"
        type_rows(con, profile, obj, header, values, part, file_table)
        out.part = part
        typed_rows, bad = con.execute(
            f"select count(*), count(*) filter (where _problems <> '') from {part}"
        ).fetchone()  # type: ignore[misc]
        out.rows_skipped = rows - typed_rows
        out.rows_rejected = parsed_bad + bad
        out.rows_loaded = typed_rows - bad
        reject_sql = f"""
            insert into {rejects}
            select $run_id, $source, $file, $object, t._line,
                   cast(to_json(f) as varchar), t._problems
            from {part} t join {file_table} f on f._line = t._line
            where t._problems <> ''
        """
        if bad:  # most files have none: no join of the whole file with itself
            con.execute(reject_sql, _params(reject_sql, values))
    except duckdb.Error:
        # This file is refused: its temp tables go (the caller drops its other objects').
        for t in (rejects, out.part):
            if t:
                con.execute(f"drop table if exists {t}")
        raise
    return out


def _run_view(con: duckdb.DuckDBPyConnection, obj: str, outcomes: list[FileOutcome]) -> None:
    """`_run_<obj>`: the good rows of every file of `obj` in this run, for the merge."""
    parts = [o.part for o in outcomes if o.object == obj and o.part]
    union = " union all ".join(
        f"select * exclude (_problems) from {p} where _problems = ''" for p in parts
    )
    con.execute(f"create or replace temp view _run_{obj} as {union}")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, when a transaction is still open (a failed commit has closed it)."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("rollback")


def _record_failure(
    con: duckdb.DuckDBPyConnection, run_id: str, source: str, exc: BaseException
) -> None:
    """One `failed` row in the run history; staging itself was rolled back."""
    try:
        run_ledger.record_failure(
            con, run_id, source, f"ingest failed, nothing loaded: {type(exc).__name__}: {exc}"
        )
    except duckdb.Error:  # the database itself is the problem: the exception says why
        logger.exception("could not record the failure of %s", source)
