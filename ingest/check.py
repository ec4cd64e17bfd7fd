"""`c360 sources check`: what each inbox file would become, without loading anything.

For every configured source and every file waiting in its inbox: the object(s) its
header is recognised as, its encoding and separator, its row count (read by DuckDB in
an in-memory database) and the required columns it lacks. Files the ingest would refuse
are shown in red with the reason. Nothing is written to staging or landing.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.landing import unsafe
from ingest.pipeline import FILE_TABLE, classify, inbox_files
from ingest.profile import Profile, ProfileError, load_profile
from ingest.readers import UnreadableFile, first_line, read_file
from kernel.settings import LimitsConfig, Settings

logger = logging.getLogger(__name__)
COLUMNS = ("source", "file", "object", "encoding", "sep", "rows", "missing / problem")


def _sep(delimiter: str | None) -> str:
    return {"\t": "tab", None: "—"}.get(delimiter, delimiter or "—")


def check_sources(settings: Settings, console: Console) -> int:
    """Print one table of the sources' inbox files; return the number of problems."""
    table = Table(title="Sources check (nothing loaded)")
    for col in COLUMNS:
        table.add_column(col, justify="right" if col == "rows" else "left")
    problems = 0
    con = duckdb.connect()  # in memory: reading a file must not touch staging
    with tempfile.TemporaryDirectory(prefix="c360-check-") as work:
        for source in settings.sources:
            try:
                profile = load_profile(source.system).with_overrides(source.columns)
            except ProfileError as exc:
                problems += 1
                table.add_row(source.name, "—", "—", "", "", "", f"[red]{exc}[/red]")
                continue
            files = inbox_files(source, settings)
            if not files:
                if source.inbox is not None and not source.inbox.exists():
                    problems += 1
                    table.add_row(
                        source.name, "—", "", "", "", "",
                        f"[red]inbox {source.inbox} does not exist[/red]",
                    )  # fmt: skip
                else:
                    table.add_row(source.name, "—", "", "", "", "", "no file waiting")
                continue
            for path, _kind in files:
                why = unsafe(path, source.inbox) if source.inbox else None
                if why:  # never opened: a link's target, a FIFO that would block
                    problems += 1
                    table.add_row(
                        source.name, escape(path.name), "—", "", "", "",
                        f"[red]refused: {escape(why)}[/red]",
                    )  # fmt: skip
                    continue
                problems += _check_file(
                    con, table, source.name, profile, path, Path(work), settings.limits
                )
    con.close()
    console.print(table)
    problems += _check_apis(settings, console)
    console.print(
        f"{problems} problem(s)" if problems else "[green]every file would be loaded[/green]"
    )
    return problems


def _check_apis(settings: Settings, console: Console) -> int:
    """One line per API source: a token obtained and one record read, or why not."""
    from ingest.fetch import check_connections

    failed = 0
    for name, ok, line in check_connections(settings):
        colour = "green" if ok else "red"
        console.print(f"[{colour}]{escape(name)}: {escape(line)}[/{colour}]")
        failed += not ok
    return failed


def _check_file(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    source: str,
    profile: Profile,
    path: Path,
    work_dir: Path,
    limits: LimitsConfig,
) -> int:
    opts = profile.read
    try:
        rr = read_file(
            con,
            path,
            FILE_TABLE,
            encoding=opts.encoding,
            fallback_encoding=opts.fallback_encoding,
            delimiter=opts.delimiter,
            quote=opts.quote,
            work_dir=work_dir,
            limits=limits,
        )
    except (UnreadableFile, duckdb.Error) as exc:
        # The ingest's one-line refusal, never DuckDB's parser state dump.
        reason = str(exc) if isinstance(exc, UnreadableFile) else f"{path.name}: {first_line(exc)}"
        table.add_row(
            source, escape(path.name), "—", "", "", "", f"[red]refused: {escape(reason)}[/red]"
        )
        return 1
    parser_rejects = 0
    if rr.rejects_table:
        parser_rejects = con.execute(f"select count(*) from {rr.rejects_table}").fetchone()[0]  # type: ignore[index]
    plan = classify(profile, rr.columns, path.name)
    objects = ", ".join(o.name for o in plan.objects) or "—"
    rows = str(rr.rows + parser_rejects)
    enc, sep = rr.encoding or "—", _sep(rr.delimiter)
    if plan.refusal:
        reason = "; ".join(plan.missing) if plan.missing else plan.refusal
        what = "missing: " if plan.missing else "refused: "
        table.add_row(
            source, escape(path.name), objects, enc, sep, rows, f"[red]{what}{escape(reason)}[/red]"
        )
        return 1
    note = f"{parser_rejects} unreadable row(s)" if parser_rejects else "ok"
    table.add_row(source, escape(path.name), objects, enc, sep, rows, note)
    return 0
