"""Run the API with uvicorn (used by `c360 api`)."""

from __future__ import annotations

import uvicorn

from api.inbound import PushCheck
from api.main import create_app
from warehouse.settings import Settings


def serve(settings: Settings, check_push: PushCheck | None = None) -> None:
    """Serve on settings.api.host:settings.api.port until interrupted."""
    uvicorn.run(
        create_app(settings, check_push=check_push),
        host=settings.api.host,
        port=settings.api.port,
        log_level="info",
        proxy_headers=True,
    )
