"""Fixtures for dashboard tests: free ports, servers started and stopped with bounded waits."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_USER = ("e2e_admin", "e2e-Secret-42")


def free_port() -> int:
    """A TCP port nobody listens on right now (bound then released by the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(
    url: str,
    timeout: float = 30.0,
    alive: Callable[[], bool] | None = None,
    request_timeout: float = 2.0,
) -> None:
    """Poll ``url`` until it answers (any status < 500) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Exception | str = "no answer"
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"server for {url} exited before it was ready")
        try:
            response = httpx.get(url, timeout=request_timeout)
            if response.status_code < 500:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.25)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s: {last}")


@pytest.fixture(scope="session")
def e2e_user() -> tuple[str, str]:
    """Username and password of the admin created in the test app store."""
    return E2E_USER


@pytest.fixture(scope="session")
def chromium_args() -> list[str]:
    return list(CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


@pytest.fixture(scope="session")
def e2e_settings(request: pytest.FixtureRequest) -> Any:
    """The settings of the demo warehouse built by the lead's ``built_demo`` fixture."""
    main = pytest.importorskip("api.main", reason="api.main is not available yet")
    if not hasattr(main, "create_app"):
        pytest.skip("api.main.create_app is not available yet")
    try:
        built = request.getfixturevalue("built_demo")
    except pytest.FixtureLookupError:
        pytest.skip("session fixture built_demo (tests/conftest.py) is not available yet")
    settings = getattr(built, "settings", None)
    return settings if settings is not None else built[0]


@pytest.fixture(scope="session")
def api_server(e2e_settings: Any) -> Iterator[str]:
    """The real c360 API under uvicorn on a free port (in a thread); yields its base URL."""
    import uvicorn

    from api import main, store

    store.add_user(e2e_settings, E2E_USER[0], "admin", E2E_USER[1], display_name="E2E Admin")
    # Every dashboard test module signs in as the demo's users, counted in app.db per
    # minute across the session: the limits (tested in tests/api) would turn them away.
    limits = {"login_per_user_per_minute": 10_000, "login_per_address_per_minute": 10_000}
    served = e2e_settings.model_copy(update={"api": e2e_settings.api.model_copy(update=limits)})
    app = main.create_app(served)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="c360-api-e2e", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/api/v1/openapi.json", timeout=30, alive=thread.is_alive)
        # the first call opens the published snapshot (and warms its caches): allow time
        wait_for_http(f"{url}/api/v1/health", timeout=180, request_timeout=120)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def dashboard_server(api_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` as a subprocess pointed at ``api_server``."""
    if shutil.which("streamlit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("streamlit executable not found next to the interpreter")
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    env = {**os.environ, "C360_API_URL": api_server, "C360_DASHBOARD__LANGUAGE": "fr"}
    cmd = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        "dashboard/app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", timeout=60, alive=lambda: proc.poll() is None)
        yield url
    except (TimeoutError, RuntimeError) as exc:
        raise RuntimeError(f"{exc}\n--- streamlit log ---\n{log.read_text()}") from exc
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def admin_token(api_server: str, e2e_user: tuple[str, str]) -> str:
    """One bearer token for the e2e admin, shared by the tests (logins are rate-limited
    per user and per minute)."""
    got = httpx.post(
        f"{api_server}/api/v1/auth/token",
        data={"username": e2e_user[0], "password": e2e_user[1]},
        timeout=120,
    )
    got.raise_for_status()
    return str(got.json()["access_token"])


@pytest.fixture
def signed_in_app(
    api_server: str, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """``make(page=None, lang="fr")``: an AppTest of the dashboard signed in as the e2e
    admin on the real API (the shared token), on ``app_pages/<page>.py`` when named."""
    from streamlit.testing.v1 import AppTest

    def make(page: str | None = None, lang: str = "fr") -> AppTest:
        monkeypatch.setenv("C360_API_URL", api_server)
        monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", lang)
        at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=60)
        at.session_state["c360_token"] = admin_token
        at.session_state["c360_user"] = {"role": "admin", "username": "e2e_admin"}
        if page:
            at.switch_page(f"app_pages/{page}.py")
        return at

    return make
