"""What a search costs on a serving file: SQLite's progress handler counts the virtual
machine's steps, in hundreds, so a test compares the work of two searches, not their time.

Imported by bare name (`from search_cost import search_with_cost`): pytest puts
tests/api on sys.path (rootdir "prepend" import mode).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from api.search import search


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
        body = search(lite, q, dict(filters), 50, None)
    finally:
        lite.set_progress_handler(None, 0)
    return counted[0], body
