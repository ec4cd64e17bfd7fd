"""Fixtures: one live fake server per vendor (session-wide), reset before each test.

`Harness.fetch` calls the real public `fetch` against the fake with a retry policy whose
sleep only records the waits, so retry tests take no wall time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import fake_dynamics
import fake_hubspot
import fake_odoo
import fake_salesforce
import pytest
from fakes_common import FakeVendor, LiveServer

from ingest.connectors import FetchResult, RetryPolicy, fetch
from warehouse.settings import SourceConfig


@dataclass
class Harness:
    system: str
    fake: Any
    url: str
    token_env: str
    main_object: str
    api_defaults: dict[str, Any] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def source(self, *, extract: str = "full", **api: Any) -> SourceConfig:
        cfg = {"base_url": self.url, "token_env": self.token_env, **self.api_defaults, **api}
        return SourceConfig(name="src", system=self.system, role="crm", api=cfg, extract=extract)

    def fetch(
        self,
        out_dir: Path,
        *,
        watermark: datetime | None = None,
        env: dict[str, str] | None = None,
        max_attempts: int = 5,
        **api: Any,
    ) -> FetchResult:
        extract = "incremental" if watermark is not None else "full"
        policy = RetryPolicy(max_attempts=max_attempts, sleep=self.sleeps.append)
        return fetch(
            self.source(extract=extract, **api),
            out_dir,
            watermark=watermark,
            env={self.token_env: self.fake.token} if env is None else env,
            retry=policy,
        )


def read_pages(out_dir: Path, obj: str) -> list[list[dict[str, Any]]]:
    """The page files of one object, in order, as written by the connector."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_dir.glob(f"page-{obj}-*"))]


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
def _odoo_server() -> Iterator[tuple[Any, str]]:
    yield from _serve(fake_odoo.make_app, fake_odoo.FakeOdoo())


@pytest.fixture
def hubspot(_hubspot_server: tuple[Any, str]) -> Harness:
    fake, url = _hubspot_server
    fake.reset()
    return Harness("hubspot", fake, url, "HUBSPOT_TOKEN", "companies", {"page_size": 100})


@pytest.fixture
def salesforce(_salesforce_server: tuple[Any, str]) -> Harness:
    fake, url = _salesforce_server
    fake.reset()
    return Harness("salesforce", fake, url, "SALESFORCE_TOKEN", "Account", {"page_size": 200})


@pytest.fixture
def dynamics(_dynamics_server: tuple[Any, str]) -> Harness:
    fake, url = _dynamics_server
    fake.reset()
    return Harness("dynamics365", fake, url, "DYNAMICS_TOKEN", "accounts", {"page_size": 100})


@pytest.fixture
def odoo(_odoo_server: tuple[Any, str]) -> Harness:
    fake, url = _odoo_server
    fake.reset()
    defaults = {"page_size": 100, "database": fake_odoo.DB}
    return Harness("odoo", fake, url, "ODOO_API_KEY", "res.partner", defaults)


@pytest.fixture(params=["hubspot", "salesforce", "dynamics", "odoo"])
def vendor(request: pytest.FixtureRequest) -> Harness:
    """Each vendor in turn, for the behaviour every connector shares."""
    return request.getfixturevalue(request.param)
