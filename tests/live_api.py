"""A real c360 API in a child process, for the tests that publish or kill under it.

One place for how such a test launches the CLI (the tree on PYTHONPATH, no kill point
inherited from the test's own environment) and how it starts, signs in to and stops
the API.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from kernel.killpoint import KILL_ENV
from tests.conftest import free_port, wait_http

ROOT = Path(__file__).resolve().parents[1]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a `c360` child: this tree first, no kill point unless `extra`."""
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return {**env, **extra}


def run_nightly(
    config: Path, *, timeout: float = 300, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`c360 nightly` in a child process; `extra_env` may set a kill point."""
    return subprocess.run(
        [sys.executable, "-m", "c360.cli", "nightly", "-c", str(config)],
        env=cli_env(**(extra_env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def running_api(
    config: Path, admin: dict[str, str], *, workers: int, stop_timeout: float = 15
) -> Iterator[tuple[str, str]]:
    """`c360 api` on a free port, up and signed in as `admin`: yields (base url, token)."""
    port = free_port()
    api = subprocess.Popen(
        [sys.executable, "-m", "c360.cli", "api", "-c", str(config)],
        env=cli_env(C360_API__PORT=str(port), C360_API__WORKERS=str(workers)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v1/health")
        token = httpx.post(f"{url}/api/v1/auth/token", data=admin).json()["access_token"]
        yield url, token
    finally:
        api.send_signal(signal.SIGTERM)
        try:
            api.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            api.kill()
