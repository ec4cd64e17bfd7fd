"""Fixtures: one live fake server per vendor (session-wide), reset before each test.

Fake modules and the harness are imported by plain name: pytest puts this folder on
sys.path (rootdir-relative "prepend" import mode, no __init__.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import fake_dynamics
import fake_hubspot
import fake_odoo
import fake_salesforce
import pytest
from connector_harness import Harness
from fakes_common import FakeVendor, LiveServer, make_tls_files


def _serve(make_app: Callable[[Any], Any], fake: FakeVendor) -> Iterator[tuple[Any, str]]:
    with LiveServer(make_app(fake)) as server:
        yield fake, server.url


@pytest.fixture(scope="session")
def _hubspot_server() -> Iterator[tuple[Any, str]]:
    yield from _serve(fake_hubspot.make_app, fake_hubspot.FakeHubSpot())


@pytest.fixture(scope="session")
def _salesforce_server() -> Iterator[tuple[Any, str]]:
    yield from _serve(fake_salesforce.make_app, fake_salesforce.FakeSalesforce())


@pytest.fixture(scope="session")
def _dynamics_server() -> Iterator[tuple[Any, str]]:
    yield from _serve(fake_dynamics.make_app, fake_dynamics.FakeDynamics())


@pytest.fixture(scope="session")
def _entra_server(
    _dynamics_server: tuple[Any, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The Dynamics fake's Entra ID endpoints over HTTPS: (server URL, CA file to trust)."""
    fake, _ = _dynamics_server
    tls = make_tls_files(tmp_path_factory.mktemp("tls"))
    with LiveServer(fake_dynamics.make_app(fake), tls=tls) as server:
        yield server.url, str(tls.ca)


@pytest.fixture
def entra(
    _entra_server: tuple[str, str], dynamics: Harness, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The Entra ID authority URL of the fake tenant; its test CA is trusted (SSL_CERT_FILE)."""
    url, ca = _entra_server
    monkeypatch.setenv("SSL_CERT_FILE", ca)
    return f"{url}/{fake_dynamics.TENANT}"


@pytest.fixture(scope="session")
def _odoo_server() -> Iterator[tuple[Any, str]]:
    yield from _serve(fake_odoo.make_app, fake_odoo.FakeOdoo())


def _harness(
    server: tuple[Any, str], system: str, token_env: str, main_object: str, **api: Any
) -> Harness:
    """A fresh start on the session's fake: (connector system, token variable, first
    object, API defaults of the source)."""
    fake, url = server
    fake.reset()
    return Harness(system, fake, url, token_env, main_object, api)


@pytest.fixture
def hubspot(_hubspot_server: tuple[Any, str]) -> Harness:
    return _harness(_hubspot_server, "hubspot", "HUBSPOT_TOKEN", "companies", page_size=100)


@pytest.fixture
def salesforce(_salesforce_server: tuple[Any, str]) -> Harness:
    return _harness(_salesforce_server, "salesforce", "SALESFORCE_TOKEN", "Account", page_size=200)


@pytest.fixture
def dynamics(_dynamics_server: tuple[Any, str]) -> Harness:
    return _harness(_dynamics_server, "dynamics365", "DYNAMICS_TOKEN", "accounts", page_size=100)


@pytest.fixture
def odoo(_odoo_server: tuple[Any, str]) -> Harness:
    return _harness(
        _odoo_server, "odoo", "ODOO_API_KEY", "res.partner", page_size=100, database=fake_odoo.DB
    )


@pytest.fixture(params=["hubspot", "salesforce", "dynamics", "odoo"])
def vendor(request: pytest.FixtureRequest) -> Harness:
    """Each vendor in turn, for the behaviour every connector shares."""
    return request.getfixturevalue(request.param)
