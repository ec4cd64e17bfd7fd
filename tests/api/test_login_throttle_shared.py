"""The sign-in limits hold across API workers: the attempts are counted in app.db.

With the counts in each worker's memory, `api.workers` = N multiplied every limit by N.
Here two app instances on one data folder (as two uvicorn workers are), and a second
process, share one count.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pipeline_company import PASSWORD

from api import store
from api.main import create_app
from api.ratelimit import WINDOW_SECONDS, LoginThrottle
from kernel.settings import Settings

TOKEN = "/api/v1/auth/token"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_workers(settings: Settings, users: dict[str, str]) -> Iterator[list[TestClient]]:
    settings.api.login_per_user_per_minute = 3
    settings.api.login_per_address_per_minute = 5
    settings.api.lockout_failures = 100
    clients = [TestClient(create_app(settings)) for _ in range(2)]
    for client in clients:
        client.__enter__()
    yield clients
    for client in clients:
        client.__exit__(None, None, None)
    store.dispose_engines()


def _attempt(client: TestClient, username: str, password: str = "wrong-password-1") -> int:
    resp = client.post(TOKEN, data={"username": username, "password": password})
    return resp.status_code


def test_the_per_user_limit_spans_two_workers(two_workers: list[TestClient]) -> None:
    a, b = two_workers
    # 3 attempts per user per minute in all: two workers, not 3 each.
    assert [_attempt(a, "alice"), _attempt(b, "alice"), _attempt(a, "alice")] == [401] * 3
    resp = b.post(TOKEN, data={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1
    # Another user still signs in: the address spent 4 of its 5 (a refused attempt
    # counts for its address).
    assert _attempt(b, "bob", PASSWORD) == 200


def test_the_per_address_limit_spans_two_workers(two_workers: list[TestClient]) -> None:
    a, b = two_workers
    codes = [_attempt((a, b)[i % 2], f"nobody{i}") for i in range(5)]
    assert codes == [401] * 5
    assert _attempt(a, "bob", PASSWORD) == 429
    assert _attempt(b, "bob", PASSWORD) == 429


def test_another_process_shares_the_count(
    two_workers: list[TestClient], settings: Settings, tmp_path: Path
) -> None:
    """A second process (another uvicorn worker) spends the budget; this one sees it."""
    script = textwrap.dedent(
        f"""
        from api.ratelimit import LoginThrottle
        from kernel.settings import Settings
        settings = Settings(data_dir={str(settings.data_dir)!r})
        throttle = LoginThrottle(settings, per_user=3, per_address=100)
        print([throttle.check("Alice", "10.0.0.9") for _ in range(3)])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[None, None, None]"
    assert _attempt(two_workers[0], "alice") == 429


def test_the_window_slides_and_expired_attempts_are_deleted(
    settings: Settings, users: dict[str, str]
) -> None:
    now = [1_000_000.0]
    throttle = LoginThrottle(settings, per_user=2, per_address=100, clock=lambda: now[0])
    assert throttle.check("alice", "10.0.0.1") is None
    now[0] += 30
    assert throttle.check("alice", "10.0.0.2") is None
    assert throttle.check("ALICE ", "10.0.0.3") == 30  # the first leaves the window in 30 s
    now[0] += 30.5
    assert throttle.check("alice", "10.0.0.4") is None
    now[0] += WINDOW_SECONDS + 1
    assert throttle.check("bob", "10.0.0.5") is None
    with store.get_engine(settings).connect() as con:
        from sqlalchemy import text

        keys = [row[0] for row in con.execute(text("select key from login_attempt"))]
    assert sorted(keys) == ["address:10.0.0.5", "user:bob"]
    store.dispose_engines()
