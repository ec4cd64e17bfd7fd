"""The 360° profile (GET /customers/{id}) put together from its stored parts.

The build stores each customer's profile but its lists as two JSON objects, `head` (the
members before the lists) and `tail` (those after), with the source of each surviving
field (`field_sources`); alerts and conflicts as one JSON document per item, in the
response's shape; and the source records as typed rows (warehouse/sql/serving/
customer_profile.sql and the lists' files), each an Arrow list of the serving contract. A
request finds their four places (a binary search of each list's index), slices them
out of the memory-mapped files and splices them into the response (CustomerProfile,
api/schemas.py), with the parts known per request: the evidence of each source record in
words, the snapshot's id, and the provenance. The provenance (which source each surviving
field came from, that source's last load, when it last changed the customer's record) is
put together from what the profile already reads (its field sources, its source records)
and a few rows of `provenance_source`: five stored documents per customer cost the build
more than this costs a request. Nothing is aggregated over more than the customer's own
few records. Splicing here instead of at build time spares the build the profile's folded
lists, their joins and a second copy of every document (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from api import serving
from api.customers import not_found
from api.evidence import evidence_text
from api.snapshot import SnapshotReader, parse_json
from kernel.serving_contract import PROFILE_LISTS

_ROW = "customer_profile"
# The fields of the profile's `field_sources`, in its (and the provenance's) order.
_FIELDS = ("address", "email", "name", "phone", "siret")


def profile_json(snap: SnapshotReader, customer_id: str) -> bytes:
    """The profile of `customer_id` as the response's bytes (a test checks every profile
    of a real build against CustomerProfile: parsed and written again, the same bytes)."""
    places = snap.lists.places(PROFILE_LISTS, customer_id)
    if _ROW not in places:
        raise not_found(customer_id)

    def docs(name: str) -> list[str]:
        found = places.get(name)
        return snap.lists.column(name, "doc", *found) if found else []

    [row] = snap.lists.read(_ROW, *places[_ROW])
    head, tail = row["head"], row["tail"]
    found = places.get("customer_source")
    records = snap.lists.read("customer_source", *found) if found else []
    provenance = _provenance(snap, row["field_sources"] or [None] * len(_FIELDS), records)
    return "".join(
        (
            head[:-1],
            ',"alerts":',
            _array(docs("customer_alert")),
            ',"sources":',
            _sources(records),
            ',"conflicts":',
            _array(docs("customer_conflict")),
            ',"provenance":',
            provenance,
            ",",
            tail[1:-1],
            ',"snapshot":',
            _text(snap.build_id),
            "}",
        )
    ).encode()


def _array(docs: list[str]) -> str:
    return "[" + ",".join(docs) + "]"


def _sources(records: list[dict[str, Any]]) -> str:
    """The source records with their evidence parsed and phrased (api/evidence.py), but
    what only the provenance reads."""
    shown = []
    for x in records:
        evidence = parse_json(x.get("evidence"))
        shown.append(
            {
                **{k: v for k, v in x.items() if k not in ("changed_at", "run_id")},
                "evidence": evidence,
                "evidence_text": evidence_text(x.get("match_rule"), evidence, x.get("match_score")),
            }
        )
    return _text(shown)


def _rfc3339(at: datetime | None) -> str | None:
    """A UTC timestamp as every document writes it (macro c360_rfc3339): a fraction of a
    second only when there is one."""
    if at is None:
        return None
    fraction = f".{at.microsecond:06d}" if at.microsecond else ""
    return f"{at:%Y-%m-%dT%H:%M:%S}{fraction}Z"


def _provenance(
    snap: SnapshotReader, fields: list[str | None], records: list[dict[str, Any]]
) -> str:
    """Where each surviving field came from (Provenance, api/schemas.py): its source's
    system, role and last load, when that source last changed the customer's record and
    the run that loaded it (the latest of the customer's records from it), else the
    source's last run."""
    named = [
        (field, source) for field, source in zip(_FIELDS, fields, strict=True) if source is not None
    ]
    if not named:
        return "[]"
    sources = serving.provenance_sources(snap.lite, sorted({s for _, s in named}))
    changed: dict[str, list[datetime]] = {}
    runs: dict[str, list[str]] = {}
    for x in records:
        if x.get("changed_at") is not None:
            changed.setdefault(x["source"], []).append(x["changed_at"])
        if x.get("run_id") is not None:
            runs.setdefault(x["source"], []).append(x["run_id"])
    docs = []
    for field, source in named:
        system, role, last_run, loaded_at = sources.get(source, (None, None, None, None))
        run = max(runs[source]) if source in runs else last_run
        docs.append(
            {
                "field": field,
                "source": source,
                "system": system,
                "role": role,
                "run_id": run,
                "loaded_at": loaded_at,
                "changed_at": _rfc3339(max(changed[source])) if source in changed else None,
            }
        )
    return _text(docs)


def _text(value: Any) -> str:
    # Compact and UTF-8, as the stored documents and pydantic write JSON.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
