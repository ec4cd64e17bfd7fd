"""Dynamics 365 / Dataverse: `PATCH /api/data/v9.2/accounts(<id>)`, one record a request.

`If-Match: *` makes the PATCH an update only: without it Dataverse would create an
account for an id it does not know (upsert). 204 means written; 404 a deleted account.
Service protection limits answer 429 with Retry-After (the session waits and retries).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest.writeback.base import JSON_HEADERS, Answer, RecordWrite, Writer, WriteRejected
from ingest.writeback.fields import typed

ENTITY_SET = "accounts"
HEADERS = {**JSON_HEADERS, "If-Match": "*", "OData-MaxVersion": "4.0", "OData-Version": "4.0"}


class DynamicsWriter(Writer):
    vendor = "Dynamics 365"

    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        root = self.connector._api_root()  # type: ignore[attr-defined]
        for record in records:
            url = f"{root}/{ENTITY_SET}({record.record_id})"
            payload = {field: typed(key, text) for field, key, text in record.values}
            try:
                self.session.request("PATCH", url, json=payload, headers=HEADERS)
            except WriteRejected as exc:
                yield record.record_id, False, str(exc)
                continue
            yield record.record_id, True, None
