"""The shared mechanics without a server: Retry-After parsing, registry, configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from ingest.connectors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorUnavailableError,
    RetryPolicy,
    connectors,
    fetch,
)
from ingest.connectors.base import ApiSession, describe_error_body, parse_retry_after
from ingest.connectors.output import parse_timestamp
from kernel.settings import SourceConfig

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:07 GMT", now=NOW) == 7.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=NOW) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


def test_timestamps_of_every_vendor() -> None:
    expected = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    for value in (
        "2026-11-01T10:00:00Z",
        "2026-11-01T10:00:00.000+0000",
        "2026-11-01 10:00:00",
        "1793527200000",
    ):
        assert parse_timestamp(value) == expected, value
    assert parse_timestamp(False) is None


def test_registry_covers_the_api_systems() -> None:
    assert set(connectors()) == {"hubspot", "salesforce", "dynamics365", "odoo"}
    for cls in connectors().values():
        assert set(cls.default_objects) <= set(cls.fields)


def test_source_without_api_or_connector(tmp_path: Path) -> None:
    no_api = SourceConfig(name="erp", system="sap", role="erp")
    with pytest.raises(ConnectorConfigError, match="no \\[sources.api\\] section"):
        fetch(no_api, tmp_path, watermark=None, env={})
    sap = SourceConfig.model_validate(
        {"name": "erp", "system": "sap", "role": "erp", "api": {"base_url": "http://x"}}
    )
    with pytest.raises(ConnectorConfigError, match="no API connector for system 'sap'"):
        fetch(sap, tmp_path, watermark=None, env={})


def test_error_bodies_of_each_vendor() -> None:
    def body(payload: object) -> str:
        return describe_error_body(httpx.Response(400, json=payload))

    assert body([{"message": "bad", "errorCode": "X"}]) == "bad [X]"
    assert body({"error": {"code": "0x1", "message": "odata"}}) == "odata [0x1]"
    assert body({"status": "error", "message": "hs", "category": "C"}) == "hs [C]"
    assert describe_error_body(httpx.Response(500, text="")) == "(empty body)"


def test_too_long_retry_after_fails_fast() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "86400"}, json={"message": "daily"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    session = ApiSession(
        client, vendor="HubSpot", token_env="T", policy=RetryPolicy(sleep=lambda s: None)
    )
    with pytest.raises(ConnectorUnavailableError, match="asks to wait 86400 s") as info:
        session.json("GET", "http://vendor.test/x")
    assert isinstance(info.value, ConnectorError)


def test_retry_policy_from_options() -> None:
    policy = RetryPolicy.from_options({"max_attempts": 2, "base_wait": 0.5, "other": 1})
    assert (policy.max_attempts, policy.base_wait) == (2, 0.5)
