"""Fixtures for the API tests: settings on a tmp data_dir, users, a published snapshot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from snapshot_fixture import ALICE, BOB, PASSWORD, publish_snapshot

from api import security, store
from api.main import create_app
from warehouse.settings import Settings

# bcrypt's production cost makes each hash ~0.25 s; the tests only need correctness.
security.BCRYPT_ROUNDS = 4


USERS = {
    "admin": ("admin", None),
    "alice": ("sales", ALICE),
    "bob": ("sales", BOB),
    "fiona": ("finance", None),
    "eric": ("executive", None),
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-with-enough-bytes-0123456789",
        sources=[
            {"name": "crm", "system": "hubspot", "role": "crm"},
            {"name": "erp", "system": "odoo", "role": "erp"},
        ],
    )


@pytest.fixture
def users(settings: Settings) -> dict[str, str]:
    for name, (role, owner) in USERS.items():
        store.add_user(settings, name, role, PASSWORD, display_name=name.title(), owner_name=owner)
    return {name: role for name, (role, _owner) in USERS.items()}


@pytest.fixture
def client(settings: Settings, users: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    store.dispose_engines()


@pytest.fixture
def published(settings: Settings) -> Path:
    return publish_snapshot(settings.snapshots_dir)


@pytest.fixture
def auth(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Authorization headers for a user, signing in once per test."""
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            resp = client.post(
                "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
            )
            assert resp.status_code == 200, resp.text
            tokens[username] = resp.json()["access_token"]
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


@pytest.fixture
def api_key(settings: Settings) -> str:
    return store.add_api_key(settings, "zapier", None)
