"""Operator output of a digest run: who gets what; on a dry run, each message's text."""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from warehouse.digest import DigestResult


def _address(channel: str, to: str) -> str:
    # A webhook URL is a secret: show its host only.
    return to if channel == "email" else f"{urlsplit(to).netloc}/…"


def print_digest(result: DigestResult, console: Console) -> None:
    if not result.recipients:
        console.print(
            "digest: no recipient (a sales user with an owner name and an e-mail or webhook: "
            "c360 user set NAME --email …)"
        )
        return
    if result.dry_run:
        for d in result.deliveries:
            console.print(
                f"[bold]{escape(d.username)}[/bold] by {d.channel} to "
                f"{escape(_address(d.channel, d.to))}: {escape(d.subject)}",
                soft_wrap=True,
            )
            console.print(escape(d.text), soft_wrap=True)
    title = "Digest (dry run: nothing sent)" if result.dry_run else "Digest"
    table = Table(title=title)
    for column in ("user", "channel", "to", "items", "result"):
        table.add_column(column, justify="right" if column == "items" else "left")
    for d in result.deliveries:
        status = (
            "—"
            if result.dry_run
            else "sent"
            if d.sent
            else f"[red]failed[/red]: {escape(d.error or '')}"
        )
        table.add_row(
            d.username, d.channel, escape(_address(d.channel, d.to)), str(d.digest.total), status
        )
    console.print(table)
    if not result.deliveries:
        console.print("nothing new or changed since the last digest: nothing sent")
