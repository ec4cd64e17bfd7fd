"""The data-quality page lists the orphans of GET /quality, in French and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.client import ApiClient

PAGE = str(Path(__file__).resolve().parents[2] / "dashboard" / "app_pages" / "quality.py")
QUALITY = {
    "snapshot": "20261128T020000000000Z",
    "checks": [{"check_name": "orphan_invoice", "severity": "warning", "count": 1}],
    "orphans": {
        "count": 1,
        "data": [
            {
                "check_name": "orphan_invoice",
                "object": "invoice",
                "source": "erp",
                "source_id": "3",
                "document_ref": "INV/2026/0003",
                "names": "999",
                "reason": "unknown_customer",
                "amount": "1234.56",
                "open_amount": "345.47",
                "currency": "EUR",
            }
        ],
    },
}


@pytest.fixture
def stub_api(monkeypatch: pytest.MonkeyPatch) -> None:
    empty: dict[str, Any] = {"data": [], "count": 0}
    monkeypatch.setattr(ApiClient, "quality", lambda self: QUALITY)
    monkeypatch.setattr(ApiClient, "rejects", lambda self, *a, **k: empty)
    monkeypatch.setattr(ApiClient, "runs", lambda self: {"ingest_runs": [], "builds": []})
    monkeypatch.setattr(ApiClient, "orphans", lambda self, *a, **k: QUALITY["orphans"])


@pytest.mark.parametrize(
    ("lang", "heading", "columns", "amount"),
    [
        ("fr", "Orphelins", ["Client désigné", "Reste dû"], "345,47"),
        ("en", "Orphans", ["Names customer", "Open amount"], "345.47"),
    ],
)
def test_orphans_section(
    stub_api: None, lang: str, heading: str, columns: list[str], amount: str
) -> None:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["c360_token"] = "token"
    at.session_state["c360_user"] = {"role": "admin", "username": "admin"}
    at.session_state["c360_lang"] = lang
    at.session_state["q_tab"] = {"fr": "Rapprochement", "en": "Matching"}[lang]
    at.run()
    assert not at.exception
    assert any(s.value.startswith(heading) for s in at.subheader)
    [frame] = [d.value for d in at.dataframe if columns[0] in d.value.columns]
    assert columns[1] in frame.columns
    assert amount in " ".join(str(v) for v in frame.iloc[0].tolist())
