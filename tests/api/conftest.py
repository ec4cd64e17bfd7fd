"""Fixtures for the API tests: settings on a tmp data_dir, users, and a snapshot built by
the real pipeline from hand-written extracts (tests/api/pipeline_company.py)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
from fastapi.testclient import TestClient
from pipeline_company import ALICE, BOB, PASSWORD, Built, build_company, company_settings, publish
from signed_in import bearer, demo_client_as

from api import security, store
from c360.serve_api import build_app
from kernel.settings import Settings
from kernel.snapshots import current_snapshot

if TYPE_CHECKING:
    from tests.conftest import BuiltDemo

# bcrypt's production cost makes each hash ~0.25 s; the tests only need correctness.
security.BCRYPT_ROUNDS = 4


USERS = {
    "admin": ("admin", None),
    "alice": ("sales", ALICE),
    "bob": ("sales", BOB),
    "fiona": ("finance", None),
    "eric": ("executive", None),
}


def make_settings(data_dir: Path) -> Settings:
    return company_settings(data_dir)


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The company's three nights, ingested and built once; CURRENT on night2."""
    built = build_company(tmp_path_factory.mktemp("company"))
    for name, (role, owner) in USERS.items():
        store.add_user(
            built.settings, name, role, PASSWORD, display_name=name.title(), owner_name=owner
        )
    store.dispose_engines()  # checkpoints the WAL into app.db
    return built


@pytest.fixture(scope="session")
def template(company: Built) -> Settings:
    """Users and a snapshot made once; each test copies the files it needs."""
    return company.settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def users(settings: Settings, template: Settings) -> dict[str, str]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.app_db, settings.app_db)
    # shared_client signs in on the template's store, and sign-in attempts are counted
    # in app.db (api/ratelimit.py): each test starts with none.
    with closing(sqlite3.connect(settings.app_db)) as con, con:
        con.execute("delete from login_attempt")
    return {name: role for name, (role, _owner) in USERS.items()}


@pytest.fixture
def client(settings: Settings, users: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(build_app(settings)) as test_client:
        yield test_client
    store.dispose_engines()


@pytest.fixture
def published(settings: Settings, template: Settings) -> Path:
    """CURRENT names a copy of the served snapshot (night2) and its serving file."""
    src = current_snapshot(template.snapshots_dir)
    assert src is not None
    return publish(settings.snapshots_dir, src)


def signed_in_headers(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Authorization headers for a company user, each signing in once on this client."""
    tokens: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            tokens[username] = bearer(client, username, PASSWORD)
        return dict(tokens[username])  # a copy: a test may add headers to its own

    return headers


@pytest.fixture
def auth(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Authorization headers for a user, signing in once per test."""
    return signed_in_headers(client)


@pytest.fixture
def api_key(settings: Settings) -> str:
    return store.add_api_key(settings, "zapier", None)


@pytest.fixture(scope="session")
def shared_client(template: Settings) -> Iterator[TestClient]:
    """One app over the template snapshot, for tests that only read."""
    with TestClient(build_app(template)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def shared_auth(shared_client: TestClient) -> Callable[[str], dict[str, str]]:
    return signed_in_headers(shared_client)


@pytest.fixture(scope="module")
def demo_client(built_demo: BuiltDemo) -> Iterator[TestClient]:
    """The API over the real-pipeline demo, signed in as its admin."""
    with demo_client_as(built_demo, "admin") as client:
        yield client


@pytest.fixture(scope="module")
def demo_executive(built_demo: BuiltDemo) -> Iterator[TestClient]:
    """The API over the real-pipeline demo, signed in as its executive."""
    with demo_client_as(built_demo, "executive") as client:
        yield client


@pytest.fixture(scope="module")
def demo_snapshot(built_demo: BuiltDemo) -> Iterator[duckdb.DuckDBPyConnection]:
    """The real-pipeline demo's served snapshot, read-only."""
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    with duckdb.connect(str(snapshot), read_only=True) as con:
        yield con
