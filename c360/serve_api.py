"""`c360 api`: the API wired to ingest's push checks and the build's serving contract.

With several worker processes uvicorn starts each by importing an app by name, so the
parent hands its config file to them in C360_API_CONFIG and each worker loads the same
settings (and the same C360_* environment overrides, inherited) and checks pushes with
ingest's own profiles, as the single-process server does. On Linux each worker listens on
a socket of its own (SO_REUSEPORT, c360/api_workers.py), so the kernel spreads the
connections over the workers; elsewhere they share uvicorn's one socket.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from api.inbound import PushCheck
from c360.api_workers import reuseport_available, run_workers
from kernel.settings import Settings, load_settings

CONFIG_ENV = "C360_API_CONFIG"
WORKER_APP = "c360.serve_api:worker_app"
# The supervisor (c360/api_workers.py, or uvicorn's off Linux) kills a worker whose
# health-check thread has been silent this long. uvicorn's default (5 s) took busy
# workers for hung on a loaded machine (the thread waits for the GIL behind requests and
# snapshot switches): 43 of 3,096 requests were cut under
# tests/integration/test_publish_under_load.py at load 16 on 2 cores.
WORKER_HEALTHCHECK_SECONDS = 60


def build_app(settings: Settings, check_push: PushCheck | None = None) -> FastAPI:
    """The API with what only the composition root can give it: the serving file of a
    snapshot published without one (or of an older contract) made by the build's own SQL."""
    from api.main import create_app
    from warehouse.serving import serving_for_snapshot

    return create_app(settings, check_push=check_push, make_serving=serving_for_snapshot)


def worker_count(settings: Settings) -> int:
    """api.workers, or one process per core when 0: requests parse and validate JSON
    under the GIL, so only processes use every core."""
    return settings.api.workers or os.cpu_count() or 1


def serve(settings: Settings, check_push: PushCheck | None = None) -> None:
    """Serve on settings.api.host:settings.api.port until interrupted.

    With `log_json`, uvicorn's loggers go through the root JSON handler, and each request
    is logged once by the API itself (logger `api.access`, with its request id) instead
    of uvicorn's access line."""
    json_logs = settings.log_json
    if json_logs:
        logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    workers = worker_count(settings)
    common: dict[str, Any] = {
        "host": settings.api.host,
        "port": settings.api.port,
        "log_level": "info",
        "proxy_headers": True,
        "log_config": None if json_logs else uvicorn.config.LOGGING_CONFIG,
        "access_log": not json_logs,
    }
    if workers == 1:
        uvicorn.run(build_app(settings, check_push), **common)
        return
    # Each worker builds its own app (and its own snapshot readers) from the same config.
    if settings.config_path is not None:
        os.environ[CONFIG_ENV] = str(settings.config_path)
    if reuseport_available():
        config = uvicorn.Config(WORKER_APP, factory=True, workers=workers, **common)
        run_workers(config, workers, healthcheck=WORKER_HEALTHCHECK_SECONDS)
        return
    uvicorn.run(
        WORKER_APP,
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **common,
    )


def worker_app() -> FastAPI:
    """The API of one worker process (uvicorn `factory=True`)."""
    from ingest.push_check import PushChecker

    config = os.environ.get(CONFIG_ENV)
    settings = load_settings(Path(config) if config else None)
    if settings.log_json:  # a spawned worker starts with no logging of its own
        from kernel.logs import configure_logging

        configure_logging(logging.INFO, json_lines=True)
    return build_app(settings, PushChecker(settings))
