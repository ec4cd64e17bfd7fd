"""`c360 api` with several worker processes: the app each uvicorn worker builds.

uvicorn starts workers by importing an app by name, so the parent hands its config file to
them in C360_API_CONFIG and each worker loads the same settings (and the same C360_*
environment overrides, inherited) and checks pushes with ingest's own profiles, as the
single-process server does.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from warehouse.settings import load_settings

CONFIG_ENV = "C360_API_CONFIG"


def worker_app() -> FastAPI:
    """The API of one worker process (uvicorn `factory=True`)."""
    from api.main import create_app
    from ingest.push_check import PushChecker

    config = os.environ.get(CONFIG_ENV)
    settings = load_settings(Path(config) if config else None)
    if settings.log_json:  # a spawned worker starts with no logging of its own
        import logging

        from warehouse.logs import configure_logging

        configure_logging(logging.INFO, json_lines=True)
    return create_app(settings, check_push=PushChecker(settings))
