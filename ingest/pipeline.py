"""The ingest run: land → read → raw.* → typed staging.* with every reject kept.

One source at a time, in two steps. First each file is read and typed on its own, into
temp tables, outside any transaction: a file DuckDB cannot read or type is refused
(status 'refused', one line naming it and why) and the source's other files go on,
because in DuckDB a failed statement aborts the whole transaction it runs in (there is
no SAVEPOINT). Then one transaction writes what the files gave (raw.*, meta.reject, the
merge into staging.*, meta.ingest_run), so a failure there leaves staging as it was.
Per file and object, `meta.ingest_run` records rows read, loaded, rejected and skipped
(out of the object's scope, e.g. FEC lines on non-receivable accounts):
read = loaded + rejected + skipped, always (`run_ledger` sets and moves those counts).

A source's run is one `SourceRun`: the connection, settings, profile and run id every
step needs, and the state the run owns (the files it landed, the numbers of its temp
tables), instead of long parameter lists and a module-level counter.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import (
    privacy,
    quarantine,
    raw_store,
    run_ledger,
    single_read,
    staging_join,
    systems,
    transform,
    validate,
)
from ingest.landing import (
    Flushes,
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
from ingest.readers import (
    ReadResult,
    Rescan,
    UnreadableFile,
    csv_reader,
    first_line,
    read_file,
)
from ingest.staging_merge import merge_object
from kernel.connection import connect, init_staging, rollback
from kernel.killpoint import kill_point
from kernel.settings import Settings, SourceConfig

logger = logging.getLogger(__name__)
FILE_TABLE = "_file_rows"


@dataclass(frozen=True)
class Quarantine:
    """A refused push or inbox file, moved aside once the source's transaction is committed."""

    path: Path
    to: Path


@dataclass
class FileOutcome:
    source: str
    file: str
    object: str | None
    status: str  # loaded | skipped | refused | quarantined
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    message: str | None = None
    extract_kind: str | None = None  # full | incremental
    sha256: str | None = None
    bytes: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    quarantine: Quarantine | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RawRows:
    """What raw_store.store needs once the source's transaction is open."""

    columns: tuple[str, ...]
    file_table: str | None  # the file's rows (None when raw.* re-reads the landed file)
    rescan: Rescan | None


@dataclass(frozen=True)
class TypedObject:
    """One object of a file typed into temp tables, awaiting the source's transaction."""

    outcome: FileOutcome
    part: str  # typed rows: the staging columns and `_problems`
    rejects: str  # meta.reject rows
    raw: RawRows | None  # None for an object derived from another's rows


@dataclass
class LandedLoad:
    """One file landed and read in this run, with what it gave."""

    lf: LandedFile
    sha: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    typed: list[TypedObject] = field(default_factory=list)
    file_table: str | None = None  # kept until the transaction copies it into raw.*


@dataclass(frozen=True)
class FileRead:
    """A landed file read and recognised: what typing each of its objects needs."""

    lf: LandedFile
    table: str  # the file's rows as read: the reader's temp table, or a read of the file
    rows: int  # rows the parser kept
    header: dict[str, str]  # normalised name -> column as found
    rescan: Rescan | None


@dataclass(frozen=True)
class SeenFile:
    """A file whose bytes an earlier run loaded, with the objects it gave then."""

    index: int
    path: Path
    kind: str
    sha: str
    run_id: str
    objects: frozenset[str]


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


@dataclass
class SourceRun:
    """One source's part of an ingest run: what every step needs, and the run's state."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    source: SourceConfig
    profile: Profile
    run_id: str
    progress: Progress | None
    ids: Iterator[int]  # the ingest run's temp-table numbers, shared by its sources
    loads: list[LandedLoad] = field(default_factory=list)
    flushes: Flushes = field(default_factory=Flushes)  # the landed copies' fsyncs

    def temp(self, prefix: str) -> str:
        """A temp-table name no other table of this ingest run (on this connection) has."""
        return f"_{prefix}_{next(self.ids)}"

    def tell(self, path: Path) -> None:
        if self.progress:
            self.progress(self.source.name, path.name)

    @property
    def typed(self) -> dict[int, TypedObject]:
        """Each typed object by the id of its outcome."""
        return {id(t.outcome): t for load in self.loads for t in load.typed}


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
    ids = itertools.count(1)
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
            profile = load_profile(source.system)
            validate.register(con, profile.read.default_country)
            run = SourceRun(
                con,
                settings,
                source,
                profile.with_overrides(source.columns),
                result.run_id,
                progress,
                ids,
            )
            try:
                outcomes = _prepare_source(run, files)
                run.flushes.wait()  # landed files on disk before staging names them
                con.execute("begin transaction")
                try:
                    _commit_source(run, outcomes)
                    kill_point("source_transaction", source.name)
                    con.execute("commit")
                except BaseException:
                    rollback(con)
                    raise
            except BaseException as exc:
                # The temp tables go with the connection, closed below.
                _record_failure(con, result.run_id, source.name, exc)
                raise
            kill_point("source_committed", source.name)
            _drop_temps(run)
            for o in outcomes:
                if o.quarantine:
                    quarantine.move(o.quarantine.path, o.quarantine.to, o.message or "refused")
            result.outcomes += outcomes
    finally:
        con.close()
    return result


def _prepare_source(run: SourceRun, files: list[tuple[Path, str]]) -> list[FileOutcome]:
    """Land, read and type each file in autocommit: each file is its own unit of work.
    The outcomes, in the order of `files`."""
    con, settings, source = run.con, run.settings, run.source
    indexed: list[tuple[int, FileOutcome]] = []
    seen_before: list[SeenFile] = []
    moved: set[Path] = set()  # a refused file is moved once, whatever its outcomes
    drop_folders = [f for f in (source.inbox, settings.push_folder(source.name)) if f is not None]
    for i, (path, kind) in enumerate(files):
        root = next((r for r in drop_folders if path.is_relative_to(r)), None)
        if root is not None and (why := unsafe(path, root)):
            run.tell(path)
            logger.warning("%s/%s refused: %s", source.name, path.name, why)
            to = quarantine.target(settings, source.name, path)
            o = FileOutcome(source.name, path.name, None, "refused")
            o.quarantine = Quarantine(path, to)
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
            seen_before.append(SeenFile(i, path, kind, sha, seen[0], frozenset(seen[1] or ())))
            continue
        for o in _land_and_load(run, path, kind, sha):
            if o.status == "refused" and quarantine.is_push(settings, source.name, path):
                to = quarantine.target(settings, source.name, path)
                o.status, o.quarantine = quarantine.STATUS, Quarantine(path, to)
                o.message = f"{o.message} (quarantined to {to.relative_to(settings.data_dir)})"
            elif o.status == "refused" and path not in moved and quarantine.is_inbox(source, path):
                moved.add(path)
                to = quarantine.target(settings, source.name, path)
                o.quarantine = Quarantine(path, to)
                o.message = f"{o.message} (moved to {to.relative_to(settings.data_dir)})"
            indexed.append((i, o))
    full_now = {o.object for _, o in indexed if o.status == "loaded" and o.extract_kind == "full"}
    for f in seen_before:
        if (
            f.kind == "full"
            and (f.objects & full_now or _superseded(con, source.name, f.objects, f.run_id))
        ) or _new_objects(run.profile, f.objects):
            # An unchanged part of an extract whose other parts changed: the extract is
            # all its parts, so this one is read again rather than its records deleted.
            # Likewise an old extract sent again after a newer one: it is the state now.
            # And a file loaded before the profile read another object from it.
            indexed += [(f.index, o) for o in _land_and_load(run, f.path, f.kind, f.sha)]
        else:
            run.tell(f.path)
            skipped = FileOutcome(
                source.name, f.path.name, None, "skipped", sha256=f.sha, extract_kind=f.kind
            )
            skipped.message = f"already loaded in run {f.run_id} (same checksum)"
            indexed.append((f.index, skipped))
    return [o for _, o in sorted(indexed, key=lambda t: t[0])]


def _commit_source(run: SourceRun, outcomes: list[FileOutcome]) -> None:
    """Every write of the source's run, inside its transaction: raw.*, rejects, merges."""
    con, settings, source, run_id = run.con, run.settings, run.source, run.run_id
    for load in run.loads:
        for t in load.typed:
            run_ledger.add_rejects(con, f"select * from {t.rejects}")
            if t.raw is not None and t.outcome.object:
                raw_store.store(
                    con,
                    source.name,
                    t.outcome.object,
                    run_id,
                    t.outcome.file,
                    list(t.raw.columns),
                    t.raw.file_table or "",
                    t.raw.rescan,
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
    typed = run.typed
    for obj_name, kind in kinds.items():
        spec = run.profile.objects[obj_name]
        held = _deletions_held(outcomes, obj_name) if kind == "full" else None
        if held:
            logger.warning("%s/%s: deletions not applied: %s", source.name, obj_name, held)
        mine = [typed[id(o)] for o in outcomes if o.object == obj_name and id(o) in typed]
        _run_view(con, obj_name, mine)
        dupes = merge_object(
            con,
            source.name,
            obj_name,
            run_id,
            "incremental" if held else kind,
            spec.dedupe,
            spec.source_object,
            [t.outcome.file for t in mine if t.outcome.extract_kind == "incremental"],
        )
        for o in outcomes:
            if o.object != obj_name:
                continue
            if o.file in dupes.repeated:
                # A repeated id is a reject, unless repetition is the norm (a FEC
                # customer on every line): then the repeats are folded into one record.
                run_ledger.reclassify(
                    o,
                    dupes.repeated[o.file],
                    "rejected" if spec.dedupe == "reject" else "skipped",
                )
            if o.file in dupes.superseded:
                # An older copy of a record a later file of this run brings again.
                run_ledger.reclassify(o, dupes.superseded[o.file], "skipped")
            if held and o.status == "loaded":
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
    landed = [load.lf for load in run.loads]
    if landed:
        write_manifest(landed[0].path.parent, landed)
    _suppress_erased(con, settings, source.name, run_id, outcomes)
    run_ledger.record_files(con, run_id, outcomes)


def _suppress_erased(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    run_id: str,
    outcomes: list[FileOutcome],
) -> None:
    """Persons erased before (`c360 privacy erase`) stay erased when an old extract
    brings them again: their rows are removed and counted as skipped."""
    removed = privacy.suppress(con, settings)
    for o in outcomes:
        n = removed.get((source, run_id, o.file), 0)
        if n and o.object == "contact" and o.status == "loaded":
            run_ledger.reclassify(o, n, "skipped")
            note = f"{n} row(s) of erased person(s) not loaded"
            o.message = f"{o.message}; {note}" if o.message else note


def _land_and_load(run: SourceRun, path: Path, kind: str, sha: str) -> list[FileOutcome]:
    run.tell(path)
    folder = run.settings.landing_run_dir(run.source.name, run.run_id)
    lf = land(path, folder, run.source.name, sha, run.flushes)
    load = LandedLoad(lf, sha, file_table=run.temp("file"))
    run.loads.append(load)
    file_table = load.file_table or ""
    try:
        outcomes, load.typed = _ingest_file(run, lf, file_table)
    except duckdb.Error as exc:
        # Whatever DuckDB could not do with this file (read, cast, a value its engine
        # rejects) refuses this file only: nothing of it was written outside temp tables.
        _drop_file(run.con, load)
        message = f"{lf.path.name}: cannot be loaded: {first_line(exc)}"
        outcomes = _refuse(run.source.name, lf, message)
    for o in outcomes:
        o.sha256, o.bytes, o.extract_kind = sha, lf.bytes, kind
    load.outcomes = outcomes
    lf.rows = max((o.rows_read for o in outcomes), default=0)
    if not any(t.raw is not None and t.raw.file_table for t in load.typed):
        _drop_reader_tables(run.con, file_table)  # nothing left to copy from it
        load.file_table = None
    else:
        _drop_reader_tables(run.con, file_table, keep_rows=True)
    return outcomes


def _drop_reader_tables(
    con: duckdb.DuckDBPyConnection, table: str, *, keep_rows: bool = False
) -> None:
    """The reader's temp tables of one file (its rows too unless `keep_rows`)."""
    names = [f"{table}__scan", f"{table}__parser", f"{table}__parser_scan"]
    names += [f"{table}__rejects", f"{table}_recs", f"{table}__lines"]
    for name in names if keep_rows else [table, *names]:
        con.execute(f"drop table if exists {name}")


def _drop_typed(con: duckdb.DuckDBPyConnection, typed: list[TypedObject]) -> None:
    for t in typed:
        for name in (t.part, t.rejects):
            con.execute(f"drop table if exists {name}")


def _drop_file(con: duckdb.DuckDBPyConnection, load: LandedLoad) -> None:
    """Drop every temp table of a file that will not be written."""
    _drop_typed(con, load.typed)
    load.typed = []
    if load.file_table:
        _drop_reader_tables(con, load.file_table)
        load.file_table = None


def _drop_temps(run: SourceRun) -> None:
    """After the transaction (committed or not): every temp table of the source."""
    for load in run.loads:
        _drop_file(run.con, load)


def _superseded(
    con: duckdb.DuckDBPyConnection, source: str, objects: frozenset[str], seen_run: str
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


def _new_objects(profile: Profile, objects: frozenset[str]) -> bool:
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
    run: SourceRun, lf: LandedFile, file_table: str
) -> tuple[list[FileOutcome], list[TypedObject]]:
    """A file's outcome per object it feeds, and those objects typed into temp tables."""
    opts = run.profile.read
    done: list[TypedObject] = []

    def in_one_pass(tf: csv_reader.TextFile) -> ReadResult | None:
        # A delimited file's header, before its records are read: one object typed by
        # the read itself when it can be (see `single_read`).
        plan = classify(run.profile, tf.names, lf.path.name)
        one = None if plan.refusal else _type_in_read(run, lf, tf, plan, file_table)
        if one is None or one.raw is None:
            return None
        done.append(one)
        rows = one.outcome.rows_read
        return ReadResult(
            file_table, tf.names, rows, tf.encoding, tf.delimiter, None, one.raw.rescan
        )

    try:
        rr = read_file(
            run.con,
            lf.path,
            file_table,
            encoding=opts.encoding,
            fallback_encoding=opts.fallback_encoding,
            delimiter=opts.delimiter,
            quote=opts.quote,
            work_dir=run.settings.work_dir,
            keep_dir=run.settings.landed_utf8_dir(run.source.name, run.run_id),
            limits=run.settings.limits,
            in_one_pass=in_one_pass,
        )
    except UnreadableFile as exc:
        return _refuse(run.source.name, lf, str(exc)), []
    if done:
        return [t.outcome for t in done], done
    plan = classify(run.profile, rr.columns, lf.path.name)
    if plan.refusal:
        return _refuse(run.source.name, lf, plan.refusal, plan.refused_object), []
    read = FileRead(lf, file_table, rr.rows, plan.header, rr.rescan)
    typed: list[TypedObject] = []
    parse_rejects = rr.rejects_table
    try:
        for obj in plan.objects:
            typed.append(_load_object(run, read, obj, parse_rejects))
            parse_rejects = None  # the parser's rejects are counted once, on the primary object
    except duckdb.Error:
        _drop_typed(run.con, typed)  # the objects typed before the failure go with the file
        raise
    return [t.outcome for t in typed], typed


def _type_in_read(
    run: SourceRun, lf: LandedFile, tf: csv_reader.TextFile, plan: FilePlan, file_table: str
) -> TypedObject | None:
    """The file of one object typed by the read that parses it (see `single_read`);
    None when it must be read the usual way. A file of several objects (a FEC) or of
    part of an object (a filter) is read once into a table each object types from."""
    if len(plan.objects) != 1 or plan.objects[0].derived or plan.objects[0].filter:
        return None
    obj = plan.objects[0]
    values = bound_values(run.settings, run.source.name, run.run_id, lf.path.name, obj.name)
    part = run.temp("part")

    def type_into(rows: str, sample: str, carry: tuple[str, ...]) -> None:
        type_rows(
            run.con, run.profile, obj, plan.header, values, part, rows,
            sample_from=sample, carry=carry,
        )  # fmt: skip

    got = single_read.read_typed(run.con, tf, file_table, part, type_into, run.settings.limits)
    if got is None:
        return None
    read = FileRead(lf, got.raw, got.rows, plan.header, got.rescan)
    return _load_object(run, read, obj, None, typed=part)


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
    *,
    sample_from: str | None = None,
    carry: tuple[str, ...] = (),
) -> None:
    """Type the rows of `file_table` as `obj` into temp table `part`: the staging columns
    plus `_problems` (empty when the row loads; else why it is a reject). Rows outside the
    object's scope (its filter) are not in `part`: they are the skipped ones.

    `file_table` may be any relation, the parser's scan itself; the file's formats are
    then sniffed from `sample_from` (a plain read of the same file). `carry`: columns of
    `file_table` kept in `part` as they are."""
    columns = transform.staging_columns(con, obj.name)
    spec_filter = obj.filter
    if spec_filter:
        picked = FieldSpec(exprs=(spec_filter,)).pick(header)
        spec_filter = picked[1] if picked else "false"
    resolved = ObjectSpec(**{**obj.__dict__, "filter": spec_filter})
    opts = transform.sniff_formats(
        con, resolved, header, columns, profile.read, sample_from or file_table
    )
    query = transform.build_query(resolved, header, columns, opts, file_table, carry)
    typed = transform.final_select(columns, f"({query})", keep_problems=True, carry=carry)
    con.execute(f"create temp table {part} as {typed}", _params(typed, values))


def _load_object(
    run: SourceRun,
    read: FileRead,
    obj: ObjectSpec,
    parse_rejects: str | None,
    *,
    typed: str | None = None,
) -> TypedObject:
    """Type one object of a file into temp tables: its staging rows and its rejects.
    `typed`: the rows were typed already (by the read, see `single_read`), into that table."""
    con, file, file_table = run.con, read.lf.path.name, read.table
    values = bound_values(run.settings, run.source.name, run.run_id, file, obj.name)
    out = FileOutcome(run.source.name, file, obj.name, "loaded")
    rejects, part = run.temp("rejects"), typed or run.temp("part")
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
    try:
        parsed_bad = con.execute(f"select count(*) from {rejects}").fetchone()[0]  # type: ignore[index]
        # One pass types the rows straight into their staging shape, problems alongside; the
        # good rows of every file of the object reach staging through a view (no extra copy).
        if typed is None:
            type_rows(con, run.profile, obj, read.header, values, part, file_table)
        in_scope, bad = con.execute(
            f"select count(*), count(*) filter (where _problems <> '') from {part}"
        ).fetchone()  # type: ignore[misc]
        run_ledger.count_typed(
            out, parsed=read.rows, parse_rejects=parsed_bad, in_scope=in_scope, bad=bad
        )
        reject_sql = f"""
            insert into {rejects}
            select $run_id, $source, $file, $object, t._line,
                   cast(to_json(f) as varchar), t._problems
            from {part} t join {file_table} f on f._line = t._line
            where t._problems <> ''
        """
        if bad:  # most files have none: no join of the whole file with itself
            con.execute(reject_sql, _params(reject_sql, values))
    except (duckdb.Error, run_ledger.LedgerError):
        # This file is refused: its temp tables go (the caller drops its other objects').
        for t in (rejects, part):
            con.execute(f"drop table if exists {t}")
        raise
    raw = (
        None
        if obj.derived
        else RawRows(tuple(read.header.values()), None if read.rescan else file_table, read.rescan)
    )
    return TypedObject(out, part, rejects, raw)


def _run_view(con: duckdb.DuckDBPyConnection, obj: str, typed: list[TypedObject]) -> None:
    """`_run_<obj>`: the good rows of every file of `obj` in this run, for the merge."""
    union = " union all ".join(
        f"select * exclude (_problems) from {t.part} where _problems = ''" for t in typed
    )
    con.execute(f"create or replace temp view _run_{obj} as {union}")


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
