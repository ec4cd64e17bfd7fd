"""Shared fixtures: a real demo company built through the production pipeline.

`built_demo` generates a small demo company, creates its users, ingests and builds it
exactly as `c360 demo` does, once per test session. Tests read from it; none writes to it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kernel.settings import Settings, load_settings

DEMO_CUSTOMERS = 300
DEMO_SEED = 7

# The CLI's tables (rich) take their width from the terminal, and a test process has none
# (or, under pytest-xdist, another one): one width for every run, wide enough that the
# messages the tests look for are never wrapped.
os.environ["COLUMNS"] = "200"


@dataclass
class BuiltDemo:
    root: Path
    settings: Settings
    truth: dict[str, Any]

    @property
    def config(self) -> Path:
        return self.root / "c360.toml"

    def user(self, role: str) -> dict[str, str]:
        return next(u for u in self.truth["users"] if u["role"] == role)


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    from api.store import add_user
    from demo_company import generate_demo
    from ingest.pipeline import ingest
    from warehouse.build import build

    root = tmp_path_factory.mktemp("demo")
    generate_demo(root, customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    settings = load_settings(root / "c360.toml")
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    for u in truth["users"]:
        add_user(settings, u["username"], u["role"], u["password"], owner_name=u.get("owner_name"))
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    built = build(settings)
    assert built.published, built.message
    return BuiltDemo(root, settings, truth)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last})")


@dataclass
class ApiServer:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def api_server(built_demo: BuiltDemo) -> Iterator[ApiServer]:
    """The real API under a real uvicorn, started by the real CLI, on a free port."""
    port = free_port()
    env = {**os.environ, "C360_API__PORT": str(port), "C360_API__HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "c360.cli", "api", "-c", str(built_demo.config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v1/health")
    except TimeoutError:
        proc.kill()
        detail = proc.stderr.read().decode() if proc.stderr else "api did not start"
        raise RuntimeError(detail) from None
    yield ApiServer(url, proc)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
