"""Receivables for finance: aging totals per bucket, top debtors, the overdue list."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import serving
from api.deps import FinanceUser, SnapshotDep
from api.queries import PositionCursor
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
    stored = serving.aging(snap.lite)
    buckets = sorted(stored.get("buckets") or [], key=lambda b: bucket_rank(b["bucket"]))
    top_rows = serving.filtered_page(snap.lite, "receivable", "top_seq", {}, top, None)["data"]
    return {
        "buckets": buckets,
        "total_amount": stored.get("total_amount") or Decimal(0),
        "overdue_amount": stored.get("overdue_amount") or Decimal(0),
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
    cursor: PositionCursor = None,
) -> Any:
    """Customers with an overdue balance, the largest first."""
    filters = {"owner = ?": owner, "segment = ?": segment}
    return serving.filtered_page(snap.lite, "receivable", "overdue_seq", filters, limit, cursor)
