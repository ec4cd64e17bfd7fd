"""One owner's search (a salesperson's, or `owner=`) finds every one of their hits, at a
cost that does not grow with other owners' look-alikes; each hit is sent as stored and
is the page model's JSON, whatever its text."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from search_cost import files_of, search_with_cost

from api.schemas import CustomerSummary, Page
from api.search import FILTERED_CANDIDATES, search, search_json
from tests.api.test_api_search_handmade import _serving

NO_FILTERS: dict[str, Any] = {"segment": None, "owner": None, "has_overdue": None}

# Dave's customers, in the shape of CUSTOMERS there (mart.customer_360's columns): their
# names sort after every look-alike of carol's ('Société Sarlat <i>'), which all contain
# 'sarlat' too, in their name and city.
DAVE = [
    (
        "D001",
        "Vins de Sarlat",
        "552100554",
        "55210055400013",
        None,
        "Bergerac",
        "24100",
        "SMB",
        "dave",
        "CL-9001",
        None,
        None,
        "1250.10",
        "0.00",
    ),
    (
        "D002",
        "Ze Sarlat Conserves",
        None,
        None,
        None,
        "Périgueux",
        "24000",
        "ENT",
        "dave",
        "CL-9002",
        None,
        None,
        "0.00",
        "0.00",
    ),
    (
        "D003",
        "Zinguerie Dordogne",
        None,
        None,
        None,
        "Sarlat-la-Canéda",
        "24200",
        "SMB",
        "dave",
        "CL-9003",
        None,
        None,
        None,
        None,
    ),
]
# Text a JSON writer must escape, and amounts to the cent.
ODD = [
    (
        "Q001",
        'Le "Quai" \\ Négoce\tdu\nport',
        None,
        None,
        None,
        "Saint-Émilion",
        "33330",
        None,
        "erin",
        "CL-9101",
        None,
        None,
        "0.10",
        "1000000.00",
    ),
]


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """More of carol's look-alikes than FILTERED_CANDIDATES, before dave's in name order."""
    folder = tmp_path_factory.mktemp("owner_recall")
    return _serving(folder / "crowded.sqlite", DAVE + ODD, others=FILTERED_CANDIDATES + 500)


def _find(lite: sqlite3.Connection, q: str, **filters: Any) -> list[tuple[str, str]]:
    body = search(lite, files_of(lite), q, {**NO_FILTERS, **filters}, 50, None)
    return [(h["customer_id"], h["match_reason"]) for h in body["data"]]


def test_an_owner_finds_every_substring_hit_behind_other_books(
    crowded: sqlite3.Connection,
) -> None:
    # Everyone's first FILTERED_CANDIDATES hits are carol's: dave's come after them.
    first = crowded.execute(
        "select max(rowid) from (select rowid from search_text where search_text match ? "
        "order by rowid limit ?)",
        ('"sarlat"', FILTERED_CANDIDATES),
    ).fetchone()[0]
    dave = [r[0] for r in crowded.execute("select seq from customer_search where owner = 'dave'")]
    assert min(dave) > first
    assert _find(crowded, "sarlat", owner="dave") == [
        ("D001", "name contains 'sarlat'"),
        ("D002", "name contains 'sarlat'"),
        ("D003", "city contains 'sarlat'"),
    ]
    # Other filters are still checked on the owner's hits.
    assert _find(crowded, "sarlat", owner="dave", segment="ENT") == [
        ("D002", "name contains 'sarlat'")
    ]
    assert _find(crowded, "sarlat", owner="nobody") == []


def test_an_owner_finds_their_typo_hits_behind_other_books(crowded: sqlite3.Connection) -> None:
    hits = _find(crowded, "zinguerei", owner="dave")
    assert hits and hits[0][0] == "D003", hits
    assert hits[0][1].startswith("name close to 'zinguerei' (0.")
    # A typo of the look-alikes' own word: its rarest trigrams are in every one of them.
    hits = _find(crowded, "sarlatt", owner="dave")
    assert [c for c, _ in hits] == ["D001", "D002"], hits
    assert all(r.startswith("name close to 'sarlatt' (0.") for _, r in hits), hits


def _steps(lite: sqlite3.Connection, q: str, owner: str) -> int:
    return search_with_cost(lite, q, {**NO_FILTERS, "owner": owner})[0]


def test_an_owner_search_reads_only_their_book(tmp_path: Path) -> None:
    few = _serving(tmp_path / "few.sqlite", DAVE, others=50)
    many = _serving(tmp_path / "many.sqlite", DAVE, others=3 * FILTERED_CANDIDATES)
    for q in ("sarlat", "sarla", "sarlatt", "zinguerei"):
        assert _find(few, q, owner="dave") == _find(many, q, owner="dave"), q
        # 300 times carol's look-alikes, (nearly) the same work.
        cost, cost_many = _steps(few, q, "dave"), _steps(many, q, "dave")
        assert cost_many < cost * 1.3 + 20, (q, cost, cost_many)


def test_hits_are_sent_as_stored_and_are_the_page_model(crowded: sqlite3.Connection) -> None:
    for q, filters in (
        ("quai", {}),
        ("negoce", {"owner": "erin"}),
        ("sarlat", {"owner": "dave"}),
        ("CL-9101", {}),
    ):
        sent = search_json(crowded, files_of(crowded), q, {**NO_FILTERS, **filters}, 50, None)
        body = json.loads(sent)
        assert body["data"], q
        model = Page[CustomerSummary].model_validate(body).model_dump(mode="json")
        assert body == model, q
    odd = json.loads(search_json(crowded, files_of(crowded), "quai", dict(NO_FILTERS), 50, None))[
        "data"
    ][0]
    assert odd["name"] == 'Le "Quai" \\ Négoce\tdu\nport'
    assert (odd["outstanding_amount"], odd["overdue_amount"]) == ("0.10", "1000000.00")
    assert odd["match_reason"] == "name contains 'quai'"
    dave = json.loads(
        search_json(crowded, files_of(crowded), "sarlat", {**NO_FILTERS, "owner": "dave"}, 50, None)
    )
    assert [h["outstanding_amount"] for h in dave["data"]] == ["1250.10", "0.00", None]
    assert dave["count"] == 3 and dave["next_cursor"] is None
