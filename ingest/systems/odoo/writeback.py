"""Odoo: `write` on res.partner, over JSON-2 (`POST /json/2/res.partner/write` with
`{"ids": [...], "vals": {...}}`) or JSON-RPC (`execute_kw(..., 'write', [[id], vals])`).

One call per record (each has its own values). `false` empties a field. A refused write
(AccessError, ValidationError, MissingError for a deleted partner) fails that record;
JSON-RPC answers those in its `error` envelope (HTTP 200), JSON-2 with 403/404/422.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest.connectors.errors import ConnectorRequestError
from ingest.writeback.base import REJECTED, Answer, RecordWrite, Writer
from ingest.writeback.fields import typed

MODEL = "res.partner"


class OdooWriter(Writer):
    vendor = "Odoo"
    # JSON-2 answers a record rule's AccessError with 403 (a bad key is 401).
    rejected = (*REJECTED, 403)

    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        call = self.connector.call  # type: ignore[attr-defined]
        jsonrpc = self.connector.protocol == "jsonrpc"  # type: ignore[attr-defined]
        for record in records:
            vals = {field: typed(key, text, empty=False) for field, key, text in record.values}
            ids = [int(record.record_id)]
            try:
                if jsonrpc:
                    answer = call(MODEL, "write", [ids, vals], {})
                else:
                    answer = call(MODEL, "write", [], {"ids": ids, "vals": vals})
            except ConnectorRequestError as exc:  # includes WriteRejected (JSON-2 4xx)
                yield record.record_id, False, str(exc)
                continue
            if answer is True:
                yield record.record_id, True, None
            else:
                yield record.record_id, False, f"Odoo write answered {answer!r:.80}"


WRITER = OdooWriter
