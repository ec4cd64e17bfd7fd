"""`python -m bench.screenshots`: a PNG of every dashboard page each demo role sees.

Builds the 300-customer demo (`c360 demo`) under bench/out/, starts the API and the
dashboard on free ports, logs in as sales, finance, executive and admin in Debian's
headless chromium and writes docs/screenshots/<role>-<page>.png at 1,440 px wide. The
customers page is shot on the 360° screen of a customer with an overdue balance.
bench/dashboard_pages.py reuses the servers and the waits defined here.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import OUT, ROOT
from dashboard.i18n import t
from dashboard.navigation import visible_pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
SHOTS = ROOT / "docs" / "screenshots"
DEMO = OUT / "demo300"
WIDTH, HEIGHT = 1440, 1000
MAX_HEIGHT = 4000  # a page taller than this is cut: the top is what a reader looks at
MAX_BYTES = 300_000
LANG = "fr"  # the demo's default language, the one its users read
ROLES = ("sales", "finance", "executive", "admin")
TIMEOUT_MS = 60_000
# Streamlit's marks of a page still being drawn: the run indicator, spinners, skeletons.
BUSY_JS = """() => !document.querySelector(
  '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"],'
  + '[data-testid="stSpinner"], [data-testid="stSkeleton"]')"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, alive: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {alive.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code < 500:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def build_demo(out: Path = DEMO, rebuild: bool = False) -> dict[str, Any]:
    """The 300-customer demo, built by the real CLI once and reused; returns truth.json."""
    truth = out / "truth.json"
    if rebuild or not (truth.exists() and (out / "data").exists()):
        cmd = [sys.executable, "-m", "c360.cli", "demo", "--customers", "300"]
        subprocess.run([*cmd, "--out", str(out)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return dict(json.loads(truth.read_text(encoding="utf-8")))


@dataclass
class Servers:
    api: str
    dashboard: str
    truth: dict[str, Any]
    baseline: str | None = None  # a second dashboard, from older code, on the same API

    def user(self, role: str) -> tuple[str, str]:
        u = next(u for u in self.truth["users"] if u["role"] == role)
        return str(u["username"]), str(u["password"])


@contextlib.contextmanager
def servers(
    out: Path = DEMO,
    baseline: Path | None = None,
    config: Path | None = None,
    users: list[dict[str, Any]] | None = None,
) -> Iterator[Servers]:
    """The demo's API (`c360 api`) and dashboard on free ports, stopped on exit.

    ``baseline``: a folder holding an older ``dashboard/`` package (bench/dashboard_pages.py
    exports one from git), served as a second dashboard on the same API for a before/after
    in one run. ``config`` and ``users``: serve another built warehouse (a scale data set)
    instead of the demo."""
    from c360.serve_dashboard import dashboard_command, dashboard_env
    from kernel.settings import load_settings

    truth = {"users": users} if config else build_demo(out)
    config = config or out / "c360.toml"
    api_port, dash_port, base_port = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "C360_API__HOST": "127.0.0.1", "C360_API__PORT": str(api_port)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    os.environ.update({"C360_API__HOST": "127.0.0.1", "C360_API__PORT": str(api_port)})
    settings = load_settings(config)
    log = (OUT / "dashboard-servers.log").open("wb")
    dashboards = [(ROOT, dash_port)] + ([(baseline, base_port)] if baseline else [])
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "c360.cli", "api", "-c", str(config)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),  # fmt: skip
    ]
    for root, port in dashboards:
        command = dashboard_command(settings, port)
        command[command.index("run") + 1] = str(root / "dashboard" / "app.py")
        procs.append(
            subprocess.Popen(
                [*command, "--server.fileWatcherType", "none"],
                # `python -m streamlit` puts its working folder first on sys.path: a
                # baseline run from ROOT would import ROOT's dashboard modules, not its own
                cwd=root,
                env={
                    **dashboard_env(settings),
                    "PYTHONPATH": f"{root}{os.pathsep}{env['PYTHONPATH']}",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
    api, dash = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{dash_port}"
    base = f"http://127.0.0.1:{base_port}" if baseline else None
    try:
        _wait_http(f"{api}/api/v1/health", procs[0])
        for (_, port), proc in zip(dashboards, procs[1:], strict=True):
            _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield Servers(api, dash, truth, base)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def overdue_customers(s: Servers, role: str, n: int = 1) -> list[dict[str, Any]]:
    """Through the API as ``role``: customers with an overdue balance whose name search
    finds only them, largest overdue first (the salesperson's own customers)."""
    username, password = s.user(role)
    owner = next(u for u in s.truth["users"] if u["role"] == role).get("owner_name")
    with httpx.Client(base_url=f"{s.api}/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": username, "password": password})
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        params: dict[str, Any] = {"has_overdue": "true", "limit": 200}
        if role == "sales" and owner:
            params["owner"] = owner
        found = http.get("/customers", params=params).json()["data"]
        found.sort(key=lambda c: -float(c.get("overdue_amount") or 0))
        picked = []
        for c in found:
            if (
                c.get("name")
                and len(http.get("/customers", params={"q": c["name"]}).json()["data"]) == 1
            ):
                picked.append(dict(http.get(f"/customers/{c['customer_id']}").json()))
                if len(picked) == n:
                    return picked
    raise RuntimeError(f"fewer than {n} overdue customers with a unique name for {role}")


def settle(page: Any) -> None:
    """Wait until Streamlit has finished drawing: no run indicator, spinner or skeleton."""
    page.wait_for_function(BUSY_JS, timeout=TIMEOUT_MS, polling=50)


def login(page: Any, s: Servers, role: str, url: str | None = None) -> None:
    username, password = s.user(role)
    page.goto(url or s.dashboard)
    page.get_by_label(t("username", LANG)).fill(username)
    page.get_by_label(t("password", LANG)).fill(password)
    page.get_by_role("button", name=t("sign_in", LANG)).click()
    page.get_by_role("button", name=t("sign_out", LANG)).wait_for()
    settle(page)


def open_page(page: Any, name: str) -> None:
    """Open a page from the sidebar and wait until its own content is drawn."""
    page.get_by_test_id("stSidebarNav").get_by_text(t(f"page_{name}", LANG), exact=True).click()
    page_ready(page, name)


def page_ready(page: Any, name: str) -> None:
    markers = {
        # the search box: the page may reopen on the customer last shown
        "customers": page.get_by_label(t("search_label", LANG)),
        "receivables": page.get_by_text(
            re.compile(r"client\(s\) affiché\(s\)|customer\(s\) shown")
        ),
        # the headline cards: one HTML grid, or the st.metric an older dashboard drew
        "kpis": page.get_by_test_id("c360CardLabel")
        .or_(page.get_by_test_id("stMetricLabel"))
        .filter(has_text=t("win_rate", LANG)),
        "quality": page.get_by_role("heading", name=t("page_quality", LANG)),
        "writeback": page.get_by_role("heading", name=t("page_writeback", LANG)),
    }
    markers[name].first.wait_for(timeout=TIMEOUT_MS)
    settle(page)


def outstanding_card(page: Any) -> Any:
    """The value of the 360° screen's outstanding card (an HTML card, or the ``st.metric``
    an older dashboard drew)."""
    exact = re.compile(f"^{t('outstanding', LANG)}$")
    card = page.get_by_test_id("c360Card").filter(
        has=page.get_by_test_id("c360CardLabel").filter(has_text=exact)
    )
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=exact)
    )
    return card.get_by_test_id("c360CardValue").or_(metric.get_by_test_id("stMetricValue"))


def open_360(page: Any, customer: dict[str, Any]) -> None:
    """Search the customer by name and wait for its outstanding card. A single hit opens
    the 360° screen at once; an older dashboard lists it first, opened from the picker."""
    from dashboard.i18n import format_amount

    currency = (customer.get("terms") or {}).get("currency") or "EUR"
    expected = format_amount(customer["financial"]["outstanding_amount"], LANG, currency)
    value = outstanding_card(page).filter(has_text=expected)
    search = page.get_by_label(re.compile(re.escape(t("search_label", LANG)[:20])))
    search.fill(customer.get("query") or customer["name"])
    search.press("Enter")
    listed = page.get_by_text(t("results", LANG, count=1), exact=True)
    value.or_(listed).first.wait_for(timeout=TIMEOUT_MS)
    if not value.count():
        # the run must end first: until then the page may still hold the previous run's
        # picker (a salesperson's start screen has one for their alerts)
        settle(page)
        page.get_by_role("combobox", name=re.compile(t("open_customer", LANG))).last.click()
        page.get_by_role("option").filter(has_text=customer["name"]).first.click()
    value.wait_for(timeout=TIMEOUT_MS)
    settle(page)


def shoot(page: Any, path: Path) -> int:
    """The whole page (Streamlit scrolls inside its main block, so the viewport is grown
    to the content), written as a palette PNG when the full-colour one is too big."""
    from PIL import Image

    height = page.evaluate(
        "() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebar'].map(id =>"
        ' (document.querySelector(`[data-testid="${id}"] > div`) || {scrollHeight: 0})'
        ".scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": WIDTH, "height": min(max(int(height), HEIGHT), MAX_HEIGHT)})
    page.wait_for_timeout(800)  # charts re-lay out to the new viewport
    settle(page)
    image = Image.open(io.BytesIO(page.screenshot()))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.convert("RGB").quantize(colors=128).save(path, optimize=True)
    return path.stat().st_size


def take_all(s: Servers, roles: tuple[str, ...] = ROLES) -> list[Path]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for role in roles:
                context = browser.new_context(
                    viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR"
                )
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                login(page, s, role)
                for name in visible_pages(role):
                    if name == "customers":
                        if role == "sales":  # the salesperson's start screen: their alerts
                            page.get_by_role("heading", name=t("my_alerts", LANG)).wait_for()
                            settle(page)
                            written.append(SHOTS / f"{role}-alerts.png")
                            shoot(page, written[-1])
                        open_360(page, overdue_customers(s, role)[0])
                    else:
                        open_page(page, name)
                    written.append(SHOTS / f"{role}-{name}.png")
                    size = shoot(page, written[-1])
                    sys.stdout.write(f"{written[-1].relative_to(ROOT)}: {size // 1024} KB\n")
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__)
    parser.add_argument("--role", action="append", choices=ROLES, help="only this role")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo first")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.stderr.write("Debian chromium is missing: apt-get install chromium\n")
        return 1
    build_demo(rebuild=args.rebuild)
    with servers() as s:
        take_all(s, tuple(args.role or ROLES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
