"""Salesforce: sObject Collections `PATCH /services/data/vXX.X/composite/sobjects`.

At most 200 records a call, `allOrNone: false` so that one bad record does not undo the
others; the answer is one `{id, success, errors[]}` per record, in the order sent.
Numbers go as JSON numbers, dates as `YYYY-MM-DD`, null empties a field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest.connectors.errors import ConnectorProtocolError
from ingest.systems.salesforce.connector import API_VERSION
from ingest.writeback.base import JSON_HEADERS, Answer, RecordWrite, Writer, WriteRejected, chunked
from ingest.writeback.fields import typed

SOBJECT = "Account"


class SalesforceWriter(Writer):
    vendor = "Salesforce"
    batch_limit = 200

    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        version = self.connector.api.options.get("api_version", API_VERSION)
        url = f"{self.base_url}/services/data/{version}/composite/sobjects"
        for chunk in chunked(records, self.batch_limit):
            payload = {
                "allOrNone": False,
                "records": [
                    {
                        "attributes": {"type": SOBJECT},
                        "id": record.record_id,
                        **{field: typed(key, text) for field, key, text in record.values},
                    }
                    for record in chunk
                ],
            }
            try:
                answer = self.session.json("PATCH", url, json=payload, headers=JSON_HEADERS)
            except WriteRejected as exc:
                for record in chunk:
                    yield record.record_id, False, str(exc)
                continue
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise ConnectorProtocolError(
                    f"Salesforce answered {len(answer) if isinstance(answer, list) else answer!r:.80} "
                    f"results for {len(chunk)} records"
                )
            for record, result in zip(chunk, answer, strict=True):
                if isinstance(result, dict) and result.get("success"):
                    yield record.record_id, True, None
                    continue
                errors = (result.get("errors") if isinstance(result, dict) else None) or []
                message = "; ".join(
                    f"{e.get('message')} [{e.get('statusCode')}]"
                    for e in errors
                    if isinstance(e, dict)
                )
                yield record.record_id, False, message or "Salesforce did not confirm this record"


WRITER = SalesforceWriter
