"""The listening sockets of `c360 api`'s workers (c360/api_workers.py) and which path
serve() takes: one process, one SO_REUSEPORT socket per worker, or uvicorn's shared socket."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
import uvicorn

import c360.serve_api as serve_api
from c360.api_workers import bind_reuseport, reuseport_available, run_workers
from kernel.settings import load_settings

linux_only = pytest.mark.skipif(
    not reuseport_available(), reason="SO_REUSEPORT balancing is Linux's"
)


@linux_only
def test_each_worker_gets_a_listening_socket_on_the_same_port() -> None:
    sockets = bind_reuseport("127.0.0.1", 0, 3, backlog=16)
    try:
        ports = {s.getsockname()[1] for s in sockets}
        assert len(sockets) == 3 and len(ports) == 1
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in sockets)
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) for s in sockets)
    finally:
        for s in sockets:
            s.close()


@linux_only
@pytest.mark.parametrize("other_reuseport", [False, True], ids=["plain", "reuseport"])
def test_a_port_in_use_is_refused_even_by_another_reuseport_server(other_reuseport: bool) -> None:
    # Another `c360 api` of the same user would otherwise join the group and take a share.
    other = socket.socket()
    if other_reuseport:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    other.bind(("127.0.0.1", 0))
    other.listen()
    try:
        with pytest.raises(OSError):
            bind_reuseport("127.0.0.1", other.getsockname()[1], 2, backlog=16)
    finally:
        other.close()


@linux_only
def test_run_workers_on_a_port_in_use_is_one_line_and_startup_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:

    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen()
    port = other.getsockname()[1]
    try:
        config = uvicorn.Config(
            serve_api.WORKER_APP, factory=True, port=port, workers=2, log_config=None
        )
        with caplog.at_level(logging.ERROR, "uvicorn.error"), pytest.raises(SystemExit) as exc:
            run_workers(config, 2, healthcheck=60)
    finally:
        other.close()
    assert exc.value.code == 3
    assert [r.getMessage() for r in caplog.records] == [
        f"Cannot listen on 127.0.0.1:{port}: [Errno 98] Address already in use"
    ]


def _serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: int, reuseport: bool
) -> dict[str, Any]:
    """Which server serve() starts, and with what, without starting it."""
    calls: dict[str, Any] = {}
    monkeypatch.setattr(serve_api, "reuseport_available", lambda: reuseport)
    monkeypatch.setattr(serve_api, "build_app", lambda settings, check_push=None: "app")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(run=(app, kw)))
    monkeypatch.setattr(
        serve_api,
        "run_workers",
        lambda config, n, healthcheck: calls.update(workers=(config, n, healthcheck)),
    )
    monkeypatch.setenv("C360_API__WORKERS", str(workers))
    monkeypatch.setenv(serve_api.CONFIG_ENV, "")  # serve() sets it; restored after the test
    config = tmp_path / "c360.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    serve_api.serve(load_settings(config))
    return calls


def test_one_worker_is_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _serve(monkeypatch, tmp_path, workers=1, reuseport=True)
    assert list(calls) == ["run"]
    app, kw = calls["run"]
    assert app == "app" and "workers" not in kw and kw["proxy_headers"] is True


def test_workers_get_a_socket_each_where_the_kernel_balances(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _serve(monkeypatch, tmp_path, workers=2, reuseport=True)
    assert list(calls) == ["workers"]
    config, n, healthcheck = calls["workers"]
    assert n == 2 and healthcheck == serve_api.WORKER_HEALTHCHECK_SECONDS
    assert (config.app, config.factory, config.proxy_headers) == (serve_api.WORKER_APP, True, True)


def test_elsewhere_workers_share_uvicorn_s_socket(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _serve(monkeypatch, tmp_path, workers=2, reuseport=False)
    assert list(calls) == ["run"]
    app, kw = calls["run"]
    assert app == serve_api.WORKER_APP
    assert (
        kw["workers"] == 2
        and kw["timeout_worker_healthcheck"] == serve_api.WORKER_HEALTHCHECK_SECONDS
    )
