"""Sage X3 SQUOTE (quote header) in a French extract: `;`, Windows-1252, dd/mm/yyyy,
`1 234,56`, blanks `' '`, the null date 31/12/1599. QUOSTA "Etat devis" (1 not ordered,
2 partly ordered, 3 ordered), VLYDAT "Date validité", SOHNUM the order it became,
QUOINVNOT / QUOINVATI the quote's value excl. / incl. tax. Exact rows, money to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ingest.profile import load_profile, normalise_header

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load


def test_sage_x3_squote(load: Load) -> None:
    db = load("sage_x3", "sage_x3_quotes")
    assert db.runs() == {("SQUOTE.csv", "quote"): ("loaded", 5, 4, 1, 0)}
    assert db.rejects() == [
        ("SQUOTE.csv", 6, "status '7' is not a known value (expected one of: 1, 2, 3)")
    ]
    assert db.rows(
        "quote",
        "source_id, customer_source_id, quote_number, status, issue_date, valid_until, "
        "amount_excl_tax, amount_incl_tax, currency, owner, order_source_id",
    ) == [
        # Ordered: it became SON2600001.
        ("SQN2600001", "C0001", "SQN2600001", "accepted", date(2026, 1, 12), date(2026, 2, 11),
         Decimal("10000.00"), Decimal("12000.00"), "EUR", "REP01", "SON2600001"),
        # Not ordered, no validity date (31/12/1599), no representative (' ').
        ("SQN2600002", "C0002", "SQN2600002", "sent", date(2026, 3, 3), None,
         Decimal("1234.56"), Decimal("1481.47"), "EUR", None, None),
        # Partly ordered counts as accepted; its own currency.
        ("SQN2600003", "C0003", "SQN2600003", "accepted", date(2026, 3, 15), date(2026, 4, 14),
         Decimal("2500.50"), Decimal("3000.60"), "GBP", "REP02", "SON2600007"),
        ("SQN2600004", "C0001", "SQN2600004", "sent", date(2026, 3, 20), date(2026, 4, 19),
         Decimal("999.99"), Decimal("1199.99"), "EUR", "Ré01", None),
    ]  # fmt: skip


def test_squoted_lines_are_not_quotes() -> None:
    # SQUOTED (the quote lines) also carries SQHNUM and BPCORD; its SQDLIN tells it apart.
    profile = load_profile("sage_x3")
    header = "SQHNUM_0;BPCORD_0;QUODAT_0;VLYDAT_0;QUOSTA_0;SOHNUM_0;QUOINVNOT_0;CUR_0"
    lines = "SQHNUM_0;SQDLIN_0;BPCORD_0;QUODAT_0;ITMREF_0;QTY_0;NETPRI_0;SOHNUM_0"
    for text, objects in ((header, ["quote"]), (lines, [])):
        names = {normalise_header(c): c for c in text.split(";")}
        assert [o.name for o in profile.detect(names)] == objects
