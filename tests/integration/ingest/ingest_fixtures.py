"""Helpers of the ingest integration tests: settings over a temp folder, one source per system."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb

from kernel.settings import Settings, SourceConfig

ROLES = {"hubspot": "crm", "odoo": "erp", "fec": "accounting", "generic": "erp"}


def make_settings(
    root: Path, system: str, *, name: str = "src", inbox: Path | None = None
) -> Settings:
    """Settings with one source of `system` whose inbox is root/inbox (created)."""
    inbox = inbox or root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    source = SourceConfig(name=name, system=system, role=ROLES[system], inbox=inbox)
    return Settings(data_dir=root / "data", sources=[source])


def inbox_of(settings: Settings, source: int = 0) -> Path:
    """The inbox folder of a source (make_settings always gives it one)."""
    inbox = settings.sources[source].inbox
    assert inbox is not None
    return inbox


def drop(settings: Settings, *files: Path, source: int = 0) -> None:
    """Copy files into the inbox of a source (replacing what was there)."""
    inbox = inbox_of(settings, source)
    for f in files:
        shutil.copyfile(f, inbox / f.name)


def staging(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach '{settings.staging_db}' as wh (read_only)")
    con.execute("use wh")
    return con


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """A minimal one-sheet .xlsx (inline strings, numbers): enough for calamine, no deps."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(ref: str, v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, int | float):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'
        )

    body = "".join(
        f'<row r="{i}">'
        + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row))
        + "</row>"
        for i, row in enumerate(rows, start=1)
    )
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def write_parquet(path: Path) -> None:
    """Generic invoices with typed columns (a date, a string id with zeros), one bad amount."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "invoice_id": ["P1", "P2", "P3"],
            "customer_id": ["00041", "00042", "00043"],
            "kind": ["invoice", "invoice", "credit_note"],
            "amount_incl_tax": ["1234.5", "10", "abc"],
            "currency": ["EUR", "EUR", "EUR"],
            "issue_date": pa.array([dt.date(2026, 10, 1)] * 3, pa.date32()),
        }
    )
    pq.write_table(table, path)


GENERATED = {
    "xlsx": lambda p: write_xlsx(
        p,
        [
            ["Record ID", "Company name", "SIRET", "Create Date"],
            [200, "Numeric SIRET", 73282932000074, "2026-01-05 10:00"],
            ["201", "=1+2", None, "2026-01-05 10:00"],
            ["202", "Bad date", None, "31/02/2026"],
        ],
    ),
    "parquet": write_parquet,
    # Hostile files over the default [limits]: generated, too big to commit.
    "long_line": lambda p: p.write_bytes(b"a;" * (600 << 10)),
    "wide_csv": lambda p: p.write_bytes(
        ",".join(f"c{i}" for i in range(20_000)).encode() + b"\n" + b"1," * 19_999 + b"1\n"
    ),
}


DATA = Path(__file__).parents[2] / "data" / "ingest"


def dump(settings: Settings, schema: str = "staging") -> dict[str, list[tuple[object, ...]]]:
    """Every table of a schema, rows sorted: the state to compare between runs."""
    con = staging(settings)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? order by 1",
                [schema],
            ).fetchall()
        ]
        return {
            t: sorted(
                con.execute(f'select * from {schema}."{t}"').fetchall(),
                key=lambda r: tuple("" if v is None else str(v) for v in r),
            )
            for t in tables
        }
    finally:
        con.close()


def customers(settings: Settings) -> dict[str, tuple[str, bool]]:
    """source_id -> (name, is_deleted) of staging.customer."""
    con = staging(settings)
    try:
        rows = con.execute("select source_id, name, is_deleted from staging.customer").fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def write_ods(path: Path, rows: list[str]) -> None:
    """An ODS spreadsheet whose sheet is `rows`: `<table:table-row>` elements as written
    (repeats and all), under the one table; the minimum LibreOffice and calamine read."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">'
        + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)


def ods_row(*values: str, repeat: int = 1) -> str:
    """One `<table:table-row>` of string cells (`repeat` rows alike)."""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    rows = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rows}>{cells}</table:table-row>"
