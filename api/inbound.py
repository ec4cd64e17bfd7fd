"""Pushes from Zapier, Make and Workato (FORMATS.md §10): parse, land durably, dedupe.

The payload is written to data/inbox_push/<source>/<timestamp>-<key hash>.json (temporary
file, fsync, rename, fsync of the folder) before the caller gets its 202, so an accepted
push is never lost. A receipt keyed by (source, Idempotency-Key) makes replays harmless:
the same key answers the first response again without writing anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from api.bodies import depth_problem
from api.errors import ApiError, InvalidPayload
from api.store import InboundReceipt, get_engine, utcnow
from kernel.settings import Settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024
PENDING = 0  # status_code of a receipt whose payload is being written
STALE_PENDING = timedelta(seconds=60)
RETRY_AFTER = "30"


def unflatten(fields: dict[str, Any]) -> dict[str, Any]:
    """{"a__b": 1, "a__c": 2} → {"a": {"b": 1, "c": 2}} (Zapier's flattened keys).

    When the keys clash ("a" and "a__b" both present) the record is kept flat, as sent.
    """
    if not any("__" in key for key in fields):
        return dict(fields)
    out: dict[str, Any] = {}
    for key, value in fields.items():
        parts = key.split("__")
        if not all(parts):
            parts = [key]
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                return dict(fields)
            node = child
        if parts[-1] in node:
            return dict(fields)
        node[parts[-1]] = value
    return out


def parse_payload(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """Records of a push: a JSON object, a JSON array of objects, or form fields."""
    if not body.strip():
        raise InvalidPayload("The request body is empty: send a JSON object or array.")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidPayload("The form body is not valid UTF-8 url-encoded fields.") from exc
        fields: dict[str, Any] = {}
        for key, value in pairs:
            if key in fields:  # repeated field → list of values
                prev = fields[key]
                fields[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
            else:
                fields[key] = value
        return [unflatten(fields)]
    too_deep = depth_problem(body)
    if too_deep:
        raise InvalidPayload(too_deep)
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidPayload(
            "The body is not valid JSON: send a JSON object, an array of objects, "
            "or application/x-www-form-urlencoded fields."
        ) from exc
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InvalidPayload("The JSON array is empty: send at least one record.")
    bad = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    if bad:
        raise InvalidPayload(f"Every record must be a JSON object; item {bad[0]} is not.")
    empty = [i for i, item in enumerate(items, 1) if not item]
    if empty:
        raise InvalidPayload(
            f"Record {empty[0]} has no fields: send at least the record's id and name."
        )
    return [unflatten(item) for item in items]


# The door check of a push, given by the composition root (c360/cli.py builds it from
# ingest's profiles): (source, records, object) → None when the night will load every
# record, else the reason it would not, for a 422. The API never imports ingest itself.
PushCheck = Callable[[str, list[dict[str, Any]], str | None], str | None]


def write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unavailable(what: str) -> ApiError:
    return ApiError(
        503,
        "store_unavailable",
        f"The {what} is unavailable right now; try again shortly.",
        headers={"Retry-After": RETRY_AFTER},
    )


def _replay(receipt: InboundReceipt, fingerprint: str) -> tuple[int, dict[str, Any]] | None:
    """The stored answer for a replay, None when the claim is stale and may be retaken."""
    if receipt.payload_sha256 != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different payload.",
        )
    if receipt.status_code == PENDING:
        if utcnow() - receipt.received_at < STALE_PENDING:
            raise ApiError(
                409,
                "request_in_progress",
                "A request with this Idempotency-Key is still being processed.",
                headers={"Retry-After": "5"},
            )
        return None
    return receipt.status_code, json.loads(receipt.response_json)


def receive(
    settings: Settings,
    source: str,
    key: str,
    body: bytes,
    content_type: str,
    object_name: str | None,
    check: PushCheck | None = None,
) -> tuple[int, dict[str, Any]]:
    """Land one push; returns (status, body) — the stored ones on a replay.

    A push that `check` refuses gets a 422 with its reason and leaves no trace (no receipt,
    no file): the sender fixes it and sends it again, with the same key or another."""
    fingerprint = hashlib.sha256(body).hexdigest()
    try:
        engine = get_engine(settings)
        with Session(engine) as session:
            existing = session.get(InboundReceipt, (source, key))
            if existing is not None:
                answer = _replay(existing, fingerprint)
                if answer is not None:
                    return answer
            records = parse_payload(body, content_type)
            refusal = check(source, records, object_name) if check is not None else None
            if refusal:
                raise InvalidPayload(refusal)
            if existing is None:
                session.add(
                    InboundReceipt(
                        source=source,
                        idempotency_key=key,
                        payload_sha256=fingerprint,
                        status_code=PENDING,
                        response_json="{}",
                    )
                )
            else:
                existing.received_at = utcnow()
                session.add(existing)
            session.commit()
    except IntegrityError:
        # Another request claimed this key between our read and our insert.
        with Session(get_engine(settings)) as session:
            existing = session.get(InboundReceipt, (source, key))
        answer = _replay(existing, fingerprint) if existing else None
        if answer is None:
            raise _unavailable("inbound store") from None
        return answer
    except SQLAlchemyError as exc:
        logger.exception("inbound store unavailable")
        raise _unavailable("inbound store") from exc

    now = datetime.now(UTC)
    key_hash = hashlib.sha256(key.encode()).hexdigest()[:16]
    path = settings.push_folder(source) / f"{now:%Y%m%dT%H%M%S%fZ}-{key_hash}.json"
    envelope = {
        "source": source,
        "object": object_name,
        "idempotency_key": key,
        "received_at": now.isoformat().replace("+00:00", "Z"),
        "content_type": content_type,
        "payload_sha256": fingerprint,
        "records": records,
    }
    accepted: dict[str, Any] = {
        "status": "accepted",
        "records": len(records),
        "idempotency_key": key,
    }
    try:
        write_durably(path, json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        logger.exception("cannot land inbound push for %s", source)
        _release_claim(settings, source, key)
        raise _unavailable("landing folder") from exc
    try:
        with Session(get_engine(settings)) as session:
            receipt = session.get(InboundReceipt, (source, key))
            if receipt is not None:
                receipt.status_code = 202
                receipt.response_json = json.dumps(accepted)
                receipt.landed_path = str(path)
                session.add(receipt)
                session.commit()
    except SQLAlchemyError:
        # The payload is landed: answer 202; a replay within a minute gets 409, later it is
        # landed again (a duplicate the loader dedupes by checksum of its records).
        logger.exception("inbound receipt not finalised for %s %s", source, key)
    return 202, accepted


def _release_claim(settings: Settings, source: str, key: str) -> None:
    try:
        with Session(get_engine(settings)) as session:
            receipt = session.get(InboundReceipt, (source, key))
            if receipt is not None and receipt.status_code == PENDING:
                session.delete(receipt)
                session.commit()
    except SQLAlchemyError:
        logger.warning("could not release inbound claim %s/%s", source, key, exc_info=True)
