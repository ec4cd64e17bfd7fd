"""Quality page: the review queue offers always-match / never-match on each pair, and the
decision is posted to the API as ``source:source_id`` on both sides; names are translated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.client import ApiClient

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")

# GET /quality as the API returns it (trimmed to what the page reads).
QUALITY: dict[str, Any] = {
    "snapshot": "20261206T053846170204Z",
    "match_rates": [{"source": "crm", "records": 278, "matched": 237, "unmatched": 41,
                     "match_rate": 0.8525}],
    "unmatched_count": 41,
    "conflicts": {"count": 1, "by_field": [{"field": "street", "count": 1}]},
    "review_queue": {"count": 1, "data": [
        {"left_source": "crm", "left_source_id": "hs_1001", "right_source": "erp",
         "right_source_id": "__export__.res_partner_178_35b8726c", "score": 0.91,
         "evidence": {"name_a": "ACME", "name_b": "ACME SAS"},
         "evidence_text": "name 'ACME' ≈ 'ACME SAS' 0.91"}]},
    "rejects": [],
    "checks": [{"check_name": "address_differs", "severity": "warning", "count": 16}],
    "orphans": {"count": 0, "data": []},
    "decisions": [],
}  # fmt: skip


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, list[tuple[str, ...]]]:
    posted: list[tuple[str, ...]] = []

    def decide(self: ApiClient, kind: str, left: str, right: str, reason: str | None = None) -> Any:
        posted.append((kind, left, right))
        return {"data": [], "count": 1}

    monkeypatch.setattr(ApiClient, "quality", lambda self: QUALITY)
    monkeypatch.setattr(ApiClient, "rejects", lambda self, *a, **k: {"data": [], "count": 0})
    monkeypatch.setattr(ApiClient, "runs", lambda self: {"ingest_runs": [], "builds": []})
    monkeypatch.setattr(ApiClient, "decide", decide)
    monkeypatch.setattr(ApiClient, "orphans", lambda self, *a, **k: {"data": [], "count": 0})
    monkeypatch.setenv("C360_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", "fr")
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["c360_token"] = "token"
    at.session_state["c360_user"] = {"role": "admin", "username": "admin"}
    at.switch_page("app_pages/quality.py")
    at.session_state["q_tab"] = "Rapprochement"  # the review queue's tab
    return at, posted


def test_review_pair_buttons_post_the_decision(app: tuple[AppTest, list[tuple[str, ...]]]) -> None:
    at, posted = app
    at.run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.button]
    assert "Toujours rapprocher" in labels and "Ne jamais rapprocher" in labels
    pair = next(m.value for m in at.markdown if "↔" in m.value)
    assert "\\_\\_export\\_\\_" in pair  # the source id keeps its underscores on screen
    at.button(key="rq_no_0").click().run()
    assert posted == [("never_match", "crm:hs_1001", "erp:__export__.res_partner_178_35b8726c")]
    assert any("Décision enregistrée" in s.value for s in at.success)


def test_check_names_are_translated(app: tuple[AppTest, list[tuple[str, ...]]]) -> None:
    at, _ = app
    at.session_state["q_tab"] = "Contrôles"
    at.run()
    [checks] = [h.proto.body for h in at.get("html") if 'data-table="q_checks"' in h.proto.body]
    assert "<td>Adresses divergentes</td>" in checks
    assert "address_differs" not in checks
