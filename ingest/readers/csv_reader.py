"""Delimited text files (CSV, TXT, FEC) read by DuckDB as text, never inferred types.

DuckDB's type sniffing would turn SIRETs and SAP keys into integers (leading zeros lost)
and amounts into floats, so every column is read as VARCHAR and typed later, on purpose.

`_line` is the physical line where a record starts, as a text editor shows it, so a
person can find a rejected row: DuckDB numbers neither the rows it keeps nor counts the
line breaks inside quoted cells, so both are derived here in one set-based query.

DuckDB is given a UTF-8 copy with LF line breaks whenever the file is in another
encoding or holds a CR (see `encoding`). `quote` is the profile's quote character, or ""
for formats without quoting (the FEC: a `"` inside a label is just a character).
A file DuckDB cannot parse at all is refused in one line naming it and why.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import duckdb

from ingest.readers import (
    ReadResult,
    Rescan,
    TextOptions,
    UnreadableFile,
    dedupe_names,
    first_line,
)
from ingest.readers import encoding as charset
from ingest.readers import limits as bounds
from kernel.settings import LimitsConfig
from kernel.sqlquote import quote_ident
from kernel.sqlquote import quote_literal as _literal

DELIMITERS = (";", ",", "\t", "|")
# Parser errors that, on the last record of a file without a final line break, mean the
# file was cut: the export or the transfer stopped before the end.
TRUNCATION_ERRORS = ("UNQUOTED VALUE", "MISSING COLUMNS", "LINE SIZE OVER MAXIMUM")


def _first_record(text_path: Path) -> tuple[str, str]:
    """The header line and the file's last character (to spot a truncated file)."""
    with open(text_path, encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
    with open(text_path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 1))
        last = fh.read(1).decode("latin-1") if size else ""
    return head, last


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, scan: str, line: str) -> None:
    """`table`: the scanned records in file order, each numbered by `{table}_recs.<line>`."""
    con.execute(
        f"""
        create temp table {table} as
        select cast(l.{line} as bigint) as _line, s.* exclude (_rec)
        from {scan} s join {table}_recs l on l.g = s._rec
        order by s._rec
        """
    )


def _newlines(expr: str) -> str:
    return f"(length({expr}) - length(replace({expr}, chr(10), '')))"


@dataclass(frozen=True)
class TextFile:
    """A delimited file made ready for DuckDB's parser: its UTF-8 text with LF line
    breaks (the landed file itself, or a copy), separator, quote and header."""

    path: Path  # the landed file
    text_path: Path  # what DuckDB reads
    encoding: str
    delimiter: str
    quote: str
    names: list[str]
    last_char: str
    lines: int  # physical lines, as `_physical_lines` counts them (by `limits.check_text`)
    # UTF-8 taken from the file's head only (`charset.utf8_head`): a parse that rejects
    # nothing proves the rest; any reject must send the file back through `prepare`.
    utf8_unproven: bool = False

    def scan_sql(self, rejects: str | None, limits: LimitsConfig) -> str:
        """The parser's read of the file, every column text. `rejects` names the tables
        where the records it cannot read are kept (None: a read that keeps none, to sample)."""
        columns = "{" + ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in self.names) + "}"
        kept = (
            f"store_rejects = true, rejects_table = {_literal(rejects)}, "
            f"rejects_scan = {_literal(rejects + '_scan')}, "
            if rejects
            else ""
        )
        return (
            f"read_csv({_literal(str(self.text_path))}, delim = {_literal(self.delimiter)}, "
            f"quote = {_literal(self.quote)}, escape = {_literal(self.quote)}, header = true, "
            f"columns = {columns}, auto_detect = false, ignore_errors = true, {kept}"
            f"max_line_size = {limits.max_line_bytes + 1}, encoding = 'utf-8')"
        )

    def rescan(self, *, numbered: bool) -> Rescan:
        """The read raw.* makes of this file (`numbered`: records span lines)."""
        args = (self.text_path, self.delimiter, self.quote, self.names)
        if numbered:
            return Rescan(str(self.text_path), _numbered_rescan_sql(*args), True)
        return Rescan(str(self.text_path), _rescan_sql(*args))


def prepare(
    path: Path,
    *,
    encoding: str = "auto",
    fallback_encoding: str = "cp1252",
    delimiter: str = "auto",
    quote: str = '"',
    work_dir: Path,
    keep_dir: Path | None = None,
    limits: LimitsConfig | None = None,
    presume_utf8: bool = False,
) -> TextFile:
    """Everything before DuckDB parses the records: encoding, transcoding, the bounds,
    the header and the separator. Raises `UnreadableFile` (nothing left behind).

    `presume_utf8`: with an `auto` encoding, a file whose head is UTF-8 is taken as UTF-8
    without the pass over its whole bytes (`utf8_unproven`), for a caller whose parse
    proves the rest (see `TextFile.utf8_unproven`)."""
    limits = limits or LimitsConfig()
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    unproven = presume_utf8 and encoding == "auto" and charset.utf8_head(path)
    enc = "utf-8" if unproven else charset.detect(path, encoding, fallback_encoding)
    text_path = path
    if enc not in ("utf-8", "utf-8-sig") or charset.has_cr(path):
        folder = keep_dir or work_dir
        folder.mkdir(parents=True, exist_ok=True)
        text_path = charset.to_utf8(path, enc, folder / (path.name + ".utf8.csv"))
    try:
        breaks = bounds.check_text(path, text_path, limits)
    except UnreadableFile:
        if text_path != path:
            text_path.unlink(missing_ok=True)
        raise
    try:
        header_line, last_char = _first_record(text_path)
    except UnicodeDecodeError:
        if not unproven:
            raise
        # A header longer than the head checked: not UTF-8 after all, checked whole.
        if text_path != path:
            text_path.unlink(missing_ok=True)
        return prepare(
            path, encoding=encoding, fallback_encoding=fallback_encoding, delimiter=delimiter,
            quote=quote, work_dir=work_dir, keep_dir=keep_dir, limits=limits,
        )  # fmt: skip
    if not header_line.strip():
        raise UnreadableFile(f"{path.name}: the first line is empty; expected a header line")
    delim = sniff_delimiter(header_line) if delimiter == "auto" else delimiter
    header_opts: dict[str, Any] = {"quotechar": quote} if quote else {"quoting": csv.QUOTE_NONE}
    names = dedupe_names(
        next(csv.reader(io.StringIO(header_line.rstrip("\n")), delimiter=delim, **header_opts))
    )
    try:
        bounds.check_columns(path, len(names), limits)
    except UnreadableFile:
        if text_path != path:
            text_path.unlink(missing_ok=True)
        raise
    lines = _line_count(breaks.count, breaks.trailing, empty=breaks.empty)
    return TextFile(path, text_path, enc, delim, quote, names, last_char, lines, unproven)


def read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    work_dir: Path,
    limits: LimitsConfig | None = None,
    **text: Unpack[TextOptions],
) -> ReadResult:
    limits = limits or LimitsConfig()
    tf = prepare(path, work_dir=work_dir, limits=limits, **text)
    return load(con, tf, table, keep_dir=text.get("keep_dir"), limits=limits)


def load(
    con: duckdb.DuckDBPyConnection,
    tf: TextFile,
    table: str,
    *,
    keep_dir: Path | None,
    limits: LimitsConfig,
) -> ReadResult:
    """The file's records into temp table `table` (text, with each record's `_line`) and
    the ones the parser could not read into `table__rejects`."""
    path, text_path, delim, quote, names = tf.path, tf.text_path, tf.delimiter, tf.quote, tf.names
    last_char, enc = tf.last_char, tf.encoding
    scan = f"{table}__scan"
    parser_rejects = f"{table}__parser"
    for t in (table, scan, parser_rejects, f"{parser_rejects}_scan", f"{table}__rejects"):
        con.execute(f"drop table if exists {t}")
    try:
        # Numbered from the table's rowid (it keeps the file's order): a row_number() over
        # the CSV scan would make the whole read run on one thread.
        con.execute(
            f"""
            create temp table {scan} as
            select cast(null as bigint) as _line, * from {tf.scan_sql(parser_rejects, limits)}
            """
        )
        con.execute(f"update {scan} set _line = rowid + 2")  # the header is line 1
        lines = _physical_lines(text_path)
    except duckdb.Error as exc:
        if text_path != path:
            text_path.unlink(missing_ok=True)
        raise UnreadableFile(
            f"{path.name}: cannot be read as delimited text with separator {_sep_name(delim)}: "
            f"{first_line(exc)}"
        ) from exc
    simple = _simple_layout(con, scan, parser_rejects, lines)
    rescan = tf.rescan(numbered=False) if simple and keep_dir is not None else None
    if simple:
        # One record per line and nothing rejected: the line is the record number + 1,
        # as the scan numbered it (the common case costs no second pass).
        con.execute(f"alter table {scan} rename to {table}")
        con.execute(
            f"create or replace temp table {table}__rejects (_line bigint, _rec bigint, "
            "raw varchar, kinds varchar[], reason varchar)"
        )
        con.execute(f"create or replace temp table {table}_recs (_rec bigint, g bigint)")
    else:
        placed = False
        if quote == "":
            _record_numbers(con, scan)
            placed = _number_plain_lines(con, table, scan, parser_rejects, text_path)
            if not placed:
                _record_numbers(con, scan, back=True)
        breaks = None if placed else _number_quoted_breaks(con, table, scan, parser_rejects, names)
        if placed:
            pass
        elif breaks is not None:
            kept = con.execute(f"select count(*) from {table}").fetchone()
            if keep_dir is not None and kept and kept[0] + breaks + 1 == lines:
                # Records spanning lines, nothing rejected, every line accounted for (no
                # blank line between records): raw.* reads the file again and numbers its
                # lines the same way when read, rather than a copy of the rows. A person's
                # erasure can then remove exactly the lines of their record.
                rescan = tf.rescan(numbered=True)
        else:
            _record_numbers(con, scan)
            _number_lines(con, table, scan, parser_rejects, names)
    if text_path != path and rescan is None:
        text_path.unlink(missing_ok=True)  # the transcoded copy is in the table now
    rows, rejected = con.execute(
        f"select (select count(*) from {table}), (select count(*) from {table}__rejects)"
    ).fetchone()  # type: ignore[misc]
    last = con.execute(
        f"select _line, kinds from {table}__rejects where _rec = "
        f"(select max(_rec) from (select _rec from {table}__rejects "
        f"union all select _rec from {table}_recs))"
    ).fetchone()
    if last and last_char not in ("\n", "\r") and any(k in TRUNCATION_ERRORS for k in last[1]):
        raise UnreadableFile(
            f"{path.name}: the file is truncated (its last record, line {last[0]}, is "
            "incomplete and the file does not end with a line break); ask for a complete export"
        )
    if rows == 0 and rejected:
        first = con.execute(
            f"select reason from {table}__rejects order by _line limit 1"
        ).fetchone()
        raise UnreadableFile(
            f"{path.name}: no record could be read with separator {delim!r}: "
            f"{first[0] if first else ''}"
        )
    return ReadResult(
        table, names, int(rows), enc, delim, rejects_table=f"{table}__rejects", rescan=rescan
    )


def _record_numbers(con: duckdb.DuckDBPyConnection, scan: str, *, back: bool = False) -> None:
    """The scan's `_line` (record number + 1) as `_rec`, the record number the line
    placements below work on (`back`: the other way)."""
    if back:
        con.execute(f"alter table {scan} rename column _rec to _line")
        con.execute(f"update {scan} set _line = _line + 1")
    else:
        con.execute(f"alter table {scan} rename column _line to _rec")
        con.execute(f"update {scan} set _rec = _rec - 1")


def _number_lines(
    con: duckdb.DuckDBPyConnection, table: str, scan: str, parser_rejects: str, names: list[str]
) -> None:
    """`table` (kept rows) and `table__rejects` (_rec, _line, raw, reason, kinds).

    DuckDB gives a rejected record its ordinal among records (header = 1, blank lines
    counted) and kept rows none; kept row g comes after reject j (j-th by ordinal r_j)
    when g > r_j - j - 1. The physical line adds the line breaks inside preceding quoted cells.
    Blank lines between kept rows are not seen by the parser and not counted here (they
    are in a file without quoting, see `_number_plain_lines`).
    """
    text = "concat_ws('', " + ", ".join(f"{quote_ident(n)}" for n in names) + ")"
    con.execute(
        f"""
        create or replace temp table {table}__rejects as
        with per_record as ({_per_record_sql(parser_rejects)})
        select r, row_number() over (order by r) as j, raw, kinds, messages
        from per_record
        """
    )
    con.execute(
        f"""
        create or replace temp table {table}_recs as
        with shifts as (
            select r - j - 1 as key, max(j) as k from {table}__rejects group by r - j - 1
        ),
        kept as (
            select s._rec as g, s._rec + 1 + coalesce(sh.k, 0) as _rec,
                   {_newlines(text)} as nl
            from {scan} s asof left join shifts sh on s._rec > sh.key
        ),
        everything as (
            select _rec, g, nl from kept
            union all
            select r as _rec, null as g, {_newlines("rtrim(raw, chr(10) || chr(13))")} as nl
            from {table}__rejects
        )
        select _rec, g,
               _rec + coalesce(sum(nl) over (order by _rec rows between unbounded preceding
                                              and 1 preceding), 0) as _line
        from everything
        """
    )
    _number_rows(con, table, scan, "_line")
    con.execute(
        f"""
        create or replace temp table {table}__rejects as
        select cast(l._line as bigint) as _line, x.r as _rec, rtrim(x.raw, chr(10) || chr(13)) as raw,
               x.kinds, {_reason_sql("x")} as reason
        from {table}__rejects x join {table}_recs l on l._rec = x.r and l.g is null
        order by x.r
        """
    )
    con.execute(f"drop table if exists {scan}")


def _number_quoted_breaks(
    con: duckdb.DuckDBPyConnection, table: str, scan: str, parser_rejects: str, names: list[str]
) -> int | None:
    """Nothing rejected, only line breaks inside quoted cells (a notes column): each row's
    line is its record number plus the breaks in the rows before it. The running count is
    a narrow (record, shift) table joined into the scan's own number column in place:
    carrying every column through the window instead costs ten times more. Returns the
    line breaks inside cells; None when the parser rejected something (`_number_lines`
    places the rejects)."""
    rejected = con.execute(f"select count(*) from {parser_rejects}").fetchone()
    if rejected is None or rejected[0]:
        return None
    text = "concat_ws('', " + ", ".join(f"{quote_ident(n)}" for n in names) + ")"
    # The scan numbered each record as if it were one line (record number + 1); a row
    # after a multi-line one moves down by the breaks before it. Only those rows change.
    con.execute(
        f"""
        create or replace temp table {table}__shift as
        select _line, nl, sum(nl) over (order by _line) - nl as shift
        from (
            select _line,
                   case when strpos({text}, chr(10)) > 0 then {_newlines(text)} else 0 end as nl
            from {scan}
        )
        """
    )
    breaks = con.execute(f"select coalesce(sum(nl), 0) from {table}__shift").fetchone()
    con.execute(
        f"update {scan} set _line = {scan}._line + s.shift "
        f"from {table}__shift s where s._line = {scan}._line and s.shift > 0"
    )
    con.execute(f"drop table {table}__shift")
    con.execute(f"alter table {scan} rename to {table}")
    con.execute(
        f"create or replace temp table {table}__rejects (_line bigint, _rec bigint, "
        "raw varchar, kinds varchar[], reason varchar)"
    )
    con.execute(f"create or replace temp table {table}_recs (_rec bigint, g bigint)")
    return int(breaks[0]) if breaks else 0


def _number_plain_lines(
    con: duckdb.DuckDBPyConnection, table: str, scan: str, parser_rejects: str, text_path: Path
) -> bool:
    """`_number_lines` for a file without quoting, where every record is one line: the
    kept rows are the lines that are neither the header, blank nor rejected, in order, so
    blank lines anywhere (which the parser skips silently) keep every number right. One
    more scan of the file, as lines; False (nothing changed) if the counts disagree."""
    lines = f"{table}__lines"
    try:
        con.execute(
            f"""
            create or replace temp table {lines} as
            with phys as (
                select row_number() over () as n, l
                from read_csv(?, delim = chr(1), quote = '', escape = '', header = false,
                              columns = {{'l': 'VARCHAR'}}, auto_detect = false,
                              strict_mode = false, max_line_size = 10000000,
                              encoding = 'utf-8')
            ),
            rejected as (select distinct line as r from {parser_rejects})
            select n as _rec, row_number() over (order by n) as g
            from phys
            where n > 1 and l is not null and n not in (select r from rejected)
            """,
            [str(text_path)],
        )
    except duckdb.Error:
        return False
    kept, candidates = con.execute(
        f"select (select count(*) from {scan}), (select count(*) from {lines})"
    ).fetchone()  # type: ignore[misc]
    if kept != candidates:
        con.execute(f"drop table if exists {lines}")
        return False
    con.execute(
        f"""
        create or replace temp table {table}__rejects as
        with x as ({_per_record_sql(parser_rejects)})
        select cast(x.r as bigint) as _line, x.r as _rec,
               rtrim(x.raw, chr(10) || chr(13)) as raw, x.kinds, {_reason_sql("x")} as reason
        from x order by x.r
        """
    )
    con.execute(f"alter table {lines} rename to {table}_recs")
    _number_rows(con, table, scan, "_rec")
    con.execute(f"drop table if exists {scan}")
    return True


def _per_record_sql(parser_rejects: str) -> str:
    """The parser's rejects, one row per record (`r` its ordinal): a record can raise
    several errors (one per missing column) and is still one reject."""
    return f"""
        select line as r,
               ltrim(first(csv_line order by byte_position), chr(10) || chr(13)) as raw,
               list(distinct cast(error_type as varchar)) as kinds,
               list(distinct error_message order by error_message) as messages
        from {parser_rejects}
        group by line"""


def _reason_sql(alias: str) -> str:
    """A person's reason from DuckDB's error kinds and messages."""
    return f"""case
        when list_contains({alias}.kinds, 'MISSING COLUMNS') then 'too few fields: '
             || lower({alias}.messages[1])
        when list_contains({alias}.kinds, 'TOO MANY COLUMNS') then 'too many fields: '
             || lower({alias}.messages[1])
        when list_contains({alias}.kinds, 'UNQUOTED VALUE') then 'unterminated or misplaced quote'
        when list_contains({alias}.kinds, 'INVALID ENCODING')
             then 'invalid characters for the file''s encoding'
        else lower({alias}.kinds[1]) || ': ' || {alias}.messages[1] end"""


def _sep_name(delim: str) -> str:
    return {"\t": "tab", "|": "pipe", ";": "semicolon", ",": "comma"}.get(delim, repr(delim))


def _rescan_sql(text_path: Path, delim: str, quote: str, names: list[str]) -> str:
    """read_csv of the same file with the same options, for a raw.* view."""
    columns = "{" + ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv({_literal(str(text_path))}, delim = {_literal(delim)}, "
        f"quote = {_literal(quote)}, escape = {_literal(quote)}, header = true, "
        f"columns = {columns}, auto_detect = false, "
        "max_line_size = 10000000, encoding = 'utf-8')"
    )


def _numbered_rescan_sql(text_path: Path, delim: str, quote: str, names: list[str]) -> str:
    """The same re-read for a file whose quoted cells hold line breaks: each row with its
    `_line` (record number + 1 + the breaks in the rows before it, as
    `_number_quoted_breaks` gave it at ingest)."""
    text = "concat_ws('', " + ", ".join(quote_ident(n) for n in names) + ")"
    return f"""(
        select cast(__c360_rec + 1 + coalesce(sum(__c360_nl) over (
                    order by __c360_rec rows between unbounded preceding and 1 preceding), 0)
                    as bigint) as _line,
               * exclude (__c360_rec, __c360_nl)
        from (
            select row_number() over () as __c360_rec, *, {_newlines(text)} as __c360_nl
            from {_rescan_sql(text_path, delim, quote, names)}
        )
    )"""


def _physical_lines(text_path: Path) -> int:
    """Lines in the file, the last one counted even without a final line break, blank
    lines at the end not counted (the parser skips them; they are no record)."""
    count, tail = 0, b""
    with open(text_path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
            tail = (tail + chunk)[-(1 << 16) :]
    return _line_count(count, len(tail) - len(tail.rstrip(b"\n")), empty=not tail)


def _line_count(breaks: int, trailing: int, *, empty: bool) -> int:
    """Physical lines from the file's line breaks and those that end it: the last line
    counts even without a final break; blank lines at the end do not."""
    return 0 if empty else breaks + 1 - trailing


def _simple_layout(
    con: duckdb.DuckDBPyConnection, scan: str, parser_rejects: str, lines: int
) -> bool:
    """True when every line after the header is one kept record (the common case)."""
    kept, rejected = con.execute(
        f"select (select count(*) from {scan}), (select count(*) from {parser_rejects})"
    ).fetchone()  # type: ignore[misc]
    return bool(rejected == 0 and kept + 1 == lines)
