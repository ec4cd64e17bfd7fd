"""Odoo quotations over the API: `sale.order` rows in state draft / sent are quotes (the
same pages also feed the orders); confirmed orders are skipped by the quote object, not
rejected. Exact rows, money to the cent, read = loaded + rejected + skipped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from connector_harness import Harness
from relationship_harness import settings_for, staged_from


def test_quotations_are_read_as_quotes(tmp_path: Path, odoo: Harness) -> None:
    settings = settings_for(tmp_path / "data", odoo, objects=["sale.order"])
    with staged_from(settings, odoo) as staged:
        counts = staged.by_object()
        # 32 sale.order rows: all are orders; the 2 quotations are quotes, 30 skipped.
        assert counts["sales_order"] == (32, 32, 0, 0)
        assert counts["quote"] == (32, 2, 0, 30)
        assert staged.rows(
            "quote",
            "source_id, customer_source_id, opportunity_source_id, quote_number, status, "
            "issue_date, valid_until, amount_excl_tax, amount_incl_tax, currency, owner",
        ) == [
            ("41", "7", "3", "S00041", "sent", date(2026, 3, 2), date(2026, 4, 1),
             Decimal("2083.33"), Decimal("2500.00"), "EUR", "7"),
            ("42", "8", None, "S00042", "draft", date(2026, 3, 5), None, Decimal("99.99"),
             Decimal("119.99"), "USD", "2"),
        ]  # fmt: skip
        # As orders they are drafts (Odoo's sent quotation is no order yet).
        assert staged.con.execute(
            "select source_id, status from staging.sales_order "
            "where source = 'crm' and source_id in ('41', '42') order by source_id"
        ).fetchall() == [("41", "draft"), ("42", "draft")]
