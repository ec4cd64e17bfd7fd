"""HubSpot: `POST /crm/v3/objects/companies/batch/update`, at most 100 inputs a call.

Every property value is a string ("" empties it). A 200/207 answer lists the records it
updated in `results` and the failed ones in `errors[].context.ids` (OBJECT_NOT_FOUND for a
deleted company). A 400 refuses the whole batch: when its errors name the guilty ids they
fail and the rest of the batch is sent once more, else the whole batch fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ingest.writeback.base import JSON_HEADERS, Answer, RecordWrite, Writer, WriteRejected, chunked


def _error_ids(body: Any) -> dict[str, str]:
    """id -> message for each error that names ids (`context.ids`)."""
    named: dict[str, str] = {}
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or ([body] if isinstance(body, dict) else []):
        if not isinstance(error, dict):
            continue
        context = error.get("context") or {}
        message = str(error.get("message") or error.get("category") or "refused")
        category = error.get("category")
        ids = context.get("ids") if isinstance(context, dict) else None
        for rid in ids or []:
            named[str(rid)] = f"{message} [{category}]" if category else message
    return named


def _details(exc: WriteRejected) -> str:
    """The batch error with its inner errors (which property, which value)."""
    errors = exc.body.get("errors") if isinstance(exc.body, dict) else None
    inner = [
        str(e.get("message")) for e in errors or [] if isinstance(e, dict) and e.get("message")
    ]
    return f"{exc}: {'; '.join(inner)}" if inner else str(exc)


class HubSpotWriter(Writer):
    vendor = "HubSpot"
    batch_limit = 100

    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        url = f"{self.base_url}/crm/v3/objects/companies/batch/update"
        for chunk in chunked(records, self.batch_limit):
            yield from self._send(url, chunk, resend=True)

    def _send(self, url: str, chunk: Sequence[RecordWrite], *, resend: bool) -> Iterator[Answer]:
        inputs = [
            {
                "id": record.record_id,
                "properties": {
                    field: "" if text is None else text for field, _, text in record.values
                },
            }
            for record in chunk
        ]
        try:
            body = self.session.json("POST", url, json={"inputs": inputs}, headers=JSON_HEADERS)
        except WriteRejected as exc:
            named = _error_ids(exc.body)
            guilty = [r for r in chunk if r.record_id in named]
            rest = [r for r in chunk if r.record_id not in named]
            if resend and guilty and rest:
                for record in guilty:
                    yield record.record_id, False, named[record.record_id]
                yield from self._send(url, rest, resend=False)
                return
            for record in chunk:
                yield record.record_id, False, named.get(record.record_id, _details(exc))
            return
        failed = _error_ids(body)
        done = {str(r.get("id")) for r in (body.get("results") or []) if isinstance(r, dict)}
        for record in chunk:
            rid = record.record_id
            if rid in done and rid not in failed:
                yield rid, True, None
            else:
                yield rid, False, failed.get(rid, "HubSpot did not confirm this record")


WRITER = HubSpotWriter
