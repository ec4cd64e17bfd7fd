"""Signing in to the API under test: one place for the token request and the bearer header.

Imported by bare name (`from signed_in import bearer`): tests/ is on sys.path through
tests/conftest.py, as pytest's rootdir "prepend" import mode puts it there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app

TOKEN_PATH = "/api/v1/auth/token"


def bearer(client: TestClient, username: str, password: str) -> dict[str, str]:
    """The Authorization header of a user who signs in; a refused sign-in fails the test."""
    resp = client.post(TOKEN_PATH, data={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@contextmanager
def demo_client_as(built_demo: Any, role: str) -> Iterator[TestClient]:
    """The API over the real-pipeline demo (tests/conftest.py built_demo), signed in as the
    demo's user of that role for every request."""
    with TestClient(create_app(built_demo.settings)) as client:
        user = built_demo.user(role)
        client.headers.update(bearer(client, user["username"], user["password"]))
        yield client
