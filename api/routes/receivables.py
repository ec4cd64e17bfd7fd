"""Receivables for finance: aging totals per bucket, top debtors, the overdue list."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.customers import C360, paged
from api.deps import FinanceUser, SnapshotDep
from api.schemas import AgingReport, Page, ReceivableCustomer

router = APIRouter(prefix="/receivables", tags=["receivables"])


def bucket_rank(bucket: str) -> tuple[int, str]:
    """not due, 1–30, 31–60, 61–90, over 90, whatever the build names them."""
    name = bucket.lower()
    if "not" in name or name in ("current", "due"):
        return (-1, name)
    if "over" in name or name.endswith("+"):
        return (10_000, name)
    numbers = re.findall(r"\d+", name)
    return (int(numbers[0]) if numbers else 5_000, name)


@router.get("/aging", response_model=AgingReport)
def read_aging(
    user: FinanceUser,
    snap: SnapshotDep,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    """Totals per aging bucket and the customers owing the most."""
    buckets = sorted(
        snap.rows("aging_buckets", needs=["mart.ar_aging"]), key=lambda b: bucket_rank(b["bucket"])
    )
    totals = snap.one("receivables_totals", needs=[C360]) or {}
    top_rows = paged(
        snap,
        "receivables_customers",
        {},
        "outstanding_amount desc, customer_id",
        top,
        None,
        needs=[C360],
    )["data"]
    return {
        "buckets": buckets,
        "total_amount": totals.get("total_amount") or Decimal(0),
        "overdue_amount": totals.get("overdue_amount") or Decimal(0),
        "top_customers": top_rows,
        "snapshot": snap.build_id,
    }


@router.get("/overdue", response_model=Page[ReceivableCustomer])
def read_overdue(
    user: FinanceUser,
    snap: SnapshotDep,
    owner: str | None = None,
    segment: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Any:
    """Customers with an overdue balance, the largest first."""
    params = {"owner": owner, "segment": segment}
    return paged(
        snap,
        "receivables_overdue",
        params,
        "overdue_amount desc, customer_id",
        limit,
        cursor,
        needs=[C360],
    )
