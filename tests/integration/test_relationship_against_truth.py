"""The 360° relationship facts of the demo company equal its truth (demo_company/writers/
relationship.py): last and next activity, open tickets and quotes, days-to-pay per
invoice and their median and on-time rate over 12 months, for every company, through
the production pipeline (session fixture `built_demo`); and through the API for the
salesperson's own customers. The dirt is there: activities on deleted contacts, tickets
on prospects, payments settling several invoices, quotes turned orders and expired.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from kernel.connection import connect
from kernel.snapshots import current_snapshot


@pytest.fixture(scope="module")
def facts(built_demo: Any) -> dict[str, Any]:
    path = current_snapshot(built_demo.settings.snapshots_dir)
    assert path is not None
    with connect(path, read_only=True) as con:
        owner = {
            (s, i): c
            for s, i, c in con.execute(
                "select source, source_id, customer_id from core.customer_xref"
            ).fetchall()
        }
        mart = {
            r[0]: r[1:]
            for r in con.execute(
                "select customer_id, last_activity_date, next_activity_date, open_ticket_count,"
                " open_ticket_top_priority, open_quote_count, open_quotes_amount,"
                " paid_invoice_count_12m, median_days_to_pay_12m, on_time_rate_12m"
                " from mart.customer_360"
            ).fetchall()
        }
        paid: dict[str, list[tuple[Any, ...]]] = {}
        for row in con.execute(
            "select customer_id, invoice_number, paid_date, days_to_pay, paid_on_time"
            " from core.invoice_payment where basis = 'payment'"
            " and paid_date > date '2025-11-28' and paid_date <= date '2026-11-28'"
            " order by customer_id, invoice_number"
        ).fetchall():
            paid.setdefault(row[0], []).append(row[1:])
        several = con.execute(
            "select count(*) from core.payment where invoice_ref like '%;%'"
        ).fetchone()
        unlinked = con.execute(
            "select count(*) from core.activity where customer_id is null"
        ).fetchone()
        products: dict[str, dict[str, tuple[Any, ...]]] = {}
        for cid, code, m12, total, last in con.execute(
            "select customer_id, product_code, amount_12m, amount_total, last_purchase_date"
            " from core.customer_product"
        ).fetchall():
            products.setdefault(cid, {})[code] = (m12, total, last)
        outcomes = dict(
            con.execute("select outcome, count(*) from core.quote_outcome group by 1").fetchall()
        )
    return {
        "owner": owner,
        "mart": mart,
        "paid": paid,
        "several": several[0] if several else 0,
        "unlinked": unlinked[0] if unlinked else 0,
        "outcomes": outcomes,
        "products": products,
    }


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _customer(facts: dict[str, Any], company: dict[str, Any]) -> str:
    ids = {facts["owner"][(r["source"], r["source_id"])] for r in company["records"]}
    assert len(ids) == 1, company["company_key"]
    return str(ids.pop())


def test_the_demo_is_built_as_of_its_truth(built_demo: Any) -> None:
    # The 12-month window of the queries above.
    assert built_demo.truth["as_of"] == "2026-11-28"


def test_activities_tickets_quotes_equal_truth(built_demo: Any, facts: dict[str, Any]) -> None:
    mismatches = []
    checked = 0
    for company in built_demo.truth["companies"]:
        rel = company["relationship"]
        got = facts["mart"][_customer(facts, company)]
        expected = (
            _day(rel["last_activity_date"]),
            _day(rel["next_activity_date"]),
            rel["open_ticket_count"],
            rel["open_ticket_top_priority"],
            rel["open_quote_count"],
            Decimal(rel["open_quotes_amount"]),
        )
        checked += any(expected[:5])
        if tuple(got[:6]) != expected:
            mismatches.append((company["company_key"], tuple(got[:6]), expected))
    assert not mismatches, mismatches[:5]
    assert checked > 100


def test_days_to_pay_equal_truth(built_demo: Any, facts: dict[str, Any]) -> None:
    mismatches: list[tuple[Any, ...]] = []
    medians = 0
    for company in built_demo.truth["companies"]:
        rel = company["relationship"]
        customer = _customer(facts, company)
        expected = sorted(
            (name, date.fromisoformat(day), days, on_time)
            for name, day, days, on_time in rel["paid_invoices_12m"]
        )
        if facts["paid"].get(customer, []) != expected:
            mismatches.append((company["company_key"], facts["paid"].get(customer), expected))
            continue
        if rel["credit_settled_12m"]:
            continue  # an invoice the books' lettering dates also counts there
        count, median, on_time = facts["mart"][customer][6:9]
        want = (
            len(expected),
            Decimal(rel["median_days_to_pay_12m"]) if rel["median_days_to_pay_12m"] else None,
        )
        if (count, median) != want:
            mismatches.append((company["company_key"], (count, median), want))
        elif expected:
            medians += 1
            assert on_time == pytest.approx(Decimal(rel["on_time_rate_12m"]), abs=Decimal("1e-4"))
    assert not mismatches, mismatches[:5]
    assert medians > 50


def test_the_dirt_is_there(built_demo: Any, facts: dict[str, Any]) -> None:
    dirt = {d for c in built_demo.truth["companies"] for d in c["relationship"]["dirt"]}
    assert {
        "activity_on_deleted_contact",
        "ticket_on_prospect",
        "quote_became_order",
        "quote_expired",
    } <= dirt
    assert facts["several"] > 0, "no payment settles several invoices"
    assert facts["unlinked"] > 0, "no activity names only a deleted contact"
    assert facts["outcomes"].get("accepted", 0) > 0 and facts["outcomes"].get("expired", 0) > 0


def test_salesperson_reads_her_customers_relationship(built_demo: Any) -> None:
    sales = built_demo.user("sales")
    mine = [c for c in built_demo.truth["companies"] if c["owner"] == sales["owner_name"]]
    with TestClient(create_app(built_demo.settings)) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"username": sales["username"], "password": sales["password"]},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        listing = client.get("/api/v1/customers?limit=200", headers=headers).json()["data"]
        by_code = {c["customer_code"]: c["customer_id"] for c in listing if c["customer_code"]}
        seen = 0
        for company in mine:
            rel = company["relationship"]
            cid = by_code.get(company["customer_code"])
            if cid is None or not rel["paid_invoices_12m"] or not rel["open_ticket_count"]:
                continue
            profile = client.get(f"/api/v1/customers/{cid}", headers=headers).json()
            assert profile["relationship"]["open_ticket_count"] == rel["open_ticket_count"]
            assert profile["relationship"]["last_activity_date"] == rel["last_activity_date"]
            payments = client.get(
                f"/api/v1/customers/{cid}/payments?limit=200", headers=headers
            ).json()["data"]
            got = {(p["invoice_number"], p["paid_date"], p["days_to_pay"]) for p in payments}
            assert {(n, d, days) for n, d, days, _ in rel["paid_invoices_12m"]} <= got
            tickets = client.get(f"/api/v1/customers/{cid}/tickets", headers=headers).json()
            assert sum(t["is_open"] for t in tickets["data"]) == rel["open_ticket_count"]
            seen += 1
        assert seen > 0


def test_products_bought_equal_truth(built_demo: Any, facts: dict[str, Any]) -> None:
    # Lines of confirmed Odoo orders only: quotations and cancelled orders have lines too.
    mismatches = []
    checked = 0
    for company in built_demo.truth["companies"]:
        want = {
            code: (Decimal(m12), Decimal(total), date.fromisoformat(last))
            for code, (m12, total, last) in company["relationship"]["products"].items()
        }
        got = facts["products"].get(_customer(facts, company), {})
        checked += bool(want)
        if got != want:
            mismatches.append((company["company_key"], got, want))
    assert not mismatches, mismatches[:3]
    assert checked > 100
