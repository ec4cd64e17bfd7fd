"""Salesforce OrderItem, Product2, Quote, Task, Event, Case and User: read by default from
the REST query fake, landed and staged with exact rows; an org without Quotes costs only
Quote; archived activities come through queryAll; deletions and the concurrent-request
limit behave as for Account."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from connector_harness import Harness, read_pages
from fake_salesforce import CONCURRENT_LIMIT
from relationship_harness import QUOTE, TICKET, fetch_and_stage, settings_for, staged_from

from ingest.fetch import save_watermark


def sf(prefix: str, i: int) -> str:
    return f"{prefix}{i:012d}AAA"


USER = sf("005", 0)
ACTIVITY = (
    "source_id, customer_source_id, contact_source_id, opportunity_source_id, kind, subject, "
    "occurred_at, status, outcome, owner"
)


def test_every_profile_object_is_read_by_default(tmp_path: Path, salesforce: Harness) -> None:
    with staged_from(settings_for(tmp_path / "data", salesforce), salesforce) as staged:
        assert staged.by_object() == {
            "customer": (250, 250, 0, 0),
            "contact": (30, 30, 0, 0),
            "opportunity": (10, 10, 0, 0),
            "sales_order": (5, 5, 0, 0),
            "order_line": (2, 2, 0, 0),
            "product": (2, 2, 0, 0),
            "quote": (2, 2, 0, 0),
            "activity": (4, 4, 0, 0),
            "ticket": (2, 2, 0, 0),
            "owner": (3, 3, 0, 0),
        }
        # A call task is dated when completed; an open task by its due date; the archived
        # task (closed over a year ago) is there; an event is a meeting at its start.
        assert staged.rows("activity", ACTIVITY) == [
            (sf("00T", 0), sf("001", 1), sf("003", 1), None, "call", "Appel de suivi",
             datetime(2026, 3, 2, 9, 20), "done", "Joint, rappeler en avril", USER),
            (sf("00T", 1), sf("001", 2), None, sf("006", 2), "task", "Envoyer CGV",
             datetime(2026, 12, 20), "open", None, USER),
            (sf("00T", 2), sf("001", 3), sf("003", 3), None, "call", "Ancien appel",
             datetime(2025, 1, 10, 10, 0), "done", None, USER),
            (sf("00U", 0), sf("001", 2), sf("003", 2), None, "meeting", "Démo",
             datetime(2026, 4, 10, 12, 0), "open", None, USER),
        ]  # fmt: skip
        assert staged.rows("ticket", TICKET) == [
            (sf("500", 0), sf("001", 1), sf("003", 1), "00001001", "Machine à l'arrêt", "open",
             "high", datetime(2026, 3, 4, 8, 0), None, USER),
            (sf("500", 1), sf("001", 2), None, "00001002", "Question facture", "closed", "low",
             datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 7, 15, 30), USER),
        ]  # fmt: skip
        assert staged.rows("quote", QUOTE) == [
            (sf("0Q0", 0), sf("001", 1), sf("006", 1), "00000001", "sent", date(2026, 3, 1),
             date(2026, 4, 30), Decimal("12000.50"), Decimal("14400.60")),
            (sf("0Q0", 1), sf("001", 2), sf("006", 2), "00000002", "draft", date(2026, 3, 4),
             None, Decimal("800.00"), Decimal("960.00")),
        ]  # fmt: skip
        # The product's code comes through the Product2 relationship; a blank Description
        # takes the product's name.
        assert staged.rows(
            "order_line",
            "source_id, order_source_id, line_number, product_code, description, quantity, "
            "unit_price, amount_excl_tax",
        ) == [
            (sf("802", 0), sf("801", 0), 1, "HSK63", "Broche HSK-63", Decimal("4.0000"),
             Decimal("1250.0000"), Decimal("5000.00")),
            (sf("802", 1), sf("801", 0), 2, "INST", "Pose sur site", Decimal("2.0000"),
             Decimal("850.1300"), Decimal("1700.26")),
        ]  # fmt: skip
        assert staged.rows("product", "source_id, product_code, name, family, is_active") == [
            (sf("01t", 0), "HSK63", "Broche HSK-63", "Broches", True),
            (sf("01t", 1), "INST", "Forfait installation", "Services", False),
        ]
        assert [r[0] for r in staged.rows("owner", "source_id")] == [
            sf("005", 0),
            sf("005", 1),
            sf("005", 2),
        ]


def test_order_item_page_and_activity_queries(tmp_path: Path, salesforce: Harness) -> None:
    result = salesforce.fetch(tmp_path, objects=["OrderItem", "Task"])
    assert result.records == {"OrderItem": 2, "Task": 3}
    line = read_pages(tmp_path, "OrderItem")[0][0]
    assert {k: line[k] for k in ("Id", "OrderId", "Product2.ProductCode", "Product2.Name")} == {
        "Id": sf("802", 0),
        "OrderId": sf("801", 0),
        "Product2.ProductCode": "HSK63",
        "Product2.Name": "Broche HSK-63",
    }
    assert "Product2" not in line and "attributes" not in line
    # Task goes through queryAll (archived rows), live rows only on a full read.
    task = salesforce.fake.requests[-1]
    assert task.path.endswith("/queryAll")
    assert parse_qs(task.query)["q"][0].endswith(" FROM Task WHERE IsDeleted = false")


def test_an_org_without_quotes_costs_only_quote(
    tmp_path: Path, salesforce: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    salesforce.fake.missing = {"Quote"}
    with (
        caplog.at_level(logging.WARNING),
        staged_from(settings_for(tmp_path / "data", salesforce), salesforce) as staged,
    ):
        assert list(staged.fetched.skipped["crm"]) == ["Quote"]
        skips = [r.getMessage() for r in caplog.records if "skipping" in r.getMessage()]
        assert len(skips) == 1
        assert skips[0].startswith("Salesforce: skipping Quote: the org has no such object (")
        assert "sObject type 'Quote' is not supported" in skips[0]
        assert "\n" not in skips[0]  # Salesforce quotes the query over several lines
        counts = staged.by_object()
        assert "quote" not in counts
        assert counts["activity"] == (4, 4, 0, 0) and counts["order_line"] == (2, 2, 0, 0)


def test_concurrent_limit_on_case_is_retried(tmp_path: Path, salesforce: Harness) -> None:
    salesforce.fake.inject("raw", status=403, payload=json.dumps(CONCURRENT_LIMIT).encode())
    result = salesforce.fetch(tmp_path, objects=["Case"])
    assert result.records == {"Case": 2}
    assert len(salesforce.sleeps) == 1


def test_activities_incremental_with_deletions(tmp_path: Path, salesforce: Harness) -> None:
    settings = settings_for(tmp_path / "data", salesforce, extract="incremental")
    first = fetch_and_stage(settings, salesforce)
    save_watermark(settings, "crm", first.fetched.watermarks["crm"])
    first.close()
    salesforce.fake.edit("Task", sf("00T", 1), 600, Status="Completed", IsClosed=True)
    salesforce.fake.delete("Event", sf("00U", 0), 601)
    salesforce.fake.requests.clear()
    with staged_from(settings, salesforce) as second:
        queries = [parse_qs(r.query)["q"][0] for r in salesforce.fake.requests if r.query]
        task = next(q for q in queries if " FROM Task " in q)
        assert " WHERE SystemModstamp > " in task
        rows = {r[0]: r[1:] for r in second.rows("activity", "source_id, status, is_deleted")}
        assert rows == {
            sf("00T", 0): ("done", False),
            sf("00T", 1): ("done", False),
            sf("00T", 2): ("done", False),
            sf("00U", 0): ("open", True),
        }
