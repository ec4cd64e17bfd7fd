"""Typing one file's raw rows into a canonical object, as one set-based DuckDB query.

For every staging column the profile gives a source column or an SQL expression; the
column's staging type chooses the reader (c360_date, c360_decimal…, see
sql/parse_macros.sql). A value that is present but does not read, a required field that
is missing, or a value outside the accepted list makes the row a reject with a reason a
person understands. Identifiers (SIRET, SIREN, VAT, phone, e-mail) never reject a row:
invalid ones are kept as raw text with a `*_valid = false` flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from ingest import systems
from ingest.profile import ObjectSpec, ReadOptions

# SQL string literals here are constants taken from profiles, never data.
from kernel.sqlquote import quote_ident
from kernel.sqlquote import quote_literal as _lit

SQL_DIR = Path(__file__).parent / "sql"
ENVELOPE = {"source", "source_id", "_run_id", "_file", "_line", "is_deleted"}
FLAGS = {"siren_valid", "siret_valid", "vat_valid", "email_valid", "phone_valid"}
CHECKED_FIELDS = {
    "siret": "c360_siret",
    "siren": "c360_siren",
    "vat_number": "c360_vat",
    "phone": "c360_phone",
}
EMAIL_RE = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"
# Required of the header but not of each row: a record that names no customer (a deal
# without account, an invoice whose partner is blank) is loaded and listed as an orphan in
# mart.data_quality, never rejected (DESIGN.md, "Nothing is lost").
MAY_BE_BLANK = frozenset({"customer_source_id"})


@cache
def parse_macros() -> str:
    """Every macro file of ingest/sql/ (value readers first), then each system's macros."""
    files = sorted(SQL_DIR.glob("*.sql"), key=lambda p: (p.name != "parse_macros.sql", p.name))
    shared = "\n".join(p.read_text(encoding="utf-8") for p in files)
    return shared + "\n" + systems.macros_sql()


@dataclass(frozen=True)
class Column:
    name: str
    type: str


def staging_columns(con: duckdb.DuckDBPyConnection, obj: str) -> list[Column]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'staging' and table_name = ? order by ordinal_position",
        [obj],
    ).fetchall()
    return [Column(r[0], r[1]) for r in rows]


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _typed(col: Column, raw: str, opts: ReadOptions) -> str:
    t = col.type.upper()
    dec = _lit(opts.decimal)
    if col.name in CHECKED_FIELDS:
        return f"{CHECKED_FIELDS[col.name]}(c360_text({raw}))"
    if col.name == "email":
        return f"lower(c360_text({raw}))"
    if col.name == "country":
        return f"coalesce(c360_country({raw}), upper(c360_text({raw})))"
    if col.name == "currency":
        return f"upper(c360_text({raw}))"
    if t == "DATE":
        return f"c360_date({raw}, {_list(opts.date_formats + opts.timestamp_formats)})"
    if t == "TIMESTAMP":
        return f"c360_timestamp({raw}, {_list(opts.timestamp_formats + opts.date_formats)})"
    if t == "DECIMAL(18,2)":
        if opts.decimal in (",", "."):
            return f"c360_decimal_known({raw}, {dec})"
        return f"c360_decimal({raw}, {dec})"
    if t.startswith("DECIMAL"):
        return f"try_cast(c360_decimal4({raw}, {dec}) as {t})"
    if t in ("INTEGER", "BIGINT"):
        return f"c360_integer({raw}, {dec})"
    if t == "BOOLEAN":
        return f"c360_boolean({raw})"
    return f"c360_text({raw})"


def _problem(col: Column, raw: str, typed: str, opts: ReadOptions, obj: str = "") -> str | None:
    t = col.type.upper()
    label = col.name.replace("_", " ")
    shown = f"left(trim({raw}), 60)"
    if col.name in CHECKED_FIELDS or col.name == "country":
        return None
    if col.name == "currency":
        return (
            f"case when {typed} is not null and not c360_currency_known({typed}) "
            f"then 'currency ''' || {shown} || ''' is not an ISO 4217 currency code' end"
        )
    if t in ("DATE", "TIMESTAMP"):
        return (
            f"case when {typed} is null and not c360_null_date({raw}) "
            f"then {_lit(label + ': ')} || c360_date_problem({raw}, {_lit(opts.date_hint)}) end"
        )
    if t.startswith("DECIMAL") or t in ("INTEGER", "BIGINT"):
        neg = ""
        # Accounting items are signed (a payment is negative); elsewhere the kind of
        # document gives the direction and a negative amount is an error.
        if obj != "receivable_item" and col.name in (
            "quantity",
            "amount_incl_tax",
            "amount_excl_tax",
            "amount_open",
            "list_price",
            "credit_limit_amount",
            "payment_terms_days",
        ):
            neg = f" when {typed} < 0 then {_lit(label + ' ')} || {shown} || ' is negative'"
        return (
            f"case when {typed} is null and not c360_blank({raw}) "
            f"then {_lit(label + ' ')} || '''' || {shown} || ''' is not a number'{neg} end"
        )
    if t == "BOOLEAN":
        return (
            f"case when {typed} is null and not c360_blank({raw}) "
            f"then {_lit(label + ' ')} || '''' || {shown} || ''' is not yes/no' end"
        )
    return None


NUMERIC_CALL = re.compile(r'c360_decimal4?\(\s*("(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*)')


def _component_problems(expr: str, covered: set[str]) -> list[str]:
    # "debit '12x' is not a number" for each column the expression reads as a number,
    # once per row even when several fields read the same column (FEC amount, amount_open).
    out = []
    for ident in dict.fromkeys(NUMERIC_CALL.findall(expr)):
        if ident in covered:
            continue
        covered.add(ident)
        name = ident[1:-1].replace('""', '"') if ident.startswith('"') else ident
        label = name.strip().lower()
        out.append(
            f"case when not c360_blank({ident}) and c360_decimal({ident}, 'auto') is null "
            f"then {_lit(label + ' ')} || '''' || left(trim({ident}), 60) || "
            "''' is not a number' end"
        )
    return out


def _mapped(values: dict[str, str], raw: str) -> str:
    whens = " ".join(f"when {_lit(k)} then {_lit(v)}" for k, v in values.items())
    return f"case lower(trim({raw})) {whens} end"


def build_query(
    obj: ObjectSpec,
    header: dict[str, str],
    columns: list[Column],
    opts: ReadOptions,
    file_table: str,
    carry: tuple[str, ...] = (),
) -> str:
    """SELECT producing `_line`, every staging field as `f__<name>`, and `_problems`
    (and the columns of `file_table` named in `carry`, as they are)."""
    parsed: list[str] = ["_line", *carry]
    # A profile expression is computed once, as a column of `src`: the readers are macros
    # that name their value a dozen times, and an expression is not shared between the
    # branches of their CASE (c360_text of a split_part evaluated it at each mention).
    computed: list[str] = []
    problems: list[str] = []
    raw_cols: list[str] = []
    covered: set[str] = set()
    tombstones = "is_deleted" in obj.fields and any(c.name == "is_deleted" for c in columns)
    for col in columns:
        if col.name in ENVELOPE - {"source_id", "is_deleted"} or col.name in FLAGS:
            continue
        spec = obj.fields.get(col.name)
        pick = spec.pick(header) if spec else None
        fname = quote_ident("f__" + col.name)
        label = col.name.replace("_", " ")
        if pick is None:
            parsed.append(f"null as {fname}")
            if col.name in obj.required:
                problems.append(_lit(label + " is missing"))
            continue
        kind, ref = pick
        src_expr = quote_ident(ref)
        if kind == "expr":
            src_expr = quote_ident("e__" + col.name)
            computed.append(f"({ref}) as {src_expr}")
        # Problems are judged on the raw text, carried next to the typed value.
        raw = quote_ident("r__" + col.name)
        # A value past the limit is refused whatever its type (limits.max_value_bytes).
        field_problems: list[str] = [
            f"case when strlen({raw}) > $max_value_bytes then "
            f"{_lit(label + ' is longer than ')} || $max_value_bytes || ' bytes' end"
        ]
        if spec is not None and spec.values:
            typed = _mapped(spec.values, src_expr)
            accepted = ", ".join(sorted(set(spec.values)))
            field_problems.append(
                f"case when {fname} is null and not c360_blank({raw}) then "
                f"{_lit(label + ' ')} || '''' || left(trim({raw}), 40) || "
                f"''' is not a known value (expected one of: ' || {_lit(accepted)} || ')' end"
            )
        elif (
            kind == "expr"
            and not col.type.upper().startswith("VARCHAR")
            and col.name not in CHECKED_FIELDS
        ):
            typed = f"try_cast({src_expr} as {col.type})"
            # An expression over source columns (FEC Debit - Credit) names the column
            # that did not read, rather than a vague "amount is missing".
            for i, problem in enumerate(_component_problems(ref, covered)):
                name = quote_ident(f"p__{col.name}_{i}")
                parsed.append(f"{problem} as {name}")
                field_problems.append(name)
        else:
            typed = _typed(col, src_expr, opts)
            checked = _problem(col, raw, fname, opts, obj.name)
            if checked:
                field_problems.append(checked)
        parsed.append(f"{typed} as {fname}")
        parsed.append(f"cast({src_expr} as varchar) as {raw}")
        raw_cols.append(raw)
        if col.name in obj.required and col.name not in MAY_BE_BLANK:
            value = f"{fname}.value" if col.name in CHECKED_FIELDS else fname
            # One reason per field: the specific one when there is one, else "missing".
            missing = f"case when {value} is null then {_lit(label + ' is missing')} end"
            if tombstones and col.name != "source_id":
                # A deletion (a tombstone carries only its id) needs nothing but its id.
                missing = f"case when not coalesce(f__is_deleted, false) then {missing} end"
            problems.append(f"coalesce({', '.join([*field_problems, missing])})")
        else:
            problems += field_problems
    where = f"where {obj.filter}" if obj.filter else ""
    # The raw copies serve the problem checks only; the typed table does not keep them.
    exclude = f"exclude ({', '.join(raw_cols)})" if raw_cols else ""
    return f"""
        with src as (
            select {", ".join(["*", *computed])} from {file_table} {where}
        ),
        parsed as (
            select {", ".join(parsed)} from src
        )
        select * {exclude},
               concat_ws('; ', {", ".join(problems) or "null"}) as _problems
        from parsed
    """


def final_select(
    columns: list[Column],
    typed_table: str,
    *,
    keep_problems: bool = False,
    carry: tuple[str, ...] = (),
) -> str:
    """Staging-shaped SELECT over the typed rows (identifier structs unpacked).

    With `keep_problems`, every row comes out with its `_problems` (empty when none), and
    the `carry` columns; otherwise only the rows without problems."""
    out: list[str] = []
    names = {c.name for c in columns}
    has_siret, has_vat = "siret" in names, "vat_number" in names
    for col in columns:
        n = col.name
        if n in ("source", "_run_id", "_file"):
            out.append(f"${n[1:] if n.startswith('_') else n} as {n}")
        elif n == "_line":
            out.append("_line")
        elif n == "is_deleted":
            # A source's own deletion flag (Salesforce IsDeleted, SAP LOEVM) when mapped.
            out.append("coalesce(f__is_deleted, false) as is_deleted")
        elif n == "siren":
            # The legal unit also comes from a valid SIRET or French VAT number.
            out.append(
                "coalesce(case when f__siren.valid then f__siren.value end, "
                + (
                    "case when f__siret.valid then left(f__siret.value, 9) end, "
                    if has_siret
                    else ""
                )
                + (
                    "case when f__vat_number.valid then c360_vat_siren(f__vat_number.value) end, "
                    if has_vat
                    else ""
                )
                + "f__siren.value) as siren"
            )
        elif n == "siren_valid":
            out.append(
                "case when siren is not null then c360_siren(siren).valid end as siren_valid"
            )
        elif n in CHECKED_FIELDS:
            out.append(f'"f__{n}".value as {n}')
        elif n == "currency":
            out.append("coalesce(f__currency, $currency) as currency")
        elif n in FLAGS:
            base = "vat_number" if n == "vat_valid" else n.removesuffix("_valid")
            if base == "email":
                out.append(f"regexp_full_match(f__email, {_lit(EMAIL_RE)}) as email_valid")
            else:
                out.append(f'"f__{base}".valid as {n}')
        else:
            out.append(f'"f__{n}" as {n}')
    if keep_problems:
        return f"select {', '.join([*out, *carry])}, _problems from {typed_table}"
    return f"select {', '.join(out)} from {typed_table} where _problems = ''"


def _mapped_columns(
    obj: ObjectSpec, header: dict[str, str], columns: list[Column], types: tuple[str, ...]
) -> list[str]:
    """Quoted source columns mapped one-to-one onto staging columns of these types."""
    found = []
    for col in columns:
        spec = obj.fields.get(col.name)
        pick = spec.pick(header) if spec else None
        if pick and pick[0] == "column" and col.type.upper() in types:
            found.append(quote_ident(pick[1]))
    return found


def _date_order(
    con: duckdb.DuckDBPyConnection,
    date_cols: list[str],
    opts: ReadOptions,
    file_table: str,
    sample: int,
) -> dict[str, tuple[str, ...]]:
    formats = list(dict.fromkeys(opts.date_formats + opts.timestamp_formats))
    values = " union all ".join(
        f"select trim({c}) as v from (select {c} from {file_table} limit {sample}) "
        f"where not c360_null_date({c})"
        for c in date_cols
    )
    # strptime wants a constant format: one count per profile format (profile constants).
    tallies = ", ".join(f"count(try_strptime(v, {_lit(f)}))" for f in formats)
    row = con.execute(f"select {tallies} from ({values})").fetchone() or ()
    score = dict(zip(formats, row, strict=False))

    def order(fmts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(fmts, key=lambda f: -score.get(f, 0)))  # stable: profile order

    return {
        "date_formats": order(opts.date_formats),
        "timestamp_formats": order(opts.timestamp_formats),
    }


def _decimal_mark(con: duckdb.DuckDBPyConnection, num_cols: list[str], file_table: str) -> str:
    """',' or '.' when the whole file uses only that mark, else 'auto' (value by value).

    Counted over every value, not a sample: a single '1234.56' in a comma file must not be
    read as 123456.
    """
    commas = " + ".join(f"count(*) filter (where strpos({c}, ',') > 0)" for c in num_cols)
    dots = " + ".join(f"count(*) filter (where strpos({c}, '.') > 0)" for c in num_cols)
    row = con.execute(f"select {commas}, {dots} from {file_table}").fetchone() or (0, 0)
    if row[0] and not row[1]:
        return ","
    if row[1] and not row[0]:
        return "."
    return "auto"


def _reads_mark(col: Column) -> bool:
    """Whether `_typed` reads this column with the file's decimal mark."""
    t = col.type.upper()
    return col.name not in CHECKED_FIELDS and (
        t.startswith("DECIMAL") or t in ("INTEGER", "BIGINT")
    )


def _types(columns: list[Column]) -> tuple[str, ...]:
    return tuple({c.type.upper() for c in columns})


def sniff_formats(
    con: duckdb.DuckDBPyConnection,
    obj: ObjectSpec,
    header: dict[str, str],
    columns: list[Column],
    opts: ReadOptions,
    file_table: str,
    sample: int = 2000,
) -> ReadOptions:
    """The profile's reading options fitted to this file.

    Date formats are reordered so the one the file uses is tried first (a sample decides;
    other values still fall back to the other formats). With an `auto` decimal mark, a
    file that uses only one mark gets the one-pass reader for it.
    """
    fitted: dict[str, object] = {}
    date_cols = _mapped_columns(obj, header, columns, ("DATE", "TIMESTAMP"))
    if date_cols:
        fitted |= _date_order(con, date_cols, opts, file_table, sample)
    num_cols = _mapped_columns(obj, header, columns, ("DECIMAL(18,2)",))
    # Amounts read the same with 'auto' as with the one mark a file uses (a value without
    # the other mark reads alike either way): the count, a pass over the whole file, is
    # worth it only when a quantity or a count (read by the mark too, where '1.000' in a
    # comma file is a thousand) is mapped as well.
    marked = [c for c in columns if c.type.upper() != "DECIMAL(18,2)" and _reads_mark(c)]
    if num_cols and opts.decimal == "auto" and _mapped_columns(obj, header, marked, _types(marked)):
        fitted["decimal"] = _decimal_mark(con, num_cols, file_table)
    return ReadOptions(**{**opts.__dict__, **fitted}) if fitted else opts
