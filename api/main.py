"""The FastAPI application factory: settings are injected, nothing reads the environment."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from api.audit import ReadLog
from api.docs import install_docs
from api.errors import install_error_handler
from api.inbound import PushCheck
from api.metrics import Metrics
from api.middleware import Guard
from api.observe import Freshness
from api.ratelimit import LoginThrottle
from api.routes import (
    accounts,
    admin,
    audit,
    auth,
    customer_details,
    customers,
    decisions,
    inbound,
    kpi_summary,
    kpis,
    ops,
    receivables,
    writeback,
)
from api.schemas import ErrorOut
from api.snapshot import MakeServing, SnapshotManager
from kernel.settings import Settings

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
_ERRORS = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "Missing, invalid or expired credentials"),
        (403, "Outside the caller's role"),
        (404, "Not found"),
        (422, "Invalid request"),
        (503, "No snapshot published yet, or a store is unavailable"),
    )
}


def create_app(
    settings: Settings,
    *,
    check_push: PushCheck | None = None,
    make_serving: MakeServing | None = None,
) -> FastAPI:
    """The c360 API serving the published snapshot under settings.snapshots_dir.

    `check_push` checks a push against its source's profile before the 202; the
    composition root gives it (ingest's `PushChecker`). Without it a push is checked for
    shape only, and a push the night then refuses is quarantined there. `make_serving`
    makes the serving file of a snapshot published without one (the composition root
    gives the build's); without it such a snapshot is not served."""
    if settings.secret_key and len(settings.secret_key) < 32:
        logger.warning(
            "C360_SECRET_KEY is shorter than 32 characters: it can be guessed and tokens "
            "forged; set a long random value (or leave it empty to use a generated one)"
        )
    if check_push is None:
        logger.warning(
            "inbound pushes are checked for shape only (no profile check given): a push "
            "the night cannot load will be quarantined, not refused at once"
        )
    snapshots = SnapshotManager(settings.snapshots_dir, make_serving)
    read_log = ReadLog(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in anyio's thread pool (40 threads by default). A worker given
        # 32 connections at once then ran 32 request threads against one GIL and served
        # a tenth of what two workers of 16 did; a few threads still overlap SQLite's reads
        # (the GIL released) while the other requests wait their turn on the event loop.
        to_thread.current_default_thread_limiter().total_tokens = settings.api.request_threads
        yield
        snapshots.close()
        read_log.close()

    app = FastAPI(
        title="c360 API",
        summary="One merged 360° view per customer: CRM, ERP and accounting.",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # api/docs.py serves /docs and /redoc with local assets
        redoc_url=None,
        lifespan=lifespan,
        responses=_ERRORS,  # type: ignore[arg-type]
    )
    app.state.settings = settings
    app.state.snapshots = snapshots
    app.state.read_log = read_log
    app.state.check_push = check_push
    app.state.password_checks = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
    app.state.login_throttle = LoginThrottle(
        settings, settings.api.login_per_user_per_minute, settings.api.login_per_address_per_minute
    )
    install_error_handler(app)
    install_docs(app, f"{API_PREFIX}/openapi.json")
    freshness = Freshness(settings, snapshots)
    metrics = Metrics(freshness)
    app.state.freshness = freshness
    app.state.metrics = metrics
    app.add_middleware(Guard, metrics=metrics)
    # customer_details before customers so /customers/{id}/x never reads as an id.
    for module in (
        auth,
        customer_details,
        customers,
        receivables,
        kpis,
        admin,
        accounts,
        inbound,
        decisions,
        audit,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(ops.router)  # /metrics, at the root where Prometheus looks
    app.include_router(kpi_summary.router, prefix=API_PREFIX)
    app.include_router(writeback.router, prefix=API_PREFIX)
    return app
