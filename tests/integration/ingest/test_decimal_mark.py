"""A file's decimal mark is read once per file, and never at the cost of a wrong amount."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings

HEADER = "invoice_id;customer_id;kind;issue_date;amount_incl_tax;amount_open\n"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # French: comma decimals, space thousands, a blank.
        (
            [
                "A;C1;facture;01/02/2026;1 234,56;0,00",
                "B;C1;avoir;02/02/2026;12,5;2,5",
                "C;C1;facture;03/02/2026;7;",
            ],
            {
                "A": (Decimal("1234.56"), Decimal("0.00")),
                "B": (Decimal("12.50"), Decimal("2.50")),
                "C": (Decimal("7.00"), None),
            },
        ),
        # One value written with a dot among comma values: read value by value, not 123456.
        (
            ["A;C1;facture;01/02/2026;1 234,56;0", "B;C1;facture;02/02/2026;1234.56;0"],
            {
                "A": (Decimal("1234.56"), Decimal("0.00")),
                "B": (Decimal("1234.56"), Decimal("0.00")),
            },
        ),
        # English: dot decimals and comma thousands.
        (["A;C1;invoice;2026-02-01;1,234.56;10.5"], {"A": (Decimal("1234.56"), Decimal("10.50"))}),
    ],
)
def test_amounts_read_right_whatever_the_mark(
    tmp_path: Path, rows: list[str], expected: dict[str, tuple[Decimal, Decimal | None]]
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "factures.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "erp", "system": "generic", "role": "erp", "inbox": str(inbox)}],
    )
    result = ingest(settings)
    assert result.ok
    con = connect(settings.staging_db, read_only=True)
    got = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "select source_id, amount_incl_tax, amount_open from staging.invoice"
        ).fetchall()
    }
    assert got == expected
