"""Stable golden ids across builds; the oldest id survives a merge and the other redirects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
from warehouse_fixtures import insert, snapshot, staging, xref_of

from kernel.settings import Settings
from warehouse.build import build


def test_ids_are_stable_from_one_build_to_the_next(
    staging_factory: Callable[..., Settings],
) -> None:
    settings = staging_factory()
    first = build(settings)
    second = build(settings)
    assert first.published and second.published
    assert first.snapshot is not None and second.snapshot is not None
    con1, con2 = snapshot(first.snapshot), snapshot(second.snapshot)
    assert xref_of(con1) == xref_of(con2)
    # Re-running is harmless: the same staging gives the same marts.
    for table in ("mart.customer_360", "mart.ar_aging", "mart.kpi_monthly", "core.open_item"):
        query = f"select * from {table} order by all"
        assert con1.execute(query).fetchall() == con2.execute(query).fetchall(), table
    assert con2.execute("select count(*) from core.customer_redirect").fetchone() == (0,)
    ids = [r[0] for r in con2.execute("select customer_id from core.customer").fetchall()]
    assert all(len(i) == 8 and i.startswith("C") and i[1:].isdigit() for i in ids)
    con1.close()
    con2.close()


def test_merge_keeps_the_oldest_id_and_redirects_the_other(
    staging_factory: Callable[..., Settings],
) -> None:
    settings = staging_factory(with_seed=False)
    with staging(settings) as con:
        insert(con, "customer", source="crm", source_id="H10", name="Zulu")
        insert(con, "customer", source="erp", source_id="E10", name="Omega Holding", customer_code="K10")  # fmt: skip
    first = build(settings)
    assert first.snapshot is not None
    with snapshot(first.snapshot) as snap:
        before = xref_of(snap)
    crm_id, erp_id = before[("crm", "H10")][0], before[("erp", "E10")][0]
    assert crm_id != erp_id

    # The CRM record now holds the ERP code, and a new ERP customer appears.
    with staging(settings) as con:
        con.execute("update staging.customer set customer_code = 'K10' where source_id = 'H10'")
        insert(con, "customer", source="erp", source_id="E11", name="Newcomer")
    later = settings.model_copy(update={"as_of": date(2026, 11, 29)})
    second = build(later)
    assert second.published and second.snapshot is not None
    with snapshot(second.snapshot) as snap:
        after = xref_of(snap)
        survivor = min(crm_id, erp_id)
        merged = max(crm_id, erp_id)
        assert after[("crm", "H10")] == (survivor, "xref")
        assert after[("erp", "E10")] == (survivor, "xref")
        assert snap.execute(
            "select old_customer_id, customer_id, build_id from core.customer_redirect"
        ).fetchall() == [(merged, survivor, second.build_id)]
        # New ids continue after the largest id ever issued, redirected ones included.
        assert after[("erp", "E11")][0] == "C0000003"
        history = snap.execute(
            "select build_date, count(*) from mart.balance_history group by all order by all"
        ).fetchall()
        assert history == [(date(2026, 11, 28), 2), (date(2026, 11, 29), 2)]


def test_an_order_cancelled_after_sync_is_flagged(
    staging_factory: Callable[..., Settings],
) -> None:
    settings = staging_factory(with_seed=False)
    with staging(settings) as con:
        insert(con, "customer", source="erp", source_id="E1", name="Acme", customer_code="K1")
        for order_id, status in (("O1", "confirmed"), ("O2", "draft")):
            insert(con, "sales_order", source="erp", source_id=order_id, customer_source_id="E1", order_number=order_id, status=status, amount_excl_tax=100)  # fmt: skip
    assert build(settings).published
    with staging(settings) as con:
        con.execute("update staging.sales_order set status = 'cancelled'")
    result = build(settings)
    assert result.published and result.snapshot is not None
    with snapshot(result.snapshot) as snap:
        flagged = snap.execute(
            "select source_id, previous_status from core.order_cancelled_after_sync"
        ).fetchall()
        assert flagged == [("O1", "confirmed")]  # O2 was only a draft: cancelling it is normal
        alert = snap.execute(
            "select message from mart.alert where alert_type = 'order_cancelled_after_sync'"
        ).fetchall()
        assert alert == [("Order O1 was cancelled after it had been confirmed",)]
        quality = snap.execute(
            "select count(*) from mart.data_quality where check_name = 'order_cancelled_after_sync'"
        ).fetchone()
        assert quality == (1,)


def test_a_second_build_of_the_day_replaces_its_balances(
    staging_factory: Callable[..., Settings],
) -> None:
    """The history keeps one balance per customer and day: a rebuild of the same day
    updates them, and a customer gone since the day's first build loses its row."""
    settings = staging_factory()
    with staging(settings) as con:
        insert(con, "customer", source="erp", source_id="GONE1", name="Ephemeral SARL")
    first = build(settings)
    assert first.published and first.snapshot is not None
    gone = xref_of(snapshot(first.snapshot))[("erp", "GONE1")][0]
    with staging(settings) as con:
        con.execute("delete from staging.customer where source_id = 'GONE1'")
    second = build(settings)
    assert second.published and second.snapshot is not None
    query = (
        "select build_date, customer_id, outstanding_amount, overdue_amount, build_id"
        " from {} order by all"
    )
    with snapshot(second.snapshot) as snap:
        built = snap.execute(query.format("mart.balance_history")).fetchall()
    with duckdb.connect(str(settings.history_db), read_only=True) as hist:
        kept = hist.execute(query.format("balance_history")).fetchall()
    assert kept == built
    assert {r[4] for r in kept} == {second.build_id}
    assert gone not in {r[1] for r in kept}
    assert len(kept) > 1
