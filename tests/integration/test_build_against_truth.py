"""Issue 5's proof: the published numbers equal the truth and an independent FEC reading.

The snapshot is built by the production pipeline (session fixture `built_demo`). Each
company's outstanding and overdue amounts in `mart.customer_360` must equal truth.json
to the cent, and must also equal a computation from the raw FEC file written here in
plain Python, sharing no code with c360.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from kernel.connection import connect
from kernel.snapshots import current_snapshot
from warehouse.checks import run_checks

if TYPE_CHECKING:
    from tests.conftest import BuiltDemo

TERMS = {"Immediate Payment": 0, "15 Days": 15, "30 Days": 30, "45 Days": 45, "60 Days": 60}


def _snapshot(built_demo: BuiltDemo) -> duckdb.DuckDBPyConnection:
    path = current_snapshot(built_demo.settings.snapshots_dir)
    assert path is not None
    return connect(path, read_only=True)


def _customer_of(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    rows = con.execute("select source, source_id, customer_id from core.customer_xref").fetchall()
    return {(s, i): c for s, i, c in rows}


def _fec_balances(root: Path, as_of: date) -> dict[str, tuple[Decimal, Decimal]]:
    """Outstanding and overdue per auxiliary account, from the FEC file alone."""
    terms: dict[str, int] = {}
    with open(root / "inbox/odoo/res_partner.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            terms[row["ref"]] = TERMS.get(row["property_payment_term_id"], 30)
    fec = next((root / "inbox/fec").glob("*FEC*.txt"))
    lines: list[dict[str, str]] = []
    with open(fec, encoding="iso-8859-15", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["CompteNum"].strip().startswith(("411", "413", "416", "419")):
                lines.append(row)

    def amount(text: str) -> Decimal:
        return Decimal(text.strip().replace(",", ".") or "0")

    items: list[tuple[str, Decimal, date]] = []  # (customer, open amount, document date)
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in lines:
        key = row["CompAuxNum"].strip() or row["CompteNum"].strip()
        value = amount(row["Debit"]) - amount(row["Credit"])
        doc = datetime.strptime(row["PieceDate"].strip(), "%Y%m%d").date()
        if row["EcritureLet"].strip():
            groups[(key, row["EcritureLet"].strip())].append(row)
        else:
            items.append((key, value, doc))
    for (key, _), rows in groups.items():
        residual = sum((amount(r["Debit"]) - amount(r["Credit"]) for r in rows), Decimal(0))
        if residual:
            debits = [r for r in rows if amount(r["Debit"]) > 0] or rows
            first = min(datetime.strptime(r["PieceDate"].strip(), "%Y%m%d").date() for r in debits)
            items.append((key, residual, first))
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for key, value, doc in items:
        outstanding, overdue = out.get(key, (Decimal(0), Decimal(0)))
        due = doc + timedelta(days=terms.get(key, 30))
        late = value if value > 0 and due < as_of else Decimal(0)
        out[key] = (outstanding + value, overdue + late)
    return out


def test_every_customer_equals_truth_to_the_cent(built_demo: BuiltDemo) -> None:
    con = _snapshot(built_demo)
    owner = _customer_of(con)
    mart = {
        r[0]: r[1:]
        for r in con.execute(
            "select customer_id, outstanding_amount, overdue_amount, oldest_overdue_days "
            "from mart.customer_360"
        ).fetchall()
    }
    mismatches = []
    for company in built_demo.truth["companies"]:
        ids = {owner[(r["source"], r["source_id"])] for r in company["records"]}
        assert len(ids) == 1, f"{company['company_key']} split over {ids}"
        outstanding, overdue, oldest = mart[ids.pop()]
        expected = (
            Decimal(company["outstanding_amount"]),
            Decimal(company["overdue_amount"]),
            company["oldest_overdue_days"],
        )
        if (outstanding, overdue, oldest or 0) != expected:
            mismatches.append((company["company_key"], (outstanding, overdue, oldest), expected))
    assert not mismatches, mismatches[:5]


def test_fec_read_independently_gives_the_same_numbers(built_demo: BuiltDemo) -> None:
    con = _snapshot(built_demo)
    as_of = built_demo.settings.effective_as_of()
    independent = _fec_balances(built_demo.root, as_of)
    owner = _customer_of(con)
    mart = dict(
        (r[0], (r[1], r[2]))
        for r in con.execute(
            "select customer_id, outstanding_amount, overdue_amount from mart.customer_360"
        ).fetchall()
    )
    assert independent, "the FEC has receivable lines"
    for aux, expected in independent.items():
        assert mart[owner[("compta", aux)]] == expected, aux


def test_amounts_are_decimals_never_floats(built_demo: BuiltDemo) -> None:
    con = _snapshot(built_demo)
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'mart' and table_name = 'customer_360' "
            "and column_name like '%amount'"
        ).fetchall()
    )
    assert types and all(t == "DECIMAL(18,2)" for t in types.values()), types


def test_the_published_snapshot_passes_the_build_checks(built_demo: BuiltDemo) -> None:
    con = _snapshot(built_demo)
    failures = run_checks(con, built_demo.settings.fec.receivable_prefixes)
    assert failures == [], failures


@pytest.mark.parametrize("column", ["customer_id", "name"])
def test_customer_360_has_no_null_keys(built_demo: BuiltDemo, column: str) -> None:
    con = _snapshot(built_demo)
    nulls = con.execute(f"select count(*) from mart.customer_360 where {column} is null").fetchone()
    assert nulls == (0,)
