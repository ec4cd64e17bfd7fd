"""The 360° profile is served as stored at build time (warehouse/sql/serving/customer.sql),
not rebuilt per request: every profile of a real-pipeline build must still be exactly what
its response model (CustomerProfile, the OpenAPI schema) writes, money to the cent."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest
from fastapi.testclient import TestClient

from api.evidence import evidence_text
from api.schemas import CustomerProfile
from kernel.snapshots import current_snapshot

MONEY = (
    "outstanding_amount",
    "overdue_amount",
    "unallocated_cash_amount",
    "credit_balance_amount",
    "credit_limit_amount",
    "revenue_total_amount",
)


@pytest.fixture(scope="module")
def truth(built_demo):  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    con = duckdb.connect(str(snapshot), read_only=True)
    rows = con.execute(
        f"select c.customer_id, c.name, {', '.join(f'c.{m}' for m in MONEY)},"
        " (select count(*) from core.customer_xref as x where x.customer_id = c.customer_id),"
        " c.alert_count, c.aging_over_90_amount from mart.customer_360 as c"
        " order by c.customer_id"
    ).fetchall()
    con.close()
    return snapshot.stem, rows


def test_every_profile_is_what_its_model_writes(demo_client: TestClient, truth) -> None:  # type: ignore[no-untyped-def]
    build_id, rows = truth
    assert len(rows) > 100
    kinds = {"alerts": 0, "conflicts": 0, "provenance": 0}
    for row in rows:
        response = demo_client.get(f"/api/v1/customers/{row[0]}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        # Parsed by the model and written again: the same bytes, so the stored document
        # has every field, in order, in the types the schema declares.
        model = CustomerProfile.model_validate_json(response.content)
        assert model.model_dump_json().encode() == response.content
        body = json.loads(response.content)
        assert body["customer_id"] == row[0] and body["name"] == row[1]
        assert body["snapshot"] == build_id
        for field, value in zip(MONEY, row[2 : 2 + len(MONEY)], strict=True):
            shown = body["financial"][field]
            assert (Decimal(shown) if shown is not None else None) == value, field
        assert len(body["sources"]) == row[-3]
        assert len(body["alerts"]) == row[-2]
        over_90 = body["financial"]["aging"]["over_90"]
        assert (Decimal(over_90) if over_90 is not None else None) == row[-1]
        for x in body["sources"]:
            assert x["evidence_text"] == evidence_text(
                x["match_rule"], x["evidence"], x["match_score"]
            )
        assert all(a["customer_name"] == row[1] for a in body["alerts"])
        for kind in kinds:
            kinds[kind] += bool(body[kind])
    # The demo has each kind of list somewhere: the checks above saw them.
    assert all(kinds.values()), kinds


def test_unknown_id_is_404(demo_client: TestClient) -> None:
    response = demo_client.get("/api/v1/customers/NO-SUCH-ID")
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"


# The provenance as the warehouse states it, set-based: each surviving field's source
# (core.customer), that source's system and role (core.source) and last load
# (meta.ingest_run), and the latest change and run of the customer's records from it
# (core.customer_xref). The API puts it together per request (api/profile.py).
_PROVENANCE = """
with field as (
    select customer_id, 1 as seq, 'address' as field, address_source as source
    from core.customer
    union all select customer_id, 2, 'email', email_source from core.customer
    union all select customer_id, 3, 'name', name_source from core.customer
    union all select customer_id, 4, 'phone', phone_source from core.customer
    union all select customer_id, 5, 'siret', siret_source from core.customer
),
record as (
    select customer_id, source, max(source_updated_at) as changed_at,
        max(loaded_in_run) as run_id
    from core.customer_xref group by customer_id, source
),
last_run as (
    select source, max(finished_at) as loaded_at, arg_max(run_id, finished_at) as run_id
    from meta.ingest_run where status = 'loaded' group by source
)
select field.customer_id, field.field, field.source, s.system, s.role,
    coalesce(record.run_id, last_run.run_id), last_run.loaded_at, record.changed_at
from field
left join core.source as s on field.source = s.name
left join last_run on field.source = last_run.source
left join record on field.customer_id = record.customer_id and field.source = record.source
where field.source is not null
order by field.customer_id, field.seq
"""


def _utc(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp).replace(tzinfo=None) if stamp else None


def test_every_provenance_is_the_warehouses(demo_client: TestClient, built_demo) -> None:  # type: ignore[no-untyped-def]
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    con = duckdb.connect(str(snapshot), read_only=True)
    rows = con.execute(_PROVENANCE).fetchall()
    con.close()
    expected: dict[str, list[tuple[object, ...]]] = {}
    for customer_id, *rest in rows:
        expected.setdefault(customer_id, []).append(tuple(rest))
    assert len(expected) > 100
    several = 0
    for customer_id, want in expected.items():
        response = demo_client.get(f"/api/v1/customers/{customer_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        got = [
            (
                p["field"], p["source"], p["system"], p["role"], p["run_id"],
                _utc(p["loaded_at"]), _utc(p["changed_at"]),
            )
            for p in body["provenance"]
        ]  # fmt: skip
        assert got == want, customer_id
        sources = [x["source"] for x in body["sources"]]
        several += len(sources) > len(set(sources))
        # What only the provenance reads stays out of the source records.
        assert all("changed_at" not in x and "run_id" not in x for x in body["sources"])
    # Customers with two records of one source: the latest of them is the one shown.
    assert several > 0
