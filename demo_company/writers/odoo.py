"""Odoo 17 "import-compatible" list exports: res_partner.csv, sale_order.csv, account_move.csv.

Headers are technical field paths, `id` holds external ids, many2one fields appear as
`<field>/id` (external id) plus the display name. Odoo's exporter writes every cell
quoted (csv quoting=1) with CRLF line ends; we do the same.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from demo_company.companies import Company
from demo_company.config import CURRENCY, ZERO
from demo_company.ledger import Invoice, Ledger, Settlement

PARTNER_HEADER = (
    "id",
    "name",
    "is_company",
    "ref",
    "vat",
    "company_registry",
    "email",
    "phone",
    "street",
    "zip",
    "city",
    "country_id",
    "user_id",
    "property_payment_term_id",
    "credit_limit",
    "customer_rank",
    "category_id",
    "create_date",
    "write_date",
)
ORDER_HEADER = (
    "id",
    "name",
    "partner_id/id",
    "partner_id",
    "date_order",
    "state",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "currency_id",
    "invoice_status",
    "user_id",
    "client_order_ref",
)
MOVE_HEADER = (
    "id",
    "name",
    "move_type",
    "state",
    "partner_id/id",
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "payment_state",
    "currency_id",
    "invoice_origin",
)


def odoo_datetime(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")  # much faster than strftime


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _partner_rows(companies: list[Company], ledger: Ledger) -> list[list[str]]:
    posted = Counter(i.company.key for i in ledger.invoices if i.state == "posted")
    rows = []
    for c in sorted((c for c in companies if c.erp), key=lambda c: c.erp.db_id if c.erp else 0):
        p = c.erp
        assert p is not None
        rows.append(
            [
                p.xml_id,
                p.name,
                "True",
                p.ref,
                p.vat,
                p.registry,
                p.email,
                p.phone,
                p.address.street,
                p.address.postcode,
                p.address.city,
                p.address.country,
                c.owner,
                c.payment_term,
                f"{c.credit_limit}.0",
                str(max(1, posted[c.key])),
                c.segment,
                odoo_datetime(p.created),
                odoo_datetime(p.written),
            ]
        )
    return rows


def _order_rows(ledger: Ledger) -> list[list[str]]:
    rows = []
    for o in ledger.orders:
        p = o.company.erp
        assert p is not None
        rows.append(
            [
                o.xml_id,
                o.name,
                p.xml_id,
                p.name,
                odoo_datetime(o.ordered),
                o.state,
                amount(o.untaxed),
                amount(o.tax),
                amount(o.total),
                CURRENCY,
                o.invoice_status,
                o.company.owner,
                o.client_ref,
            ]
        )
    return rows


def _invoice_row(inv: Invoice, as_of: date) -> list[str]:
    p = inv.company.erp
    assert p is not None
    return [
        inv.xml_id,
        inv.name,
        "out_invoice",
        inv.state,
        p.xml_id,
        p.name,
        inv.invoice_date.isoformat(),
        inv.due_date.isoformat(),
        amount(inv.untaxed),
        amount(inv.tax),
        amount(inv.total),
        amount(inv.residual),
        inv.payment_state(as_of),
        CURRENCY,
        inv.order.name if inv.order else "",
    ]


def _refund_row(note: Settlement) -> list[str]:
    inv = note.invoice
    assert inv is not None and inv.company.erp is not None
    p = inv.company.erp
    due = note.on + timedelta(days=inv.company.payment_days)
    # Fully applied to the invoice it reverses: residual 0, paid. The origin names that
    # invoice, as Odoo's reversal wizard does.
    return [
        note.xml_id,
        note.name,
        "out_refund",
        "posted",
        p.xml_id,
        p.name,
        note.on.isoformat(),
        due.isoformat(),
        amount(note.untaxed),
        amount(note.tax),
        amount(note.amount),
        amount(ZERO),
        "paid",
        CURRENCY,
        inv.name,
    ]


def _move_id(xml_id: str) -> int:
    return int(xml_id.split("_")[-2])


def write_odoo(
    companies: list[Company], ledger: Ledger, folder: Path, as_of: date
) -> dict[str, int]:
    """Write the three exports; returns data rows per file name."""
    moves = [_invoice_row(i, as_of) for i in ledger.invoices]
    moves += [_refund_row(n) for n in ledger.credit_notes]
    moves.sort(key=lambda row: _move_id(row[0]))
    return {
        "res_partner.csv": _write(
            folder / "res_partner.csv", PARTNER_HEADER, _partner_rows(companies, ledger)
        ),
        "sale_order.csv": _write(folder / "sale_order.csv", ORDER_HEADER, _order_rows(ledger)),
        "account_move.csv": _write(folder / "account_move.csv", MOVE_HEADER, moves),
    }
