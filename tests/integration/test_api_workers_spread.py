"""A real `c360 api` with two workers: connections spread over both, a killed worker is
replaced while the port keeps answering, and SIGTERM stops everything cleanly.

Which worker holds a connection is read from the kernel, not from the API: the server's
end of each of our connections is a socket (in /proc/net/tcp, by our source port) that
one worker process holds open (in /proc/<pid>/fd). With one socket per worker
(SO_REUSEPORT) the kernel picks the socket by a hash of the source port, so out of 32
connections each worker gets at least 4 but with probability 2.6e-6 (binomial, p = 1/2).
With a shared socket the worker that wakes first accepts everything queued.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from c360.api_workers import reuseport_available
from tests.conftest import free_port, wait_http
from tests.live_api import cli_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not reuseport_available(), reason="SO_REUSEPORT balancing is Linux's"),
]

CONNECTIONS = 32
FAIR_SHARE = 4
HEALTH = b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from demo_company import generate_demo

    root = tmp_path_factory.mktemp("spread")
    generate_demo(root, customers=12, seed=9)  # health answers without a snapshot
    return root / "c360.toml"


@contextmanager
def api(config: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "c360.cli", "api", "-c", str(config)],
            env=cli_env(C360_API__PORT=str(port), C360_API__WORKERS="2"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry))
    return found


def running(pid: int) -> bool:
    """Still running (a zombie, like multiprocessing's resource tracker once its parent
    is gone and before init reaps it, runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def server_sockets(port: int) -> dict[int, int]:
    """Established connections to `port`: the client's source port -> the server end's inode."""
    ends = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], int(fields[9])
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                ends[int(remote.rsplit(":", 1)[1], 16)] = inode
    return ends


def holders(pids: set[int]) -> dict[int, int]:
    """Socket inode -> the process holding it, among `pids`."""
    held = {}
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                held[int(target[8:-1])] = pid
    return held


def read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-body"
        body += chunk
    return head


def connections_per_worker(parent: int, port: int) -> Counter[int]:
    """Opens CONNECTIONS keep-alive connections at once (as wrk does), one health request
    on each, and counts them per worker process while they are all open."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(CONNECTIONS)]
    try:
        for sock in socks:
            sock.sendall(HEALTH)
        for sock in socks:
            assert read_response(sock).startswith(b"HTTP/1.1 200"), "health did not answer 200"
        ends = server_sockets(port)
        held = holders(children(parent))
        ours = [ends[s.getsockname()[1]] for s in socks]
        return Counter(held[inode] for inode in ours)
    finally:
        for sock in socks:
            sock.close()


def test_connections_spread_over_both_workers(config: Path, tmp_path: Path) -> None:
    with api(config, tmp_path / "api.log") as (proc, port):
        per_worker = connections_per_worker(proc.pid, port)
    assert len(per_worker) == 2, per_worker
    assert min(per_worker.values()) >= FAIR_SHARE, per_worker


def test_killed_worker_is_replaced_on_its_socket(config: Path, tmp_path: Path) -> None:
    with api(config, tmp_path / "api.log") as (proc, port):
        before = connections_per_worker(proc.pid, port)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        # Asked at once, while the replacement is still starting: its socket stays open
        # in the parent, so the connections hashed to it wait for it instead of failing.
        answered = connections_per_worker(proc.pid, port)
        assert victim not in answered
        assert sum(answered.values()) == CONNECTIONS
        deadline = time.monotonic() + 60
        while len(answered) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            answered = connections_per_worker(proc.pid, port)
        assert len(answered) == 2, answered
        assert min(answered.values()) >= FAIR_SHARE, answered
        assert proc.poll() is None


def test_sigterm_lets_the_request_in_flight_finish_then_stops_every_worker(
    config: Path, tmp_path: Path
) -> None:
    log = tmp_path / "api.log"
    with api(config, log) as (proc, port):
        workers = children(proc.pid)
        body = b"username=nobody&password=not-the-password-at-all"
        in_flight = socket.create_connection(("127.0.0.1", port), timeout=60)
        in_flight.sendall(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10]
        )
        time.sleep(1.0)  # the worker has the headers and waits for the body
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        refused = False
        while not refused and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                time.sleep(0.2)
            except ConnectionRefusedError:
                refused = True
        assert refused, "still accepting connections after SIGTERM"
        assert proc.poll() is None, "stopped before the request in flight finished"
        in_flight.sendall(body[10:])
        head = read_response(in_flight)
        in_flight.close()
        assert head.split(b" ", 2)[1] in (b"401", b"429"), head
        assert proc.wait(timeout=30) == 0
    # The workers are joined before the parent exits; multiprocessing's resource tracker
    # (a child too) leaves on its own once it reads the parent's end of its pipe closed.
    deadline = time.monotonic() + 10
    while [pid for pid in workers if running(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if running(pid)], workers
    assert b"Traceback" not in log.read_bytes()


def test_a_worker_silent_past_the_health_check_is_replaced(config: Path, tmp_path: Path) -> None:
    """A stopped worker (SIGSTOP: no thread of it runs) is taken for hung once its
    heartbeat is older than the tolerance, here 3 s instead of `c360 api`'s 60."""
    port = free_port()
    script = (
        "import uvicorn\n"
        "from c360.api_workers import run_workers\n"
        "from c360.serve_api import WORKER_APP\n"
        f"config = uvicorn.Config(WORKER_APP, factory=True, port={port}, workers=2)\n"
        "run_workers(config, 2, healthcheck=3)\n"
    )
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            env=cli_env(C360_API_CONFIG=str(config)),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        before = connections_per_worker(proc.pid, port)
        stopped = min(before)
        os.kill(stopped, signal.SIGSTOP)
        deadline = time.monotonic() + 60
        while running(stopped) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not running(stopped), "a silent worker was left in place"
        after = connections_per_worker(proc.pid, port)
        assert stopped not in after and sum(after.values()) == CONNECTIONS
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    assert b"silent for 3 s, killed" in log.read_bytes()


def test_workers_leave_when_the_parent_is_killed(config: Path, tmp_path: Path) -> None:
    """SIGKILL of the parent (no handler runs): each worker sees its heartbeat pipe
    broken and stops, instead of serving on as an orphan nobody supervises."""
    with api(config, tmp_path / "api.log") as (proc, port):
        workers = set(connections_per_worker(proc.pid, port))
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 30
        while [pid for pid in workers if running(pid)] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in workers if running(pid)], workers
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
