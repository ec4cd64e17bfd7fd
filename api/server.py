"""Run the API with uvicorn (used by `c360 api`)."""

from __future__ import annotations

import logging

import uvicorn

from api.inbound import PushCheck
from api.main import create_app
from warehouse.settings import Settings


def serve(settings: Settings, check_push: PushCheck | None = None) -> None:
    """Serve on settings.api.host:settings.api.port until interrupted.

    With `log_json`, uvicorn's loggers go through the root JSON handler, and each request
    is logged once by the API itself (logger `api.access`, with its request id) instead
    of uvicorn's access line."""
    json_logs = settings.log_json
    if json_logs:
        logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    uvicorn.run(
        create_app(settings, check_push=check_push),
        host=settings.api.host,
        port=settings.api.port,
        log_level="info",
        proxy_headers=True,
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        access_log=not json_logs,
    )
