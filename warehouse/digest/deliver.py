"""Sending a digest: e-mail over SMTP (STARTTLS, text and HTML parts) and chat webhooks.

A webhook URL carries its own secret: messages name its host only.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

import httpx

from kernel.settings import DigestConfig

WEBHOOK_ATTEMPTS = 3
MAX_RETRY_AFTER = 60.0


class DeliveryError(Exception):
    """One digest could not be delivered on one channel (it goes again next run)."""


def send_email(
    config: DigestConfig,
    password: str | None,
    to: str,
    subject: str,
    text: str,
    html: str,
) -> None:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="c360")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    host, port = config.smtp_host or "localhost", config.smtp_port
    cafile = str(config.smtp_ca_file) if config.smtp_ca_file else None
    try:
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            smtp.ehlo()
            if config.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=cafile))
                smtp.ehlo()
            if config.smtp_username:
                smtp.login(config.smtp_username, password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}") from exc


def post_webhook(
    client: httpx.Client,
    url: str,
    payload: dict[str, Any],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST the message; 429/5xx are tried again (honouring Retry-After), 3 times in all."""
    host = urlsplit(url).netloc or "?"
    problem = f"webhook on {host}: not sent"
    for attempt in range(1, WEBHOOK_ATTEMPTS + 1):
        delay = float(2**attempt)
        try:
            response = client.post(url, json=payload)
        except httpx.HTTPError as exc:
            problem = f"webhook on {host}: {type(exc).__name__}"
        else:
            if response.status_code < 300:
                return
            problem = f"webhook on {host} answered {response.status_code}: {response.text[:200]}"
            if response.status_code != 429 and response.status_code < 500:
                raise DeliveryError(problem)
            delay = _retry_after(response.headers.get("Retry-After")) or delay
        if attempt < WEBHOOK_ATTEMPTS:
            sleep(min(delay, MAX_RETRY_AFTER))
    raise DeliveryError(problem)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
