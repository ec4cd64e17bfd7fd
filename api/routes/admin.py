"""Data-steward and operations views: data quality, runs, users (admin only)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import serving, store
from api.decisions import list_decisions
from api.deps import AdminUser, SettingsDep, SnapshotDep
from api.evidence import evidence_text
from api.queries import PositionCursor
from api.schemas import Page
from api.schemas_ops import (
    FindingRow,
    OrphanRow,
    QualityReport,
    RejectRow,
    RunsReport,
    UserOut,
)
from api.snapshot import parse_json

router = APIRouter(tags=["admin"])

REVIEW_LIMIT = 100
ORPHAN_LIMIT = 100


@router.get("/quality", response_model=QualityReport)
def read_quality(user: AdminUser, snap: SnapshotDep, settings: SettingsDep) -> Any:
    """Match rates per source, conflicts, review queue, rejects and data-quality checks."""
    lite = snap.lite
    rates = []
    for r in serving.part(lite, "match_rates"):
        rate = r["matched"] / r["records"] if r["records"] else None
        rates.append({**r, "match_rate": rate})
    by_field = serving.part(lite, "conflicts")
    queue = serving.filtered_page(lite, "quality_review", "seq", {}, REVIEW_LIMIT, None)
    pairs = []
    for p in queue["data"]:
        evidence = parse_json(p.get("evidence"))
        text = evidence_text("fuzzy", evidence, p.get("score"))
        pairs.append({**p, "evidence": evidence, "evidence_text": text})
    orphans = serving.filtered_page(lite, "quality_orphan", "seq", {}, ORPHAN_LIMIT, None)
    rejects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in serving.part(lite, "rejects"):
        rejects[r["source"]].append({"reason": r["reason"], "count": r["count"]})
    return {
        "snapshot": snap.build_id,
        "match_rates": rates,
        "unmatched_count": sum(r["unmatched"] for r in rates),
        "conflicts": {"count": sum(f["count"] for f in by_field), "by_field": by_field},
        "review_queue": {"count": queue["count"], "data": pairs},
        "rejects": [
            {"source": s, "count": sum(x["count"] for x in reasons), "reasons": reasons}
            for s, reasons in sorted(rejects.items())
        ],
        "checks": serving.part(lite, "checks"),
        "orphans": {"count": orphans["count"], "data": orphans["data"]},
        "decisions": [d.model_dump(mode="json") for d in list_decisions(settings)],
    }


@router.get("/quality/rejects", response_model=Page[RejectRow])
def read_rejects(
    user: AdminUser,
    snap: SnapshotDep,
    source: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: PositionCursor = None,
) -> Any:
    """Rejected rows with their raw content and the reason."""
    return serving.filtered_page(
        snap.lite, "quality_reject", "seq", {"source = ?": source}, limit, cursor
    )


def _check_rows(table: str, name: str, doc: str) -> Callable[..., Any]:
    """A page of serving table `table`, filtered by check and source."""

    def read(
        user: AdminUser,
        snap: SnapshotDep,
        check: str | None = None,
        source: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        cursor: PositionCursor = None,
    ) -> Any:
        filters = {"check_name = ?": check, "source = ?": source}
        return serving.filtered_page(snap.lite, table, "seq", filters, limit, cursor)

    read.__name__ = name  # the OpenAPI operationId
    read.__doc__ = doc
    return read


router.add_api_route(
    "/quality/orphans",
    _check_rows(
        "quality_orphan",
        "read_orphans",
        "Opportunities, orders, invoices and ledger lines that name no known customer, with\n"
        "    what they name and their amount (money that reaches no customer's balance).",
    ),
    methods=["GET"],
    response_model=Page[OrphanRow],
)
router.add_api_route(
    "/quality/findings",
    _check_rows(
        "quality_finding",
        "read_findings",
        "The records behind each count of `checks` on /quality (every check, orphans\n"
        "    included; /quality/orphans has their amounts), by check, source and record.",
    ),
    methods=["GET"],
    response_model=Page[FindingRow],
)


@router.get("/runs", response_model=RunsReport)
def read_runs(
    user: AdminUser,
    snap: SnapshotDep,
    source: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """Ingest runs (one row per file per run), newest first, and the builds."""
    lite = snap.lite
    runs = serving.filtered_page(lite, "run_ingest", "seq", {"source = ?": source}, limit, None)
    builds = [
        _timestamps(serving.loads(r[0]))
        for r in lite.execute("select doc from run_build order by seq limit ?", (limit,))
    ]
    return {
        "snapshot": snap.build_id,
        "ingest_runs": runs["data"],
        "ingest_run_count": runs["count"],
        "builds": builds,
    }


def _timestamps(build: dict[str, Any]) -> dict[str, Any]:
    """The build log's times as datetimes again (the document has them as text), so they
    are written like every other timestamp of the API."""
    for key, value in build.items():
        if key.endswith("_at") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                build[key] = datetime.fromisoformat(value)
    return build


@router.get("/users", response_model=list[UserOut])
def read_users(settings: SettingsDep, user: AdminUser) -> Any:
    """The users of the API (password hashes are never returned)."""
    return store.list_users(settings)
