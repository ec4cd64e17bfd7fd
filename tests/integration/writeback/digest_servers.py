"""A real local SMTP server (aiosmtpd) that requires STARTTLS with a self-signed
certificate, and a local webhook receiver (Slack / Teams incoming webhook) that can answer
429 with Retry-After first."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fakes_common import LiveServer
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost and its key (PEM files)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Mailbox:
    """What the SMTP server received: (envelope recipients, parsed message, was TLS)."""

    messages: list[tuple[list[str], EmailMessage, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed, session.ssl is not None))
        return "250 OK"


def _free_port() -> int:
    # aiosmtpd checks its start by connecting to the port it was given: not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self, folder: Path) -> None:
        self.cert, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.mailbox = Mailbox()
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=_free_port(),
            tls_context=context,
            require_starttls=True,
        )

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def settings_toml(self) -> str:
        """The `[digest]` settings that point c360 at this server (no table header)."""
        return f'smtp_host = "127.0.0.1"\nsmtp_port = {self.port}\nsmtp_ca_file = "{self.cert}"\n'


@dataclass
class Hooks:
    received: list[tuple[str, Any]] = field(default_factory=list)
    busy: int = 0  # answer this many 429 first

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook/{name}")
        async def hook(name: str, request: Request) -> Any:
            if self.busy > 0:
                self.busy -= 1
                return JSONResponse(
                    {"ok": False, "error": "rate_limited"},
                    status_code=429,
                    headers={"Retry-After": "3"},
                )
            self.received.append((name, await request.json()))
            return PlainTextResponse("ok")

        return app


def webhook_server(hooks: Hooks) -> LiveServer:
    return LiveServer(hooks.app())
