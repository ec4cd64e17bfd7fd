"""The serving contract's identity, shared by its writer (the build) and its reader (the API).

Each published snapshot `<build_id>.duckdb` has beside it its serving files (written by
warehouse/serving.py, read by api/): the main one `<build_id>.duckdb.serving.sqlite` and
one per further part (`<build_id>.duckdb.serving.lists.sqlite`: the customers' sub-lists;
`….serving.search.sqlite`: the search index).
The parts are written at once by writers of their own (one SQLite file has one writer) and
read as one database: the main file with the others attached, every table name unique
across them. The main file's table `contract` holds the version below; a reader refuses a
file of another version.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SERVING_SUFFIX = ".serving.sqlite"
# The parts beside the main file, each attached under its name (their order is the
# publish order: every part is in place before the main file that names the set).
SERVING_PARTS = ("lists", "search")
# Bumped when a table or document of the contract changes shape.
CONTRACT_VERSION = 9
# Items per stored chunk of a customer sub-list (warehouse/sql/serving/list_chunks.sql): a
# page of the default 50 is one or two chunk reads, located by position alone.
CHUNK_SIZE = 50


def serving_path(snapshot: Path) -> Path:
    """`<build_id>.duckdb.serving.sqlite` beside `<build_id>.duckdb` (or its temp file)."""
    return snapshot.with_name(snapshot.name + SERVING_SUFFIX)


def serving_part(main: Path, part: str) -> Path:
    """The file of `part` beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + f".serving.{part}.sqlite")


def serving_files(snapshot: Path) -> tuple[Path, ...]:
    """Every serving file of `snapshot`: its parts, then the main file."""
    main = serving_path(snapshot)
    return (*(serving_part(main, part) for part in SERVING_PARTS), main)


def snapshot_of_serving(path: Path) -> Path | None:
    """The snapshot a (published) serving file belongs to, None for another file."""
    stem, sep, _ = path.name.partition(".serving.")
    return path.with_name(stem) if sep and path.name.endswith(".sqlite") else None


def connect_serving(main: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection to a published (never again written) serving file set: the
    main file, its parts attached (`immutable`: no locks, no journal)."""
    lite = sqlite3.connect(
        f"file:{main}?mode=ro&immutable=1", uri=True, check_same_thread=check_same_thread
    )
    try:
        # A missing part fails here (read-only never creates a file): the set is refused.
        for part in SERVING_PARTS:
            uri = f"file:{serving_part(main, part)}?mode=ro&immutable=1"
            lite.execute(f"attach ? as {part}", (uri,))
    except sqlite3.Error:
        lite.close()
        raise
    return lite
