"""OData 4.0 `$batch` in its multipart form, as Dataverse speaks it: requests grouped in
change sets (each change set is atomic), one `Content-ID` per request, and the answer read
back per request. Standard library only (the `email` parser reads the multipart answer).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from typing import Any

CRLF = "\r\n"


@dataclass(frozen=True)
class BatchRequest:
    """One request of a batch; `content_id` names its answer."""

    content_id: str
    method: str
    url: str
    headers: Mapping[str, str]
    body: Any


@dataclass(frozen=True)
class BatchAnswer:
    status: int
    body: str


def build_batch(change_sets: Sequence[Sequence[BatchRequest]]) -> tuple[str, bytes]:
    """The `Content-Type` and body of a `$batch` POST holding these change sets."""
    batch = f"batch_{secrets.token_hex(8)}"
    lines: list[str] = []
    for requests in change_sets:
        change_set = f"changeset_{secrets.token_hex(8)}"
        lines += [f"--{batch}", f"Content-Type: multipart/mixed; boundary={change_set}", ""]
        for request in requests:
            lines += [
                f"--{change_set}",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                f"Content-ID: {request.content_id}",
                "",
                f"{request.method} {request.url} HTTP/1.1",
                *(f"{k}: {v}" for k, v in request.headers.items()),
                "",
                json.dumps(request.body, separators=(",", ":")),
            ]
        lines.append(f"--{change_set}--")
    lines.append(f"--{batch}--")
    return f"multipart/mixed; boundary={batch}", (CRLF.join(lines) + CRLF).encode("utf-8")


def _http_parts(message: Message) -> list[Message]:
    if message.is_multipart():
        parts = message.get_payload()
        assert isinstance(parts, list)
        return [leaf for part in parts if isinstance(part, Message) for leaf in _http_parts(part)]
    return [message] if message.get_content_type() == "application/http" else []


def parse_batch(content_type: str, body: bytes) -> dict[str, BatchAnswer]:
    """Each answer of a `$batch` response by its `Content-ID` (parts without one are left
    out: a change set that failed answers once, for the request that failed)."""
    head = f"Content-Type: {content_type}{CRLF}{CRLF}".encode()
    message = BytesParser().parsebytes(head + body)
    answers: dict[str, BatchAnswer] = {}
    for part in _http_parts(message):
        content_id = part.get("Content-ID")
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)
        status_line, _, rest = text.lstrip().partition("\n")
        _, _, rest_body = rest.replace("\r\n", "\n").partition("\n\n")
        try:
            status = int(status_line.split()[1])
        except (IndexError, ValueError):
            continue
        if content_id is not None:
            answers[str(content_id).strip()] = BatchAnswer(status, rest_body.strip())
    return answers
