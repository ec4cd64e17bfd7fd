"""Quality page (admins): each check drills down to its records (``/quality/findings``,
paged by "show more"), rejected rows come with their reasons, runs are tables, not JSON."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.client import ApiClient

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")

# GET /quality, /quality/orphans, /quality/rejects and /runs as the API answers them.
QUALITY: dict[str, Any] = {
    "snapshot": "20261206T073803699068Z",
    "match_rates": [],
    "unmatched_count": 0,
    "conflicts": {"count": 12, "by_field": [{"field": "street", "count": 12}]},
    "review_queue": {"count": 0, "data": []},
    "rejects": [{"source": "erp", "count": 3, "reasons": [
        {"reason": "amount: not a number 'abc'", "count": 2},
        {"reason": "missing customer id", "count": 1}]}],
    "checks": [
        {"check_name": "erp_not_in_crm", "severity": "warning", "count": 30},
        {"check_name": "orphan_invoice", "severity": "warning", "count": 1},
    ],
    "orphans": {"count": 1, "data": []},
    "decisions": [],
}  # fmt: skip
ORPHANS: dict[str, Any] = {"count": 1, "next_cursor": None, "data": [
    {"check_name": "orphan_invoice", "object": "invoice", "source": "erp", "source_id": "3",
     "document_ref": "INV/2026/0003", "names": "999", "reason": "unknown_customer",
     "amount": "1234.56", "open_amount": "345.47", "currency": "EUR"}]}  # fmt: skip
# GET /quality/findings?check=erp_not_in_crm, two pages of one record each.
FINDINGS: dict[str | None, Any] = {
    None: {"count": 2, "next_cursor": "p2", "data": [
        {"check_name": "erp_not_in_crm", "severity": "warning", "customer_id": "C0000042",
         "source": "erp", "source_id": "__export__.res_partner_42_ab12",
         "detail": "Customer in the ERP has no CRM record"}]},
    "p2": {"count": 2, "next_cursor": None, "data": [
        {"check_name": "erp_not_in_crm", "severity": "warning", "customer_id": "C0000043",
         "source": "erp", "source_id": "43", "detail": "Customer in the ERP has no CRM record"}]},
}  # fmt: skip
REJECTS = {"count": 3, "next_cursor": None, "data": [
    {"run_id": "20261206T073757642794Z", "source": "erp", "file": "invoices.csv",
     "object": "invoice", "line": 17, "raw": "INV/17;abc;2026-11-02",
     "reason": "amount: not a number 'abc'"},
    {"run_id": "20261206T073757642794Z", "source": "erp", "file": "invoices.csv",
     "object": "invoice", "line": 42, "raw": "INV/42;;2026-11-03",
     "reason": "missing customer id"}]}  # fmt: skip
RUNS: dict[str, Any] = {
    "snapshot": "20261206T073803699068Z",
    "ingest_run_count": 1,
    "ingest_runs": [{"run_id": "20261206T073757642794Z", "source": "erp", "file": "invoices.csv",
                     "object": "invoice", "status": "loaded", "rows_read": 120,
                     "rows_loaded": 117, "rows_rejected": 3, "message": None,
                     "started_at": "2026-12-06T07:38:02.708293",
                     "finished_at": "2026-12-06T07:38:03.270443"}],
    "builds": [{"build_id": "20261206T073803699068Z", "started_at": "2026-12-06T07:38:03.699068",
                "finished_at": "2026-12-06T07:38:07.340829", "status": "published",
                "message": "published 300 customers in 3.6s", "checks": "[]",
                "counts": '{"customers": 300, "alerts": 94, "open_items": 168}'}],
}  # fmt: skip


def test_builds_become_rows_with_their_counts_as_columns() -> None:
    from dashboard.quality_data import build_rows, reject_summary

    [row] = build_rows(RUNS["builds"])
    assert (row["customers"], row["alerts"], row["open_items"]) == (300, 94, 168)
    assert row["failed_checks"] == 0 and "counts" not in row
    assert reject_summary(QUALITY) == [
        {"source": "erp", "reason": "amount: not a number 'abc'", "count": 2},
        {"source": "erp", "reason": "missing customer id", "count": 1},
    ]


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, list[tuple[Any, ...]]]:
    calls: list[tuple[Any, ...]] = []

    def orphans(self: ApiClient, check: str | None = None, limit: int = 100) -> Any:
        calls.append(("orphans", check))
        return ORPHANS

    def rejects(self: ApiClient, limit: int = 200, cursor: Any = None, source: Any = None) -> Any:
        calls.append(("rejects", source))
        return REJECTS

    def findings(self: ApiClient, check: str | None = None, cursor: Any = None) -> Any:
        calls.append(("findings", check, cursor))
        if check == "erp_not_in_crm":
            return FINDINGS[cursor]
        return {
            "count": 1,
            "next_cursor": None,
            "data": [
                {
                    **ORPHANS["data"][0],
                    "severity": "warning",
                    "customer_id": None,
                    "detail": "invoice INV/2026/0003",
                }
            ],
        }

    monkeypatch.setattr(ApiClient, "quality", lambda self: QUALITY)
    monkeypatch.setattr(ApiClient, "findings", findings)
    monkeypatch.setattr(ApiClient, "orphans", orphans)
    monkeypatch.setattr(ApiClient, "rejects", rejects)
    monkeypatch.setattr(ApiClient, "runs", lambda self: RUNS)
    monkeypatch.setenv("C360_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", "fr")
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["c360_token"] = "token"
    at.session_state["c360_user"] = {"role": "admin", "username": "admin"}
    at.switch_page("app_pages/quality.py")
    return at, calls


def _cells(at: AppTest) -> list[str]:
    return [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()]


def _findings(at: AppTest) -> list[dict[str, str]]:
    """The findings table (an HTML table up to 100 rows) as header → cell rows."""
    [body] = [h.proto.body for h in at.get("html") if 'data-table="findings_' in h.proto.body]
    head = [html.unescape(c) for c in re.findall(r"<th[^>]*>([^<]*)</th>", body)]
    rows = re.findall(r"<tr>((?:<td.*?</td>)+)</tr>", body)
    return [
        dict(zip(head, [html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", r)],
                 strict=True))
        for r in rows
    ]  # fmt: skip


def test_a_check_drills_down_to_its_records(stubbed: tuple[AppTest, list[Any]]) -> None:
    at, calls = stubbed
    at.run()
    assert not at.exception, at.exception
    # the first check's records, a page of the API at a time, headers and values in French
    assert calls == [("findings", "erp_not_in_crm", None)]
    [row] = _findings(at)
    assert list(row) == ["Gravité", "Source", "Id. source", "N° client", "Constat"]
    assert row["Gravité"] == "Avertissement"
    assert row["Id. source"] == "__export__.res_partner_42_ab12"
    assert any("1 affichés sur 2" in c.value for c in at.caption)
    at.button(key="findings_more_erp_not_in_crm").click().run()
    assert calls[-1] == ("findings", "erp_not_in_crm", "p2")
    assert [r["N° client"] for r in _findings(at)] == ["C0000042", "C0000043"]
    assert not [b for b in at.button if b.key == "findings_more_erp_not_in_crm"]
    at.selectbox(key="q_check").set_value("orphan_invoice").run()
    assert not at.exception, at.exception
    assert calls[-1] == ("findings", "orphan_invoice", None)
    assert any("onglet Rapprochement" in c.value for c in at.caption)
    assert [r["Constat"] for r in _findings(at)] == ["invoice INV/2026/0003"]


def test_rejected_rows_come_with_their_reasons(stubbed: tuple[AppTest, list[Any]]) -> None:
    at, calls = stubbed
    at.session_state["q_tab"] = "Lignes rejetées"
    at.run()
    assert not at.exception, at.exception
    summary = next(df.value for df in at.dataframe if "Motif" in df.value.columns)
    assert [str(n) for n in summary["Nombre"]] == ["2", "1"]
    rows = at.dataframe[-1].value
    assert [str(n) for n in rows["Ligne"]] == ["17", "42"]
    assert rows["Motif"].tolist() == ["amount: not a number 'abc'", "missing customer id"]
    at.selectbox(key="q_rej_source").set_value("erp").run()
    assert calls[-1] == ("rejects", "erp")


def test_runs_are_tables_not_json(stubbed: tuple[AppTest, list[Any]]) -> None:
    at, _ = stubbed
    at.session_state["q_tab"] = "Exécutions"
    at.run()
    assert not at.exception, at.exception
    builds, ingest = at.dataframe[0].value, at.dataframe[1].value
    assert [str(n) for n in builds["Clients"]] == ["300"]
    assert builds["Statut"].tolist() == ["Publié"]
    assert not any("{" in str(v) for v in builds.to_numpy().ravel())
    assert [str(n) for n in ingest["Lignes rejetées"]] == ["3"]
    assert not at.json  # no raw JSON anywhere


def _admin_token(api_server: str, token: str) -> tuple[str, dict[str, Any]]:
    with httpx.Client(base_url=f"{api_server}/api/v1", timeout=120) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        return token, {"quality": http.get("/quality").json(), "runs": http.get("/runs").json()}


@pytest.mark.parametrize("tab", ["Contrôles", "Rapprochement", "Lignes rejetées", "Exécutions"])
def test_every_tab_against_the_real_api(
    api_server: str, admin_token: str, monkeypatch: pytest.MonkeyPatch, tab: str
) -> None:
    token, truth = _admin_token(api_server, admin_token)
    monkeypatch.setenv("C360_API_URL", api_server)
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", "fr")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["c360_token"] = token
    at.session_state["c360_user"] = {"role": "admin", "username": "e2e_admin"}
    at.session_state["q_tab"] = tab
    at.switch_page("app_pages/quality.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    quality = truth["quality"]
    if tab == "Contrôles":
        from dashboard.quality_data import check_label

        checks = quality["checks"]
        if checks:  # every check of the snapshot can be opened, named in French
            options = at.selectbox(key="q_check").options
            assert options == [check_label(c, "fr") for c in checks]
            assert not any("_" in o for o in options)
            # the first check's records, from /quality/findings
            assert 0 < len(_findings(at)) <= min(checks[0]["count"], 100)
        else:
            assert at.success
    elif tab == "Lignes rejetées" and not quality["rejects"]:
        assert any("Aucune ligne rejetée" in s.value for s in at.success)
    elif tab == "Exécutions":
        builds = at.dataframe[0].value
        assert len(builds) == len(truth["runs"]["builds"])
        assert "Clients" in builds.columns
