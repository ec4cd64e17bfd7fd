"""The connector tests' fake vendor servers, with their write endpoints (fake_crm_writes),
one live server per vendor for the session, reset before each test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The fakes live beside the connector tests (imported there by plain name too).
sys.path.insert(0, str(Path(__file__).parent.parent / "connectors"))

import fake_crm_writes  # noqa: E402
import fake_dynamics  # noqa: E402
import fake_hubspot  # noqa: E402
import fake_odoo  # noqa: E402
import fake_salesforce  # noqa: E402
from digest_servers import Hooks, SmtpServer, webhook_server  # noqa: E402
from fakes_common import FakeVendor, LiveServer  # noqa: E402
from writeback_vendor import Vendor  # noqa: E402


def _serve(
    make_app: Callable[[Any], Any], fake: FakeVendor, extend: Callable[[Any], None]
) -> Iterator[tuple[Any, str]]:
    injector = make_app(fake)
    extend(injector.app)
    with LiveServer(injector) as server:
        yield fake, server.url


@pytest.fixture(scope="session")
def _hubspot() -> Iterator[tuple[Any, str]]:
    fake = fake_hubspot.FakeHubSpot()
    yield from _serve(
        fake_hubspot.make_app, fake, lambda app: fake_crm_writes.add_hubspot(app, fake)
    )


@pytest.fixture(scope="session")
def _salesforce() -> Iterator[tuple[Any, str]]:
    fake = fake_salesforce.FakeSalesforce()
    yield from _serve(
        fake_salesforce.make_app,
        fake,
        lambda app: fake_crm_writes.add_salesforce(app, fake, fake_salesforce.VERSION),
    )


@pytest.fixture(scope="session")
def _dynamics() -> Iterator[tuple[Any, str]]:
    fake = fake_dynamics.FakeDynamics()
    yield from _serve(
        fake_dynamics.make_app, fake, lambda app: fake_crm_writes.add_dynamics(app, fake)
    )


@pytest.fixture(scope="session")
def _odoo() -> Iterator[tuple[Any, str]]:
    fake = fake_odoo.FakeOdoo()
    fake_crm_writes.add_odoo(fake)
    yield from _serve(fake_odoo.make_app, fake, lambda app: None)


def _vendor(system: str, served: tuple[Any, str], token_env: str, **api: Any) -> Vendor:
    fake, url = served
    fake.reset()
    fake_crm_writes.prepare(fake, system)
    return Vendor(system, fake, url, token_env, api)


@pytest.fixture
def hubspot(_hubspot: tuple[Any, str]) -> Vendor:
    return _vendor("hubspot", _hubspot, "HUBSPOT_TOKEN")


@pytest.fixture
def salesforce(_salesforce: tuple[Any, str]) -> Vendor:
    return _vendor("salesforce", _salesforce, "SALESFORCE_TOKEN")


@pytest.fixture
def dynamics(_dynamics: tuple[Any, str]) -> Vendor:
    return _vendor("dynamics365", _dynamics, "DYNAMICS_TOKEN")


@pytest.fixture
def odoo(_odoo: tuple[Any, str]) -> Vendor:
    return _vendor("odoo", _odoo, "ODOO_API_KEY", database=fake_odoo.DB)


# The digest's servers: a real STARTTLS SMTP server and a webhook receiver, per test.
@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path) as server:
        yield server


@pytest.fixture
def hooks() -> Iterator[tuple[Hooks, str]]:
    received = Hooks()
    with webhook_server(received) as server:
        yield received, server.url
