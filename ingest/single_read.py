"""A delimited file typed by the read that parses it: one pass over its records.

The usual file (one object, every record read by the parser, every line accounted for)
is typed straight from DuckDB's CSV scan into the object's temp table: its records are
not first copied into a table of text and then typed from that copy. Each record's
`_line` is the record number + 1 (the typed table's rowid: it keeps the file's order),
moved down by the line breaks inside the quoted cells of the records before it (counted
per record in the same scan as `_nl`, then summed over the typed table's narrow columns).

When the parser rejected a record, or the lines do not add up (blank lines between
records), the typed rows are dropped and the caller reads the file the usual way
(`csv_reader.load`, which places each reject on its line): a second read, for the rare
file that needs one. The same goes for an error of DuckDB in the read or the typing, so
that the usual path gives its usual message.

Neither the line count nor the encoding costs a pass of its own here: the lines were
counted by the bounds check, and a file whose head is UTF-8 is read as UTF-8 without
checking its whole bytes first, since a parse that rejects nothing proves them (a file
with a bad byte further on is one with a reject, so it goes the usual way, checked whole).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from ingest.readers import Rescan, csv_reader
from kernel.settings import LimitsConfig
from kernel.sqlquote import quote_ident

# type_into(relation of the file's rows, a plain read to sample formats from, columns to carry)
TypeInto = Callable[[str, str, tuple[str, ...]], None]


@dataclass(frozen=True)
class TypedRead:
    rows: int  # records the parser read: every one is in the typed table
    raw: str  # the file's rows as read (`_line` and text columns), for a reject's raw text
    rescan: Rescan  # how raw.* reads the file again


def _breaks(names: list[str]) -> str:
    """Line breaks in one record's cells (only a quoted cell can hold one)."""
    return " + ".join(
        f"case when strpos({c}, chr(10)) > 0 "
        f"then length({c}) - length(replace({c}, chr(10), '')) else 0 end"
        for c in map(quote_ident, names)
    )


def read_typed(
    con: duckdb.DuckDBPyConnection,
    tf: csv_reader.TextFile,
    table: str,
    part: str,
    type_into: TypeInto,
    limits: LimitsConfig,
) -> TypedRead | None:
    """Type the file's records into `part` in the read that parses them (`table` names
    the parser's reject tables, as `csv_reader.load` would). None: nothing is left (no
    `part`), read the file the usual way."""
    parser = f"{table}__parser"
    nl = _breaks(tf.names) if tf.quote and tf.names else "0"
    # No row_number() here: over a CSV scan it makes the whole read, typing included, run
    # on one thread. The typed table keeps the file's order (preserve_insertion_order),
    # so its rowid is the record's number: `_line` is set from it once typed.
    source = (
        f"(select cast(null as bigint) as _line, {nl} as _nl, * from {tf.scan_sql(parser, limits)})"
    )
    try:
        type_into(source, tf.scan_sql(None, limits), ("_nl",))
        rejected, rows, breaks = con.execute(
            f"select (select count(*) from {parser}), count(*), coalesce(sum(_nl), 0) from {part}"
        ).fetchone() or (1, 0, 0)
    except duckdb.Error:
        _drop(con, part, parser)
        return None
    # Nothing rejected also proves the file UTF-8 when only its head was checked
    # (`tf.utf8_unproven`): the parser rejects a record holding an invalid sequence.
    if rejected or rows + breaks + 1 != tf.lines:
        _drop(con, part, parser)
        return None
    con.execute(f"update {part} set _line = rowid + 2")  # the header is line 1
    if breaks:
        # Narrow: the window carries the line and its breaks, not the typed columns.
        con.execute(
            f"""update {part} set _line = {part}._line + s.shift
                from (select _line, sum(_nl) over (order by _line) - _nl as shift
                      from {part}) s
                where s._line = {part}._line and s.shift > 0"""
        )
    con.execute(f"alter table {part} drop column _nl")
    _drop(con, None, parser)
    rescan = tf.rescan(numbered=bool(breaks))
    raw = (
        f"(select * from {rescan.scan})"
        if rescan.numbered
        else f"(select cast(row_number() over () + 1 as bigint) as _line, * from {rescan.scan})"
    )
    return TypedRead(int(rows), raw, rescan)


def _drop(con: duckdb.DuckDBPyConnection, part: str | None, parser: str) -> None:
    for name in (part, parser, f"{parser}_scan"):
        if name:
            con.execute(f"drop table if exists {name}")
