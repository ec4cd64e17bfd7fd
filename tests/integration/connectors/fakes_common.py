"""Shared parts of the fake vendor servers: request log, fault injection, a live uvicorn.

Faults are a test-only control on the fake's state object (`fake.inject(...)`); the
`FaultInjector` ASGI wrapper applies them before (or around) the real vendor handler:
- "429" / "500" / "503": the vendor's error body, with `Retry-After` on 429;
- "401": the vendor's authentication error;
- "malformed": HTTP 200 with an HTML body (what a proxy error page looks like);
- "truncated": the real answer cut in half, with an honest Content-Length;
- "cut": the real answer's headers, then half the body and a dropped connection;
- "raw": `status` with the exact `payload` given (a vendor-specific error answer).

A live tenant also changes under the reader: `fake.at(n, change)` runs `change()` just
before the n-th request (1-based) is served — an edit, a deletion, a late commit between
two pages. OAuth tokens issued by a fake's token endpoint (`issue_token`) stop working
after `token_uses` calls, the way a session expires in the middle of a read.
"""

from __future__ import annotations

import ipaddress
import itertools
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import uvicorn

BASE = datetime(2026, 11, 1, tzinfo=UTC)
Message = dict[str, Any]


@dataclass
class Fault:
    kind: str
    skip: int = 0
    times: int = 1
    retry_after: str = "1"
    status: int = 200
    payload: bytes = b""


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeVendor:
    """Base for the fakes: token, request log and the fault queue."""

    token: str = "good-token"
    faults: list[Fault] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    changes: dict[int, list[Callable[[], None]]] = field(default_factory=dict)
    # OAuth: tokens issued by the fake's token endpoint -> calls each has left.
    token_uses: int = 1_000_000
    issued: dict[str, int] = field(default_factory=dict)
    grants: list[dict[str, str]] = field(default_factory=list)
    _serial: Any = field(default_factory=lambda: itertools.count(1))
    # The vendor's clock, sent in every answer's Date header (None: the real time).
    now: datetime | None = None

    def inject(self, kind: str, **kwargs: Any) -> None:
        self.faults.append(Fault(kind, **kwargs))

    def at(self, request_number: int, change: Callable[[], None]) -> None:
        self.changes.setdefault(request_number, []).append(change)

    def before_request(self) -> None:
        for change in self.changes.pop(len(self.requests), []):
            change()

    def reset(self) -> None:
        self.faults.clear()
        self.requests.clear()
        self.changes.clear()
        self.issued.clear()
        self.grants.clear()
        self.token_uses = 1_000_000
        self.now = None

    def issue_token(self, prefix: str) -> str:
        value = f"{prefix}-{next(self._serial)}"
        self.issued[value] = self.token_uses
        return value

    def accepts(self, authorization: str | None, scheme: str = "Bearer") -> bool:
        """The static token always; an issued one until its calls run out."""
        given = (authorization or "").removeprefix(f"{scheme} ")
        if given == self.token:
            return True
        left = self.issued.get(given, 0)
        if left <= 0:
            return False
        self.issued[given] = left - 1
        return True

    def take_fault(self) -> Fault | None:
        for fault in list(self.faults):
            if fault.skip > 0:
                fault.skip -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault
        return None

    def error_body(self, status: int) -> tuple[bytes, str]:
        """The vendor's body for an injected error status: (bytes, content type)."""
        raise NotImplementedError


class FaultInjector:
    """ASGI wrapper: logs each request, then serves it normally or with a fault."""

    def __init__(self, app: Any, fake: FakeVendor) -> None:
        self.app = app
        self.fake = fake

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.fake.requests.append(
            Seen(scope["method"], scope["path"], scope["query_string"].decode(), headers, body)
        )
        self.fake.before_request()

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        send = self._dated(send)
        fault = self.fake.take_fault()
        if fault is None:
            await self.app(scope, replay, send)
        elif fault.kind in ("truncated", "cut"):
            status, head, payload = await self._capture(scope, replay)
            half = payload[: len(payload) // 2]
            declared = len(payload) if fault.kind == "cut" else len(half)
            head = [(k, v) for k, v in head if k.lower() != b"content-length"]
            head.append((b"content-length", str(declared).encode()))
            await send({"type": "http.response.start", "status": status, "headers": head})
            await send({"type": "http.response.body", "body": half})
        else:
            await self._send_fault(fault, send)

    def _dated(self, send: Any) -> Any:
        async def dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                moment = self.fake.now or datetime.now(UTC)
                head = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                head.append((b"date", format_datetime(moment, usegmt=True).encode()))
                message = {**message, "headers": head}
            await send(message)

        return dated

    async def _capture(self, scope: Message, receive: Any) -> tuple[int, list[Any], bytes]:
        captured: dict[str, Any] = {"body": b""}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            else:
                captured["body"] += message.get("body", b"")

        await self.app(scope, receive, keep)
        return captured["status"], list(captured["headers"]), captured["body"]

    async def _send_fault(self, fault: Fault, send: Any) -> None:
        if fault.kind == "malformed":
            status, ctype = 200, "text/html"
            payload = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        elif fault.kind == "raw":
            status, ctype, payload = fault.status, "application/json", fault.payload
        else:
            status = int(fault.kind)
            payload, ctype = self.fake.error_body(status)
        headers = [(b"content-type", ctype.encode()), (b"content-length", b"%d" % len(payload))]
        if status in (429, 503):
            headers.append((b"retry-after", fault.retry_after.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@dataclass
class TlsFiles:
    """A test CA (what a client is told to trust) and the server certificate it signed."""

    ca: Path
    cert: Path
    key: Path


def make_tls_files(folder: Path) -> TlsFiles:
    """A CA and a 127.0.0.1 server certificate, so a fake can speak HTTPS like the vendor.

    MSAL accepts only an https authority, so the Entra ID fake needs a certificate; the
    connector trusts the CA through SSL_CERT_FILE, as it would a corporate CA.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "c360 test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


class LiveServer:
    """A real uvicorn serving `app` on a free 127.0.0.1 port in a daemon thread.

    With `tls`, it serves HTTPS with that certificate.
    """

    def __init__(self, app: Any, tls: TlsFiles | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            app,
            log_level="critical",
            lifespan="off",
            access_log=False,
            date_header=False,
            ssl_certfile=str(tls.cert) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("fake vendor server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def iso_z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
