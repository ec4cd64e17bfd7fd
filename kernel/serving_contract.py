"""The serving contract's identity, shared by its writer (the build) and its reader (the API).

Each published snapshot `<build_id>.duckdb` has beside it its serving files (written by
warehouse/serving.py, read by api/): the main one `<build_id>.duckdb.serving.sqlite` and
one per further part (`….serving.search.sqlite`: the search index), and Arrow files
read by key or by row: the exact keys a search looks up and the source records'
customers, each sorted (`….serving.keys.arrow`, `….serving.records.arrow`,
api/sorted_rows.py), and the search hits by rowid (`….serving.docs.customer_search.arrow`).
The parts are written at once by writers of their own (one SQLite file has one writer) and
read as one database: the main file with the others attached, every table name unique
across them. The main file's table `contract` holds the version below; a reader refuses a
file of another version.

The items of each sub-list are rows of an Arrow IPC file of their own,
`<build_id>.duckdb.serving.list.<list>.arrow`, in customer order then the list's: a
customer's page is a range of rows, read from the memory-mapped file. Typed rows cost half
the CPU of JSON chunks to write and no more to read (docs/benchmarks.md, "Where the
contract's CPU goes"). Where each customer's rows start and how many there are is the
list's index, `….serving.index.<list>.arrow`: (customer_id, first, total) sorted by
customer id, found by binary search (api/list_index.py); a SQLite table keyed the same
way cost the build about 1 µs per customer and list (7 CPU-s at 1M customers).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SERVING_SUFFIX = ".serving.sqlite"
# The parts beside the main file, each attached under its name (their order is the
# publish order: every part is in place before the main file that names the set).
SERVING_PARTS = ("search",)
# The profile (GET /customers/{id}) in parts the API puts together per request
# (api/profile.py): one row per customer (its JSON but the lists), and the lists it shows
# whole (a JSON document per item).
PROFILE_LISTS = (
    "customer_profile",
    "customer_alert",
    "customer_source",
    "customer_conflict",
)
# The customers' lists, each an Arrow file of its items and an Arrow file of its index
# (customer_id, first, total): the customer's rows first .. first + total - 1.
SERVED_LISTS = (
    *PROFILE_LISTS,
    "customer_invoice",
    "customer_order",
    "customer_opportunity",
    "customer_contact",
    "customer_open_item",
    "customer_balance_history",
    "customer_timeline",
    # The relationship side (docs/contracts.md).
    "customer_activity",
    "customer_ticket",
    "customer_quote",
    "customer_payment",
    "customer_product",
)
# Bumped when a table or document of the contract changes shape.
CONTRACT_VERSION = 14


def serving_path(snapshot: Path) -> Path:
    """`<build_id>.duckdb.serving.sqlite` beside `<build_id>.duckdb` (or its temp file)."""
    return snapshot.with_name(snapshot.name + SERVING_SUFFIX)


def serving_part(main: Path, part: str) -> Path:
    """The file of `part` beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + f".serving.{part}.sqlite")


def list_file(main: Path, name: str) -> Path:
    """The Arrow file of sub-list `name` beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + f".serving.list.{name}.arrow")


def index_file(main: Path, name: str) -> Path:
    """The Arrow file of sub-list `name`'s index beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + f".serving.index.{name}.arrow")


# Page-level tables whose documents are an Arrow file of their own (`docs_file`), row k
# the document of the SQLite row whose rowid is k + 1: SQLite keeps what a page filters
# and orders on, and builds its indexes over rows without the JSON.
DOC_FILES = ("customer_search",)


def docs_file(main: Path, table: str) -> Path:
    """The Arrow file of `table`'s documents beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + f".serving.docs.{table}.arrow")


def keys_file(main: Path) -> Path:
    """The Arrow file of the search's exact keys beside the main serving file `main`."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + ".serving.keys.arrow")


def records_file(main: Path) -> Path:
    """The Arrow file of the source records' customers, sorted by (source, source_id),
    beside the main serving file `main` (steward decisions look records up there)."""
    return main.with_name(main.name.removesuffix(SERVING_SUFFIX) + ".serving.records.arrow")


def serving_files(snapshot: Path) -> tuple[Path, ...]:
    """Every serving file of `snapshot`: its lists' files and parts, then the main file."""
    main = serving_path(snapshot)
    return (
        *(list_file(main, name) for name in SERVED_LISTS),
        *(index_file(main, name) for name in SERVED_LISTS),
        keys_file(main),
        records_file(main),
        *(docs_file(main, table) for table in DOC_FILES),
        *(serving_part(main, part) for part in SERVING_PARTS),
        main,
    )


def snapshot_of_serving(path: Path) -> Path | None:
    """The snapshot a (published) serving file belongs to, None for another file."""
    stem, sep, _ = path.name.partition(".serving.")
    ours = path.name.endswith((".sqlite", ".arrow"))
    return path.with_name(stem) if sep and ours else None


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
