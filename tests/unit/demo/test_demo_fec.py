"""The FEC is a well-formed French FEC: latin-9, CRLF, tabs, balanced entries."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from fec_columns import FEC_COLUMNS

from demo_company import DemoSummary

FEC_AMOUNT = re.compile(r"^\d+,\d{2}$")


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_encoding_line_ends_and_header(demo: DemoSummary) -> None:
    raw = demo.fec_path.read_bytes()
    text = raw.decode("iso8859_15")
    assert text.split("\r\n")[0].split("\t") == FEC_COLUMNS
    assert "\n" not in text.replace("\r\n", "")
    # Accented customer names are written as single latin-9 bytes, not UTF-8 sequences.
    assert "é".encode("iso8859_15") in raw or "è".encode("iso8859_15") in raw
    assert "é".encode() not in raw


def test_fields_are_well_formed(fec_rows: list[dict[str, str]]) -> None:
    assert fec_rows
    for row in fec_rows:
        assert FEC_AMOUNT.match(row["Debit"]) and FEC_AMOUNT.match(row["Credit"]), row
        assert re.fullmatch(r"2026\d{4}", row["EcritureDate"])
        assert "20260101" <= row["EcritureDate"] <= "20261128"
        assert re.fullmatch(r"\d{8}", row["PieceDate"])
        assert row["DateLet"] == "" or re.fullmatch(r"\d{8}", row["DateLet"])
        assert bool(row["EcritureLet"]) == bool(row["DateLet"])
        if row["CompteNum"] == "41100000":
            assert re.fullmatch(r"C\d{5}", row["CompAuxNum"]) and row["CompAuxLib"]
        else:
            assert row["CompAuxNum"] == "" and row["EcritureLet"] == ""
    assert any(any(ord(ch) > 127 for ch in r["CompAuxLib"]) for r in fec_rows)


def test_every_entry_balances(fec_rows: list[dict[str, str]]) -> None:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in fec_rows:
        totals[(row["JournalCode"], row["EcritureNum"])] += amount(row["Debit"]) - amount(
            row["Credit"]
        )
    assert totals and all(v == 0 for v in totals.values())


def test_opening_first_and_numbers_continuous(fec_rows: list[dict[str, str]]) -> None:
    journals = [row["JournalCode"] for row in fec_rows]
    assert journals[0] == "AN"
    first_other = next(i for i, j in enumerate(journals) if j != "AN")
    assert "AN" not in journals[first_other:]
    assert {r["EcritureDate"] for r in fec_rows if r["JournalCode"] == "AN"} == {"20260101"}
    assert set(journals) == {"AN", "VE", "BQ"}
    seen: dict[str, list[int]] = defaultdict(list)
    for row in fec_rows:
        number = int(row["EcritureNum"][2:])
        if not seen[row["JournalCode"]] or seen[row["JournalCode"]][-1] != number:
            seen[row["JournalCode"]].append(number)
    for numbers in seen.values():
        assert numbers == list(range(1, len(numbers) + 1))
    dates = [r["EcritureDate"] for r in fec_rows if r["JournalCode"] != "AN"]
    assert dates == sorted(dates), "entries are not in chronological order"


def test_only_posted_moves(demo: DemoSummary, fec_rows: list[dict[str, str]]) -> None:
    import csv

    with (demo.out_dir / "inbox" / "odoo" / "account_move.csv").open(encoding="utf-8") as fh:
        moves = list(csv.DictReader(fh))
    not_posted = {m["name"] for m in moves if m["state"] != "posted"}
    assert not_posted
    assert not not_posted & {r["PieceRef"] for r in fec_rows}
    lettered = [r for r in fec_rows if r["EcritureLet"]]
    assert lettered and all(re.fullmatch(r"[A-Z]{2,}", r["EcritureLet"]) for r in lettered)
