"""The signed-in user is read by primary key and kept at most SIGNED_IN_TTL seconds:
a change made through this process takes effect at the next request, a change made by
another process (another worker, the CLI) within SIGNED_IN_TTL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api import store
from kernel.settings import Settings

Auth = Callable[[str], dict[str, str]]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    # The store's own name only: patching time.monotonic itself stopped the clocks of
    # every event loop in the process (the test servers' threads never woke again).
    monkeypatch.setattr("api.store.monotonic", fake)
    return fake


def _write_elsewhere(settings: Settings, sql: str) -> None:
    """A write by another process: plain sqlite3, not this process's store."""
    con = sqlite3.connect(settings.app_db)
    con.execute(sql)
    con.commit()
    con.close()


def test_ttl_is_at_most_one_second() -> None:
    assert 0 < store.SIGNED_IN_TTL <= 1.0


def test_disable_in_this_process_takes_effect_at_once(
    client: TestClient, auth: Auth, settings: Settings, clock: Clock
) -> None:
    headers = auth("fiona")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    store.set_disabled(settings, "fiona", True, actor="test")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_disable_by_another_process_takes_effect_within_the_ttl(
    client: TestClient, auth: Auth, settings: Settings, clock: Clock
) -> None:
    headers = auth("fiona")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _write_elsewhere(settings, "update app_user set disabled = 1 where username = 'fiona'")
    # Still the cached user just before the TTL ends...
    clock.now += store.SIGNED_IN_TTL * 0.9
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    # ...read again once it ended.
    clock.now += store.SIGNED_IN_TTL * 0.2
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401
    assert "disabled" in resp.json()["message"]


def test_token_version_and_role_change_by_another_process(
    client: TestClient, auth: Auth, settings: Settings, clock: Clock
) -> None:
    headers = auth("fiona")
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "finance"
    _write_elsewhere(settings, "update app_user set role = 'executive' where username = 'fiona'")
    clock.now += store.SIGNED_IN_TTL + 0.01
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "executive"
    _write_elsewhere(
        settings, "update app_user set token_version = token_version + 1 where username = 'fiona'"
    )
    clock.now += store.SIGNED_IN_TTL + 0.01
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401
    assert "password changed" in resp.json()["message"]


def test_deleted_user_is_refused(
    client: TestClient, auth: Auth, settings: Settings, clock: Clock
) -> None:
    headers = auth("fiona")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _write_elsewhere(settings, "delete from app_user where username = 'fiona'")
    clock.now += store.SIGNED_IN_TTL + 0.01
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_verified_token_still_expires(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from api import security

    token, lifetime = security.create_access_token(settings, "fiona", "finance")
    claims = security.decode_access_token(settings, token)
    assert claims is not None and claims.username == "fiona"
    # Verified once and kept (a second signature check would refuse it here)...
    monkeypatch.setattr(security, "_verify", lambda _key, _token: (None, 0.0))
    assert security.decode_access_token(settings, token) == claims
    # ...until its exp has passed.
    later = time.time() + lifetime + 5
    monkeypatch.setattr("api.security.time", lambda: later)
    assert security.decode_access_token(settings, token) is None
    # A token signed by another key is never taken from what was verified with this one.
    other = settings.model_copy(update={"secret_key": "another-secret-key-0123456789abcdef"})
    monkeypatch.undo()
    assert security.decode_access_token(other, token) is None
