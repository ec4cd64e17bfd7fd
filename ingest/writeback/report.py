"""Operator output of a write-back run: a summary per source, and each change on a dry run."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.writeback import WritebackResult


def changes_table(result: WritebackResult) -> Table:
    table = Table(title="Would write (dry run: nothing sent)")
    for column in ("source", "record", "customer", "field", "last written", "new value"):
        table.add_column(column)
    # A first night may change every field of every record: the result holds the first.
    for change in result.changes:
        table.add_row(
            change.source,
            change.record_id,
            change.customer_id,
            change.field,
            escape(change.old_value if change.old_value is not None else "—"),
            escape(change.new_value if change.new_value is not None else "(empty)"),
        )
    return table


def summary_table(result: WritebackResult) -> Table:
    title = "Write-back (dry run)" if result.dry_run else f"Write-back run {result.run_id}"
    table = Table(title=title)
    for column in ("source", "records", "fields", "written", "failed"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for name, s in sorted(result.sources.items()):
        written = "—" if result.dry_run else str(s.written)
        failed = "—" if result.dry_run else str(s.failed)
        table.add_row(name, str(s.records), str(s.fields), written, failed)
    return table


def print_writeback(result: WritebackResult, console: Console) -> None:
    if not result.sources:
        console.print("write-back: no source has a [sources.writeback] section")
        return
    if result.dry_run and result.changes:
        console.print(changes_table(result))
        if result.change_count > len(result.changes):
            console.print(f"… and {result.change_count - len(result.changes)} more field(s)")
    console.print(summary_table(result))
    if result.pruned:
        console.print(
            f"{result.pruned} log line(s) older than writeback.log_retention_days deleted"
        )
    if not result.change_count:
        console.print("nothing changed since the last write: nothing sent")
    for name, s in sorted(result.sources.items()):
        if s.error:
            console.print(f"[red]{name}:[/red] {escape(s.error)}", soft_wrap=True)
    for (source, record_id), message in list(result.failures.items())[:20]:
        console.print(f"[red]{source} {record_id}:[/red] {escape(message)}", soft_wrap=True)
    if len(result.failures) > 20:
        console.print(f"… {len(result.failures) - 20} more failed record(s): GET /api/v1/writeback")
