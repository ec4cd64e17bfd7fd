"""The worker processes of `c360 api`, each accepting on a listening socket of its own.

uvicorn's supervisor binds one socket and every worker accepts from it: the kernel gives
each new connection to whichever worker wakes first, and that worker accepts everything
queued at that moment. Under wrk (32 keep-alive connections at once) all 32 sometimes
landed on one of two workers, which saturated while the other idled. With SO_REUSEPORT
(Linux) each worker has its own listening socket on the same host:port, and the kernel
spreads new connections over the sockets by a hash of the client's address and port.

The parent binds the sockets, listens on them and keeps its copies open: from the start
every socket takes its share (connections made before its worker is up wait for it, so
a client that connects early is not left all on the first worker ready), and a worker
that dies is replaced on the same socket, so the connections the kernel hands it
meanwhile wait for the replacement (~2 s here) instead of being reset. (Sockets that
die with their worker were tried: the first worker up took all of wrk's connections,
and connections queued on a killed worker were reset.) Only uvicorn's public API runs
a worker (`Server(config).run(sockets=...)`); its supervisor's internals change between
versions.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType

from uvicorn import Config, Server
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("uvicorn.error")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# A worker's heartbeat thread beats this often; the parent reads the beats every tick.
BEAT_SECONDS = 1.0
TICK_SECONDS = 0.5
# Workers start as fresh interpreters (as uvicorn's do): nothing of the parent's state.
SPAWN = multiprocessing.get_context("spawn")


def reuseport_available() -> bool:
    """Linux balances connections over SO_REUSEPORT sockets; other systems that have the
    option (BSD, macOS) give them all to one socket, so they keep the shared socket."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _socket(host: str, port: int, reuseport: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def bind_reuseport(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` listening sockets on host:port, one per worker.

    SO_REUSEPORT would also let these join the sockets of another server of the same
    user on that port (a second `c360 api`), which would then get a share of the
    connections: a plain socket bound first refuses a port in use, as uvicorn does."""
    if port:
        _socket(host, port, reuseport=False).close()
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = _socket(host, port, reuseport=True)
            port = sock.getsockname()[1]  # port 0: the others join the first one's
            sock.listen(backlog)
            sock.set_inheritable(True)
            sockets.append(sock)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _beat(beats: Connection) -> None:
    try:
        while True:
            beats.send_bytes(b".")
            time.sleep(BEAT_SECONDS)
    except OSError:
        # The parent is gone (killed, or hung up on): no one would stop or replace this
        # worker, so it stops as on SIGTERM, its requests in flight finished.
        os.kill(os.getpid(), signal.SIGTERM)


def _serve_one(config: Config, sock: socket.socket, beats: Connection) -> None:
    """A worker process: beats from a thread of its own, serves on its socket."""
    config.configure_logging()
    threading.Thread(target=_beat, args=(beats,), daemon=True).start()
    # Ctrl+C reaches the workers too: each drains, then re-raises it; the parent stops them.
    with contextlib.suppress(KeyboardInterrupt):
        Server(config).run(sockets=[sock])


@dataclass
class Worker:
    process: BaseProcess
    beats: Connection
    last_beat: float

    def heard(self) -> float:
        """Seconds since the worker's last heartbeat, after reading the beats waiting."""
        try:
            while self.beats.poll():
                self.beats.recv_bytes()
                self.last_beat = time.monotonic()
        except (OSError, EOFError):
            pass
        return time.monotonic() - self.last_beat


class Supervisor:
    """Runs one uvicorn worker per socket, replaces a worker that dies or stops beating,
    and stops them all on SIGINT or SIGTERM (each finishes its requests in flight)."""

    def __init__(self, config: Config, sockets: list[socket.socket], healthcheck: float) -> None:
        self.config = config
        self.sockets = sockets
        self.healthcheck = healthcheck
        self.workers: list[Worker] = []
        # Set by the signal handler, read by the loop: no lock taken inside a handler.
        self.stop_signal: int | None = None

    def _start(self, index: int) -> Worker:
        mine, theirs = SPAWN.Pipe(duplex=False)
        process = SPAWN.Process(
            target=_serve_one,
            args=(self.config, self.sockets[index], theirs),
            name=f"c360-api-{index}",
        )
        process.start()
        theirs.close()
        return Worker(process, mine, time.monotonic())

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        self.stop_signal = sig

    def _keep_alive(self) -> None:
        for index, worker in enumerate(self.workers):
            if self.stop_signal is not None:
                return
            if worker.process.is_alive():
                # A busy worker's heartbeat thread waits for the GIL behind requests and
                # snapshot switches: only one silent for `healthcheck` seconds is hung.
                if worker.heard() < self.healthcheck:
                    continue
                logger.error(
                    "Worker [%s] silent for %.0f s, killed", worker.process.pid, self.healthcheck
                )
                worker.process.kill()
            worker.process.join()
            worker.beats.close()
            if worker.process.exitcode == STARTUP_FAILURE:
                # The app or its settings fail before serving: every restart would too.
                logger.error("Worker [%s] failed to start, stopping", worker.process.pid)
                self.stop_signal = signal.SIGTERM
                return
            logger.info(
                "Worker [%s] ended (exit code %s), starting another",
                worker.process.pid,
                worker.process.exitcode,
            )
            self.workers[index] = self._start(index)

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self.workers = [self._start(i) for i in range(len(self.sockets))]
            while self.stop_signal is None:
                time.sleep(TICK_SECONDS)
                self._keep_alive()
            logger.info("Received %s, stopping the workers", signal.Signals(self.stop_signal).name)
        finally:
            # The parent's copies first, so the kernel queues no connection for a socket
            # whose worker is leaving; each worker closes its own and drains its requests.
            for sock in self.sockets:
                sock.close()
            for worker in self.workers:
                if worker.process.is_alive():
                    worker.process.terminate()
            for worker in self.workers:
                worker.process.join()
                worker.beats.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run_workers(config: Config, workers: int, healthcheck: float) -> None:
    """Serve `config` (an app import string) with `workers` processes, each on its own
    SO_REUSEPORT socket on config.host:config.port."""
    try:
        sockets = bind_reuseport(config.host, config.port, workers, config.backlog)
    except OSError as exc:
        logger.error("Cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(STARTUP_FAILURE)
    logger.info(
        "Uvicorn running on http://%s:%d (Press CTRL+C to quit), %d workers, one socket each",
        config.host,
        sockets[0].getsockname()[1],
        workers,
    )
    Supervisor(config, sockets, healthcheck).run()
