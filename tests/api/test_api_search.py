"""Search as you type on a snapshot built by the real pipeline (the 300-customer demo)."""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from api.search import FUZZY_MIN_SCORE, similarity


@pytest.fixture(scope="module")
def demo(
    demo_client: TestClient, demo_snapshot: duckdb.DuckDBPyConnection
) -> tuple[TestClient, duckdb.DuckDBPyConnection]:
    return demo_client, demo_snapshot


def _hits(client: TestClient, q: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/customers", params={"q": q, "limit": 200})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def _one(con: duckdb.DuckDBPyConnection, where: str) -> tuple[Any, ...]:
    row = con.execute(
        f"select * from mart.customer_360 where {where} order by customer_id limit 1"
    ).fetchone()
    assert row is not None
    return row


def _col(con: duckdb.DuckDBPyConnection, customer_id: str, column: str) -> Any:
    row = con.execute(
        f"select {column} from mart.customer_360 where customer_id = ?", [customer_id]
    ).fetchone()
    return row[0] if row else None


def test_siret_in_any_spacing_is_the_first_hit(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "length(siret) = 14")[0]
    siret = _col(con, cid, "siret")
    for q in (
        siret,
        f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}",
        f"{siret[:9]}.{siret[9:]}",
    ):
        hits = _hits(client, q)
        assert hits[0]["customer_id"] == cid
        assert hits[0]["match_reason"].startswith("SIRET ")


def test_vat_spaced_and_lower_case(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "vat_number is not null")[0]
    vat = _col(con, cid, "vat_number")
    q = f"{vat[:2].lower()} {vat[2:4]} {vat[4:]}"
    assert _hits(client, q)[0]["customer_id"] == cid


def test_phone_in_another_format(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 9")[0]
    digits = re.sub(r"\D", "", _col(con, cid, "phone"))[-9:]
    national = "0" + digits
    q = ".".join(national[i : i + 2] for i in range(0, 10, 2))  # 04.78.12.34.56
    hits = _hits(client, q)
    assert cid in [h["customer_id"] for h in hits]
    assert all(h["match_reason"].split()[0] in ("phone", "contact") for h in hits)


def test_contact_email_finds_its_company(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    row = con.execute(
        "select ct.customer_id, ct.email from core.contact as ct "
        "join mart.customer_360 as c using (customer_id) "
        "where ct.email like '%@%' and lower(ct.email) <> lower(coalesce(c.email, '')) "
        "order by ct.customer_id limit 1"
    ).fetchone()
    assert row is not None
    hits = _hits(client, row[1].upper())
    assert hits[0]["customer_id"] == row[0]
    assert hits[0]["match_reason"].startswith("contact e-mail")


def test_customer_code(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "customer_code is not null")[0]
    code = _col(con, cid, "customer_code")
    hits = _hits(client, code.lower())
    assert hits[0]["customer_id"] == cid
    assert hits[0]["match_reason"] == f"customer code {code}"


def test_prefix_ranks_before_substring(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    name = _col(con, _one(con, "length(name) >= 8")[0], "name")
    fragment = name[:4]
    hits = _hits(client, fragment)
    reasons = [h["match_reason"].split(" ")[1] for h in hits]
    # every "starts" hit comes before every "contains" or "close" hit
    first_other = next((i for i, r in enumerate(reasons) if r != "starts"), len(reasons))
    assert "starts" not in reasons[first_other:]
    assert any(r == "starts" for r in reasons)


def test_substring_in_the_middle_of_a_name(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "length(name) >= 10")[0]
    name = _col(con, cid, "name")
    middle = name[3:8]
    hits = {h["customer_id"]: h["match_reason"] for h in _hits(client, middle)}
    assert cid in hits


def test_a_typo_still_finds_the_customer(demo) -> None:  # type: ignore[no-untyped-def]
    client, con = demo
    cid = _one(con, "length(name) >= 8 and regexp_matches(name, '^[A-Za-z]{7}')")[0]
    name = _col(con, cid, "name")
    word = name.split()[0]
    typo = word[:3] + ("x" if word[3].lower() != "x" else "y") + word[4:]
    hits = {h["customer_id"]: h["match_reason"] for h in _hits(client, typo)}
    assert cid in hits, (typo, hits)


def test_nothing_close_finds_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    client, _ = demo
    assert _hits(client, "zzqxw-nothing") == []


def test_similarity_of_a_typo() -> None:
    assert similarity("bardell", "bardel sa") > 0.9
    assert similarity("bardel", "dupont sarl") < FUZZY_MIN_SCORE


def test_ranked_pages_cover_the_list_once(demo) -> None:  # type: ignore[no-untyped-def]
    client, _ = demo
    full = _hits(client, "a")
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"q": "a", "limit": 7}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/customers", params=params).json()
        assert body["count"] == len(full)
        seen += [h["customer_id"] for h in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [h["customer_id"] for h in full]
