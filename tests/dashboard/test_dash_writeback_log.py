"""Write-back log page (admins, issue 15) against the real API: GET /writeback read through
the dashboard's client, filters by source and result, paging both ways, French and English
labels. The log lines are written by hand as `c360 writeback` appends them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
ADMIN = ("wb_admin", "wb-Secret-4242")
T0 = datetime(2026, 11, 28, 2, 0, 0)


def _lines() -> list[tuple[Any, ...]]:
    """120 writes: hub (110, the last 10 refused) then sf (10, ok), one minute apart."""
    out: list[tuple[Any, ...]] = []
    for i in range(120):
        source = "hub" if i < 110 else "sf"
        failed = 100 <= i < 110
        out.append(
            (
                "wb-20261128T020000-abc123",
                T0 + timedelta(minutes=i),
                f"C{i:07d}",
                source,
                f"{1000 + i}",
                "c360_outstanding",
                None if i % 2 else f"{i}.00",
                f"{i + 1}.50",
                "failed" if failed else "ok",
                "OBJECT_NOT_FOUND: company gone" if failed else None,
            )
        )
    return out


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import socket

    import uvicorn

    from api import main, security, store
    from kernel.settings import load_settings
    from kernel.writeback_log import append_log

    security.BCRYPT_ROUNDS = 4
    root = tmp_path_factory.mktemp("wb_dash")
    (root / "c360.toml").write_text('data_dir = "data"\n', encoding="utf-8")
    settings = load_settings(root / "c360.toml")
    store.add_user(settings, ADMIN[0], "admin", ADMIN[1])
    store.add_user(settings, "wb_sales", "sales", "wb-Sales-4242", owner_name="Alice")
    store.dispose_engines()
    append_log(settings.writeback_log_db, _lines())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(main.create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            httpx.get(f"{url}/api/v1/openapi.json", timeout=2)
            break
        except httpx.HTTPError:
            threading.Event().wait(0.25)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _token(url: str, user: str, password: str) -> str:
    answer = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": user, "password": password}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _app(url: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("C360_API_URL", url)
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", lang)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["c360_token"] = _token(url, *ADMIN)
    at.session_state["c360_user"] = {"role": "admin", "username": ADMIN[0]}
    at.session_state["c360_lang"] = lang
    at.switch_page("app_pages/writeback.py")
    return at


def _table(at: AppTest) -> Any:
    return at.dataframe[0].value if at.dataframe else None


def test_pages_newest_first_and_back(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, "fr", monkeypatch)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Écritures CRM"
    frame = _table(at)
    assert list(frame.columns)[:3] == ["Écrit le (UTC)", "Source", "Client"]
    assert len(frame) == 50
    # newest first: the last sf write, 28/11/2026 03:59, amounts as the CRM got them
    first = frame.iloc[0]
    assert first["Écrit le (UTC)"] == "28/11/2026 03:59"
    assert (first["Source"], first["Client"], first["Nouvelle valeur"]) == (
        "sf",
        "C0000119",
        "120.50",
    )
    assert first["Valeur précédente"] == "—" and first["Résultat"] == "Écrit"
    assert at.button(key="wb_previous").disabled
    at.button(key="wb_next").click().run()
    at.button(key="wb_next").click().run()
    third = _table(at)
    assert len(third) == 20 and third.iloc[-1]["Client"] == "C0000000"
    assert at.button(key="wb_next").disabled
    assert any(c.value == "Page 3" for c in at.caption)
    at.button(key="wb_previous").click().run()
    assert _table(at).iloc[0]["Client"] == "C0000069"


def test_filters_by_source_and_result_in_english(
    api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(api_url, "en", monkeypatch)
    at.run()
    at.text_input(key="wb_source").input("hub").run()
    at.selectbox(key="wb_result").select("failed").run()
    assert not at.exception, at.exception
    frame = _table(at)
    assert len(frame) == 10
    assert set(frame["Result"]) == {"Failed"} and set(frame["Source"]) == {"hub"}
    assert frame.iloc[0]["CRM's reason"] == "OBJECT_NOT_FOUND: company gone"
    assert frame.iloc[0]["Written (UTC)"] == "2026-11-28 03:49"
    at.text_input(key="wb_source").input("nobody").run()
    assert _table(at) is None and at.info[0].value == "No write."


def test_a_salesperson_gets_no_log(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, "en", monkeypatch)
    at.session_state["c360_token"] = _token(api_url, "wb_sales", "wb-Sales-4242")
    at.run()
    assert _table(at) is None and at.warning, "the API's 403 is shown, no line"
