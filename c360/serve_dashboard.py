"""Start the Streamlit dashboard as a child process pointed at the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kernel.settings import Settings

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def dashboard_command(settings: Settings, port: int | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.address",
        settings.dashboard.host,
        "--server.port",
        str(port or settings.dashboard.port),
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def dashboard_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["C360_API_URL"] = settings.api_url
    env["C360_DASHBOARD__LANGUAGE"] = settings.dashboard.language
    return env


def run_dashboard(settings: Settings) -> int:
    return subprocess.call(dashboard_command(settings), env=dashboard_env(settings))
