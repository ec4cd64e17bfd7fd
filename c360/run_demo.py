"""`make run`: serve the API and the dashboard side by side until Ctrl-C stops both."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from c360.serve_dashboard import dashboard_command, dashboard_env
from kernel.settings import load_settings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args()
    settings = load_settings(args.config)
    api = subprocess.Popen([sys.executable, "-m", "c360.cli", "api", "-c", str(args.config)])
    dash = subprocess.Popen(
        dashboard_command(settings), env=dashboard_env(settings), stdout=subprocess.DEVNULL
    )
    procs = [api, dash]

    def stop(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()

    def on_term(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{settings.api_url}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    sys.stdout.write(
        f"\nc360 is running.\n  API:       {settings.api_url}/docs\n"
        f"  dashboard: http://127.0.0.1:{settings.dashboard.port}\n"
        "  logins are printed above by `c360 demo`. Ctrl-C stops both.\n"
    )
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
