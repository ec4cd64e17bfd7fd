"""The 360° profile (GET /customers/{id}) put together from its stored parts.

The build stores each customer's profile but its lists as two JSON objects, `head` (the
members before the lists) and `tail` (those after), and each list it shows whole (alerts,
sources, conflicts, provenance) as one JSON document per item: all in the response's shape
(warehouse/sql/serving/customer_profile.sql and the lists' files), each an Arrow list of
the serving contract. A request reads their five places in one SQLite statement (five
primary-key reads), slices the documents out of the memory-mapped files and splices them
into the response (CustomerProfile, api/schemas.py), with the only parts known per request:
the evidence of each source record in words, and the snapshot's id. Nothing is joined,
aggregated or formatted per request. Splicing here instead of at build time spares the
build the profile's folded lists, their joins and a second copy of every document
(docs/benchmarks.md).
"""

from __future__ import annotations

import json
from typing import Any

from api import serving
from api.customers import not_found
from api.evidence import evidence_text
from api.snapshot import SnapshotReader, parse_json

_ROW = "customer_profile"


def profile_json(snap: SnapshotReader, customer_id: str) -> bytes:
    """The profile of `customer_id` as the response's bytes (a test checks every profile
    of a real build against CustomerProfile: parsed and written again, the same bytes)."""
    places = serving.profile_places(snap.lite, customer_id)
    if _ROW not in places:
        raise not_found(customer_id)

    def docs(name: str) -> list[str]:
        found = places.get(name)
        return snap.lists.column(name, "doc", *found) if found else []

    [row] = snap.lists.read(_ROW, *places[_ROW])
    head, tail = row["head"], row["tail"]
    return "".join(
        (
            head[:-1],
            ',"alerts":',
            _array(docs("customer_alert")),
            ',"sources":',
            _sources(docs("customer_source")),
            ',"conflicts":',
            _array(docs("customer_conflict")),
            ',"provenance":',
            _array(docs("customer_provenance")),
            ",",
            tail[1:-1],
            ',"snapshot":',
            _text(snap.build_id),
            "}",
        )
    ).encode()


def _array(docs: list[str]) -> str:
    return "[" + ",".join(docs) + "]"


def _sources(docs: list[str]) -> str:
    """The source records with their evidence parsed and phrased (api/evidence.py)."""
    if not docs:
        return "[]"
    records = json.loads(_array(docs))
    for x in records:
        evidence = parse_json(x.get("evidence"))
        x["evidence"] = evidence
        x["evidence_text"] = evidence_text(x.get("match_rule"), evidence, x.get("match_score"))
    return _text(records)


def _text(value: Any) -> str:
    # Compact and UTF-8, as the stored documents and pydantic write JSON.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
