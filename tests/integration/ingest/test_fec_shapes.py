"""A FEC reads as the standard (art. A47 A-1, FORMATS.md §8) defines it, to the cent.

Tab or pipe, no quoting, any mix of LF / CR LF / CR CR LF / CR line endings, blank lines at
the end, BOM or not, UTF-8, ISO-8859-15 or cp1252, decimal comma or point, Montant + Sens.
Each file is written here by hand (fec_writer) with its own truth: the receivable balance
of every customer. Rows are accounted for: read = loaded + rejected + skipped.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fec_writer import CUSTOMERS, Fec, build, line_of_record, write
from ingest_fixtures import make_settings, staging

from ingest.pipeline import ingest
from kernel.settings import Settings

FILE = "123456789FEC20261231.txt"


def _load(tmp_path: Path, fec: Fec, **shape: object) -> Settings:
    settings = make_settings(tmp_path, "fec", name="books")
    assert settings.sources[0].inbox is not None
    write(settings.sources[0].inbox / FILE, fec, **shape)
    result = ingest(settings)
    assert sorted((o.object or "", o.status) for o in result.outcomes) == [
        ("customer", "loaded"),
        ("ledger_line", "loaded"),
        ("receivable_item", "loaded"),
    ], [o.message for o in result.outcomes]
    return settings


def _assert_books(settings: Settings, fec: Fec, blank_every: int = 0) -> None:
    con = staging(settings)
    try:
        runs = con.execute(
            "select object, status, rows_read, rows_loaded, rows_rejected, rows_skipped "
            "from meta.ingest_run where file = ? order by object",
            [FILE],
        ).fetchall()
        balances = dict(
            con.execute(
                "select customer_source_id, sum(amount) from staging.receivable_item "
                "where not is_deleted group by 1"
            ).fetchall()
        )
        total = con.execute("select sum(amount) from staging.receivable_item").fetchone()
        names = dict(con.execute("select source_id, name from staging.customer").fetchall())
        reject_lines = [
            r[0]
            for r in con.execute(
                "select line from meta.reject where object = 'receivable_item' order by line"
            ).fetchall()
        ]
    finally:
        con.close()
    by_object = {r[0]: r[1:] for r in runs}
    for obj, (status, read, loaded, rejected, skipped) in by_object.items():
        assert status == "loaded"
        assert read == fec.data_lines, obj
        assert read == loaded + rejected + skipped, obj
    _, _, loaded, rejected, skipped = by_object["receivable_item"]
    assert rejected == len(fec.bad_records)
    assert loaded == fec.receivable_lines - rejected
    assert skipped == fec.data_lines - fec.receivable_lines
    assert reject_lines == [line_of_record(r, blank_every) for r in fec.bad_records]
    assert total == (fec.total,)
    assert balances == fec.balances
    assert all(isinstance(v, Decimal) for v in balances.values())
    # Names as written: accents, ligatures, the euro sign and a quoted word.
    assert {k: names[k] for k in fec.balances} == {k: v for k, v in CUSTOMERS if k in fec.balances}


def test_ten_thousand_lines_ending_in_cr_cr_lf(tmp_path: Path) -> None:
    """The double-conversion artefact: every line ends in CR CR LF, UTF-8, tab."""
    fec = build(2500, bad_every=97)
    assert fec.data_lines >= 10_000 and fec.bad_records
    settings = _load(tmp_path, fec, eol="\r\r\n")
    _assert_books(settings, fec)
    con = staging(settings)
    try:
        # Physical lines are those of the file as delivered (the header is line 1).
        first_payment = next(i for i, r in enumerate(fec.records) if r[0] == "BQ" and r[6])
        row = con.execute(
            "select _line, amount from staging.receivable_item where journal = 'BQ' "
            "order by _line limit 1"
        ).fetchone()
        assert row is not None and row[0] == fec.line_of(first_payment)
        # raw.* holds the label as written, `"` included.
        labels = con.execute(
            'select "EcritureLib" from raw.books__receivable_item where _line = ?',
            [fec.line_of(0)],
        ).fetchone()
        assert labels == (fec.records[0][10],) and labels[0].startswith('"Facture"')
    finally:
        con.close()


SHAPES: dict[str, dict[str, object]] = {
    "lf, last line crlf": {"eol": "\n", "final": "\r\n"},
    "mixed lf, crlf, cr cr lf, cr": {"eol": ["\n", "\r\n", "\r\r\n", "\r"]},
    "blank lines at the end": {"eol": "\r\n", "trailing": "\r\n\r\n\n"},
    "utf-8 with bom": {"eol": "\r\n", "bom": True},
    "iso-8859-15": {"eol": "\r\n", "encoding": "iso-8859-15"},
    "cp1252": {"eol": "\r\n", "encoding": "cp1252"},
    "pipe": {"eol": "\n", "sep": "|"},
    "no final line break": {"eol": "\n", "final": ""},
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_shape_of_the_standard(tmp_path: Path, shape: dict[str, object]) -> None:
    fec = build(60, bad_every=11)
    _assert_books(_load(tmp_path, fec, **shape), fec)


@pytest.mark.parametrize("mark", [",", "."], ids=["decimal comma", "decimal point"])
@pytest.mark.parametrize("montant_sens", [False, True], ids=["debit credit", "montant sens"])
def test_amount_layouts(tmp_path: Path, mark: str, montant_sens: bool) -> None:
    fec = build(60, mark=mark, montant_sens=montant_sens)
    assert ("Montant" in fec.header) is montant_sens
    _assert_books(_load(tmp_path, fec, eol="\r\r\n", sep="|"), fec)


def test_cp1252_is_told_from_iso_8859_15(tmp_path: Path) -> None:
    """Both are allowed; the FEC fallback is ISO-8859-15, yet cp1252's œ and € read right."""
    fec = build(10)
    assert {"C002", "C005"} <= set(fec.balances)
    raw = write(tmp_path / "x.txt", fec, encoding="cp1252")
    assert "œ".encode("cp1252") in raw.read_bytes()
    _assert_books(_load(tmp_path, fec, encoding="cp1252"), fec)


def test_blank_lines_inside_the_file_keep_line_numbers_right(tmp_path: Path) -> None:
    """The parser skips blank lines without a word; kept rows and rejects still carry the
    line a person finds them on."""
    fec = build(60, bad_every=7)
    settings = _load(tmp_path, fec, eol="\r\r\n", blank_every=5)
    _assert_books(settings, fec, blank_every=5)
    con = staging(settings)
    try:
        lines = con.execute(
            "select _line, document_ref, amount from staging.receivable_item order by _line"
        ).fetchall()
    finally:
        con.close()
    expected = sorted(
        (line_of_record(i, 5), r[8])
        for i, r in enumerate(fec.records)
        if r[4].startswith("411") and i not in fec.bad_records
    )
    assert [(r[0], r[1]) for r in lines] == expected
