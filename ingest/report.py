"""Operator output of an ingest run: progress per file and a summary table."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.pipeline import IngestResult


def summary_table(result: IngestResult) -> Table:
    table = Table(title=f"Ingest run {result.run_id}")
    for col in ("source", "object", "files", "read", "loaded", "rejected", "skipped", "status"):
        table.add_column(
            col,
            justify="right"
            if col in ("files", "read", "loaded", "rejected", "skipped")
            else "left",
        )
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for o in result.outcomes:
        groups[(o.source, o.object or "—")].append(o)
    for (source, obj), items in sorted(groups.items()):
        statuses = sorted({o.status for o in items})
        table.add_row(
            source,
            obj,
            str(len(items)),
            str(sum(o.rows_read for o in items)),
            str(sum(o.rows_loaded for o in items)),
            str(sum(o.rows_rejected for o in items)),
            str(sum(o.rows_skipped for o in items)),
            ", ".join(statuses),
        )
    return table


def print_report(result: IngestResult, console: Console) -> None:
    console.print(summary_table(result))
    for o in result.refused:
        console.print(f"[red]refused[/red] {o.source}/{o.file}: {escape(o.message or '')}")
    for o in result.quarantined:
        console.print(
            f"[yellow]push set aside[/yellow] {o.source}/{o.file}: {escape(o.message or '')}"
        )
    for o in result.outcomes:
        # Loaded but worth a look (e.g. deletions held back because a part was refused).
        if o.status == "loaded" and o.message:
            console.print(
                f"[yellow]note[/yellow] {o.source}/{o.file} ({o.object}): {escape(o.message)}"
            )
