"""What a search costs on a serving file: SQLite's progress handler counts the virtual
machine's steps, in hundreds, so a test compares the work of two searches, not their time;
and the Arrow files of a test's search tables (`files_of`).

Imported by bare name (`from search_cost import search_with_cost`): pytest puts
tests/api on sys.path (rootdir "prepend" import mode).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from api.list_rows import ListFiles
from api.search import search


def serving_main(lite: sqlite3.Connection) -> Path:
    """The main serving file a test's search tables stand for (the SQLite file of `lite`):
    the search's key file and hits file are named after it (kernel/serving_contract)."""
    return Path(str(lite.execute("pragma database_list").fetchone()[2]))


@cache
def _files(main: Path) -> ListFiles:
    return ListFiles(main)


def files_of(lite: sqlite3.Connection) -> ListFiles:
    """The Arrow files beside `lite`'s search tables, opened once."""
    return _files(serving_main(lite))


def search_with_cost(
    lite: sqlite3.Connection, q: str, filters: Mapping[str, object]
) -> tuple[int, dict[str, Any]]:
    """(hundreds of steps, the page) of the first 50 answers to q under these filters."""
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    lite.set_progress_handler(tick, 100)
    try:
        body = search(lite, files_of(lite), q, dict(filters), 50, None)
    finally:
        lite.set_progress_handler(None, 0)
    return counted[0], body
