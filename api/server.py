"""Run the API with uvicorn (used by `c360 api`)."""

from __future__ import annotations

import logging
import os

import uvicorn

from api.inbound import PushCheck
from api.main import create_app
from warehouse.settings import Settings

WORKER_APP = "warehouse.serve_api:worker_app"


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
    if workers == 1:
        uvicorn.run(
            create_app(settings, check_push=check_push),
            host=settings.api.host,
            port=settings.api.port,
            log_level="info",
            proxy_headers=True,
            log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
            access_log=not json_logs,
        )
        return
    # Each worker builds its own app (and its own snapshot readers) from the same config.
    from warehouse.serve_api import CONFIG_ENV

    if settings.config_path is not None:
        os.environ[CONFIG_ENV] = str(settings.config_path)
    uvicorn.run(
        WORKER_APP,
        factory=True,
        workers=workers,
        host=settings.api.host,
        port=settings.api.port,
        log_level="info",
        proxy_headers=True,
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        access_log=not json_logs,
    )
