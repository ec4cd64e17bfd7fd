"""Behaviour every connector shares, run against each fake vendor server in turn.

Paging to the end, retries (429 with Retry-After, 5xx, dropped connections), bounded
attempts, refused tokens, unreadable bodies, and incremental extracts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import guid
from fakes_common import BASE

from ingest.connectors import (
    ConnectorAuthError,
    ConnectorProtocolError,
    ConnectorUnavailableError,
)

WATERMARK = BASE + timedelta(minutes=199)
# Per vendor: the main object's key, its 250 ids, and what an incremental read from
# WATERMARK must return (Salesforce adds 5 deleted rows via queryAll; Odoo compares >=
# on whole seconds, so the record written exactly at the watermark comes back too).
EXPECT: dict[str, dict[str, Any]] = {
    "hubspot": {
        "key": "id",
        "ids": [str(1001 + i) for i in range(250)],
        "since": [str(1001 + i) for i in range(199, 250)],  # GTE: the stamp itself too
        "newest": BASE + timedelta(minutes=249),
    },
    "salesforce": {
        "key": "Id",
        "ids": [f"001{i:012d}AAA" for i in range(250)],
        "since": [f"001{i:012d}AAA" for i in range(200, 255)],
        "newest": BASE + timedelta(minutes=254),
    },
    "dynamics365": {
        "key": "accountid",
        "ids": [guid(i) for i in range(250)],
        "since": [guid(i) for i in range(200, 250)],
        "newest": BASE + timedelta(minutes=249),
    },
    "odoo": {
        "key": "id",
        "ids": list(range(1, 251)),
        "since": list(range(199, 251)),
        "newest": BASE + timedelta(minutes=250),
    },
}


def _ids(out_dir: Path, vendor: Harness) -> list[Any]:
    key = EXPECT[vendor.system]["key"]
    return [r[key] for page in read_pages(out_dir, vendor.main_object) for r in page]


def test_pages_to_the_end(vendor: Harness, tmp_path: Path) -> None:
    result = vendor.fetch(tmp_path, objects=[vendor.main_object])
    pages = read_pages(tmp_path, vendor.main_object)
    assert len(pages) >= 3
    assert _ids(tmp_path, vendor) == EXPECT[vendor.system]["ids"]
    assert result.records == {vendor.main_object: 250}
    assert result.extract == "full"
    assert [p.name for p in result.files] == sorted(p.name for p in tmp_path.iterdir())
    assert result.files[0].name.endswith("-00001.json")
    assert vendor.sleeps == []


def test_429_waits_for_retry_after_then_succeeds(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("429", skip=1, retry_after="1")
    result = vendor.fetch(tmp_path, objects=[vendor.main_object])
    assert vendor.sleeps == [1.0]
    assert result.records[vendor.main_object] == 250
    assert _ids(tmp_path, vendor) == EXPECT[vendor.system]["ids"]


def test_429_with_http_date_and_real_sleep(vendor: Harness, tmp_path: Path) -> None:
    # A date in the past means "now": the real time.sleep path is taken and costs nothing.
    vendor.fake.inject("429", retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    source = vendor.source(objects=[vendor.main_object])
    from ingest.connectors import fetch

    result = fetch(source, tmp_path, watermark=None, env={vendor.token_env: vendor.fake.token})
    assert result.records[vendor.main_object] == 250


def test_500_then_success(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("500", skip=1)
    result = vendor.fetch(tmp_path, objects=[vendor.main_object])
    assert vendor.sleeps == [1.0]  # first exponential step = base_wait
    assert _ids(tmp_path, vendor) == EXPECT[vendor.system]["ids"]
    assert result.records[vendor.main_object] == 250


def test_dropped_connection_is_retried(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("cut", skip=1)
    result = vendor.fetch(tmp_path, objects=[vendor.main_object])
    assert len(vendor.sleeps) == 1
    assert result.records[vendor.main_object] == 250


def test_persistent_500_gives_up_after_max_attempts(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("500", skip=1, times=100)
    with pytest.raises(ConnectorUnavailableError, match=r"after 3 attempts: HTTP 500") as info:
        vendor.fetch(tmp_path, objects=[vendor.main_object], max_attempts=3)
    assert vendor.sleeps == [1.0, 2.0]
    assert len(vendor.fake.requests) == 1 + 3
    assert info.value.__cause__ is not None


def test_wrong_token_is_an_auth_error(vendor: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorAuthError, match=vendor.token_env):
        vendor.fetch(tmp_path, env={vendor.token_env: "expired"})
    assert vendor.sleeps == []


def test_missing_token_variable_is_named(vendor: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorAuthError, match=f"{vendor.token_env} is not set"):
        vendor.fetch(tmp_path, env={})
    assert vendor.fake.requests == []


def test_malformed_body_is_a_protocol_error(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("malformed", skip=1)
    with pytest.raises(ConnectorProtocolError, match=r"not valid JSON .*127\.0\.0\.1.*<html>"):
        vendor.fetch(tmp_path, objects=[vendor.main_object])


def test_truncated_page_is_a_protocol_error(vendor: Harness, tmp_path: Path) -> None:
    vendor.fake.inject("truncated", skip=1)
    with pytest.raises(ConnectorProtocolError, match="not valid JSON"):
        vendor.fetch(tmp_path, objects=[vendor.main_object])
    assert not list(tmp_path.glob("*.tmp"))


def test_incremental_returns_only_newer_records(vendor: Harness, tmp_path: Path) -> None:
    expect = EXPECT[vendor.system]
    result = vendor.fetch(
        tmp_path,
        watermark=WATERMARK,
        objects=[vendor.main_object],
        options={"watermark_margin_minutes": 0},
    )
    assert result.extract == "incremental"
    assert _ids(tmp_path, vendor) == expect["since"]
    assert result.records == {vendor.main_object: len(expect["since"])}
    assert result.watermark == expect["newest"]


def test_incremental_with_nothing_new_keeps_the_watermark(vendor: Harness, tmp_path: Path) -> None:
    late = BASE + timedelta(days=30)
    result = vendor.fetch(tmp_path, watermark=late, objects=[vendor.main_object])
    assert result.records == {vendor.main_object: 0}
    assert result.watermark == late


def test_full_extract_ignores_a_watermark(vendor: Harness, tmp_path: Path) -> None:
    from ingest.connectors import fetch

    source = vendor.source(objects=[vendor.main_object])  # extract = "full"
    env = {vendor.token_env: vendor.fake.token}
    result = fetch(source, tmp_path, watermark=WATERMARK, env=env)
    assert result.extract == "full"
    assert result.records[vendor.main_object] == 250
