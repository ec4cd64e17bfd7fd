"""Steward decisions are kept in the app store and re-applied at every build."""

from __future__ import annotations

from pathlib import Path

import pytest
from built_copy import copy_built
from fastapi.testclient import TestClient
from snapshot_helpers import published_xref

from api.decisions import DecisionError, decide, list_decisions
from c360.serve_api import build_app
from demo_company import generate_demo
from ingest.pipeline import ingest
from kernel.settings import Settings, load_settings
from warehouse.build import build


@pytest.fixture(scope="module")
def _built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("steward")
    generate_demo(root, customers=80, seed=3)
    settings = load_settings(root / "c360.toml")
    assert ingest(settings).ok
    assert build(settings).published
    return root


@pytest.fixture
def demo(_built: Path, tmp_path: Path) -> Settings:
    """The demo as built, a copy of its own for each test's decisions and users."""
    return copy_built(_built, tmp_path / "demo")


def _two_singletons(xref: dict[tuple[str, str], str]) -> tuple[tuple[str, str], tuple[str, str]]:
    by_customer: dict[str, list[tuple[str, str]]] = {}
    for key, cid in xref.items():
        by_customer.setdefault(cid, []).append(key)
    singles = sorted(v[0] for v in by_customer.values() if len(v) == 1)
    return singles[0], singles[1]


def test_merge_then_split_survive_rebuilds(demo: Settings) -> None:
    xref = published_xref(demo)
    a, b = _two_singletons(xref)
    old_a, old_b = xref[a], xref[b]
    decide(demo, "merge", old_a, old_b, reason="same group", actor="test")
    assert build(demo).published
    merged = published_xref(demo)
    assert merged[a] == merged[b] == min(old_a, old_b), "the oldest id survives"

    decide(demo, "split", f"{b[0]}:{b[1]}", reason="not the same", actor="test")
    assert build(demo).published
    again = published_xref(demo)
    assert again[a] == min(old_a, old_b)
    assert again[b] != again[a], "the later split undoes the merge"
    assert [d.kind for d in list_decisions(demo)] == ["split"]


def test_never_match_keeps_two_linked_records_apart(demo: Settings) -> None:
    xref = published_xref(demo)
    by_customer: dict[str, list[tuple[str, str]]] = {}
    for key, cid in xref.items():
        by_customer.setdefault(cid, []).append(key)
    pair = next(sorted(v) for v in by_customer.values() if len(v) == 2)
    decide(demo, "never_match", f"{pair[0][0]}:{pair[0][1]}", f"{pair[1][0]}:{pair[1][1]}")
    assert build(demo).published
    after = published_xref(demo)
    assert after[pair[0]] != after[pair[1]]


def test_bad_decisions_are_refused_clearly(demo: Settings) -> None:
    with pytest.raises(DecisionError, match="source:source_id"):
        decide(demo, "always_match", "nocolon", "crm:1")
    with pytest.raises(DecisionError, match="not in the published snapshot"):
        decide(demo, "always_match", "crm:does-not-exist", "erp:nope")
    with pytest.raises(DecisionError, match="unknown decision"):
        decide(demo, "maybe", "crm:1")


def test_decisions_over_http_are_admin_only(demo: Settings) -> None:
    from api.store import add_user

    add_user(demo, "root", "admin", "pw-admin")
    add_user(demo, "fin", "finance", "pw-fin")
    client = TestClient(build_app(demo))

    def token(u: str, p: str) -> dict[str, str]:
        r = client.post("/api/v1/auth/token", data={"username": u, "password": p})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    xref = published_xref(demo)
    a, b = _two_singletons(xref)
    body = {"kind": "always_match", "left": f"{a[0]}:{a[1]}", "right": f"{b[0]}:{b[1]}"}
    assert (
        client.post(
            "/api/v1/match-decisions", json=body, headers=token("fin", "pw-fin")
        ).status_code
        == 403
    )
    made = client.post("/api/v1/match-decisions", json=body, headers=token("root", "pw-admin"))
    assert made.status_code == 201, made.text
    assert made.json()["data"][0]["decision"] == "match"
    bad = client.post(
        "/api/v1/match-decisions",
        json={"kind": "merge", "left": "C9999999"},
        headers=token("root", "pw-admin"),
    )
    # A merge names two customers: the document says so, and FastAPI refuses one alone.
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    unknown = client.post(
        "/api/v1/match-decisions",
        json={"kind": "merge", "left": "C9999999", "right": "C9999998"},
        headers=token("root", "pw-admin"),
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "decision_target_not_found"
    quality = client.get("/api/v1/quality", headers=token("root", "pw-admin")).json()
    assert len(quality["decisions"]) == 1
