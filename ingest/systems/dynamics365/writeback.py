"""Dynamics 365 / Dataverse: OData `$batch` of `PATCH accounts(<id>)`, at most 1,000
requests a batch (Dataverse's limit), each record in a change set of its own.

A change set is atomic, so one per record keeps a record's fields together while a
refused record (404 deleted account, 400 unknown column) never undoes the others;
`Prefer: odata.continue-on-error` makes Dataverse go on after a failed change set. Each
request's answer is read back by its `Content-ID`: 204 written, else its error message.
`If-Match: *` makes each PATCH an update only: without it Dataverse would create an
account for an id it does not know (upsert). Service protection limits answer the whole
batch 429 with Retry-After (the session waits and sends the batch again).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ingest.connectors.errors import ConnectorProtocolError
from ingest.writeback.base import Answer, RecordWrite, Writer, WriteRejected, chunked
from ingest.writeback.fields import typed
from ingest.writeback.odata_batch import BatchRequest, build_batch, parse_batch

ENTITY_SET = "accounts"
ODATA = {"OData-MaxVersion": "4.0", "OData-Version": "4.0"}
PART_HEADERS = {"Content-Type": "application/json", "If-Match": "*"}


def _reason(status: int, body: str) -> str:
    try:
        error = json.loads(body).get("error") or {}
        message = f"{error.get('message')} [{error.get('code')}]"
    except (ValueError, AttributeError):
        message = body[:200] or "no detail"
    return f"HTTP {status}: {message}"


class DynamicsWriter(Writer):
    vendor = "Dynamics 365"
    batch_limit = 1000

    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        root = self.connector._api_root()  # type: ignore[attr-defined]
        for chunk in chunked(records, self.batch_limit):
            change_sets = [
                [
                    BatchRequest(
                        str(i),
                        "PATCH",
                        f"{root}/{ENTITY_SET}({record.record_id})",
                        PART_HEADERS,
                        {field: typed(key, text) for field, key, text in record.values},
                    )
                ]
                for i, record in enumerate(chunk, start=1)
            ]
            content_type, body = build_batch(change_sets)
            headers = {
                **ODATA,
                "Accept": "application/json",
                "Content-Type": content_type,
                "Prefer": "odata.continue-on-error",
            }
            try:
                response = self.session.request(
                    "POST", f"{root}/$batch", content=body, headers=headers
                )
            except WriteRejected as exc:
                for record in chunk:
                    yield record.record_id, False, str(exc)
                continue
            answers = parse_batch(response.headers.get("content-type", ""), response.content)
            if not answers:
                raise ConnectorProtocolError(
                    f"Dynamics 365 answered the $batch of {len(chunk)} records with no "
                    f"readable part (HTTP {response.status_code}, "
                    f"{response.headers.get('content-type')!r})"
                )
            for i, record in enumerate(chunk, start=1):
                answer = answers.get(str(i))
                if answer is None:
                    yield record.record_id, False, "Dynamics 365 did not answer this record"
                elif answer.status < 300:
                    yield record.record_id, True, None
                else:
                    yield record.record_id, False, _reason(answer.status, answer.body)


WRITER = DynamicsWriter
