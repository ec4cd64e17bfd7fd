"""Steward decisions: always match, never match, merge, split — kept in the app store.

A decision is stored as record pairs (what the build re-applies at every run, see
warehouse/matching/decisions.py). Merge and split are said in customers' terms and
resolved here against the served snapshot:
- merging two customers links every record of each to one record of the other, so the
  merged customer holds all the records of both whatever the automatic passes find later;
- splitting a customer id undoes what the steward joined inside it (every match pair
  between two of its records becomes a no_match pair): the parts come back;
- splitting a record `source:source_id` forbids its link to every other record of its
  customer.
The latest word on a pair replaces the earlier ones.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from api.list_rows import ListFiles
from api.sorted_rows import SortedRows
from api.store import AuditLog, MatchDecision, get_engine
from kernel.errors import C360Error
from kernel.serving_contract import connect_serving, records_file, serving_path
from kernel.settings import Settings
from kernel.snapshots import current_snapshot

KINDS = ("always_match", "never_match", "merge", "split")


class DecisionError(C360Error, ValueError):
    """The decision cannot be recorded (unknown record, customer or kind)."""


class DecisionNotFound(DecisionError):
    """A record or customer the decision names is not in the published snapshot."""


class DecisionConflict(DecisionError):
    """The decision contradicts the snapshot as it is (already one customer, ...)."""


class NothingPublished(DecisionError):
    """No snapshot to check the decision against yet."""


@dataclass(frozen=True)
class RecordRef:
    source: str
    source_id: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """`source:source_id` (the id may itself contain colons)."""
        source, sep, source_id = text.partition(":")
        if not sep or not source or not source_id:
            raise DecisionError(f"{text!r} is not a record; write it as source:source_id")
        return cls(source, source_id)

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


def _serving(settings: Settings) -> sqlite3.Connection:
    """The served snapshot's serving file (read-only), where every lookup below is one
    key read: the snapshot itself is never opened."""
    return connect_serving(_serving_main(settings))


def _serving_main(settings: Settings) -> Path:
    """The served snapshot's main serving file."""
    path = current_snapshot(settings.snapshots_dir)
    if path is None:
        raise NothingPublished("no snapshot is published yet: run `c360 nightly` first")
    target = serving_path(path)
    if not target.exists():
        raise NothingPublished(
            f"snapshot {path.stem} was published without its serving file: run `c360 build`"
        )
    return target


def _rows(settings: Settings, text: str, params: tuple[str, ...]) -> list[tuple[Any, ...]]:
    with closing(_serving(settings)) as lite:
        try:
            return list(lite.execute(text, params).fetchall())
        except sqlite3.OperationalError as exc:  # a serving file of an older contract
            raise NothingPublished(
                "the published snapshot's serving file is of an older contract: run `c360 build`"
            ) from exc


def _live_id(settings: Settings, customer_id: str) -> str:
    """The golden id serving `customer_id` (itself, or the id it was merged into)."""
    target = _rows(
        settings,
        "select customer_id from customer_redirect where old_customer_id = ?",
        (customer_id,),
    )
    return str(target[0][0]) if target else customer_id


def _records_of(settings: Settings, customer_id: str) -> list[RecordRef]:
    """The customer's records, as its profile lists them (the `customer_source` list: by
    role, source, source id)."""
    live = _live_id(settings, customer_id)
    lists = ListFiles(_serving_main(settings))
    try:
        place = lists.place("customer_source", live)
        if place is None:
            raise DecisionNotFound(f"customer {customer_id} is not in the published snapshot")
        rows = lists.read("customer_source", *place)
    finally:
        lists.close()
    return [RecordRef(str(r["source"]), str(r["source_id"])) for r in rows]


def _customer_of(settings: Settings, ref: RecordRef) -> str:
    """The customer of a source record: a binary search of the sorted records file."""
    path = records_file(_serving_main(settings))
    if not path.exists():  # a serving file of an older contract
        raise NothingPublished(
            "the published snapshot's serving file is of an older contract: run `c360 build`"
        )
    rows = SortedRows(path, 2).find(ref.source, ref.source_id)
    if not rows:
        raise DecisionNotFound(f"record {ref} is not in the published snapshot")
    return str(rows[0][2])


def _pair(d: MatchDecision) -> frozenset[tuple[str, str]]:
    return frozenset({(d.left_source, d.left_source_id), (d.right_source, d.right_source_id)})


def _steward_joins(
    settings: Settings, records: list[RecordRef]
) -> list[tuple[RecordRef, RecordRef]]:
    """Stored match pairs whose two records are both in `records`."""
    inside = {(r.source, r.source_id) for r in records}
    return [
        (RecordRef(d.left_source, d.left_source_id), RecordRef(d.right_source, d.right_source_id))
        for d in list_decisions(settings)
        if d.decision == "match" and _pair(d) <= inside
    ]


def pairs_for(
    settings: Settings, kind: str, left: str, right: str | None
) -> list[tuple[str, RecordRef, RecordRef]]:
    """(decision, a, b) pairs that carry out what the steward asked."""
    if kind not in KINDS:
        raise DecisionError(f"unknown decision {kind!r}; expected one of {', '.join(KINDS)}")
    if kind in ("always_match", "never_match"):
        if right is None:
            raise DecisionError(f"{kind} needs two records (source:source_id source:source_id)")
        a, b = RecordRef.parse(left), RecordRef.parse(right)
        _customer_of(settings, a), _customer_of(settings, b)
        return [("match" if kind == "always_match" else "no_match", a, b)]
    if kind == "merge":
        if right is None:
            raise DecisionError("merge needs two customer ids")
        a_records, b_records = _records_of(settings, left), _records_of(settings, right)
        if _live_id(settings, left) == _live_id(settings, right):
            raise DecisionConflict(f"{left} and {right} are already one customer")
        # Each record of one side linked to an anchor of the other: the two stay one
        # customer even if the automatic links inside either side change later.
        return [("match", a_records[0], b) for b in b_records] + [
            ("match", a, b_records[0]) for a in a_records[1:]
        ]
    if ":" not in left:
        joined = _steward_joins(settings, _records_of(settings, left))
        if not joined:
            raise DecisionConflict(
                f"customer {left} holds nothing a steward merged; "
                "to take one record out, split source:source_id"
            )
        return [("no_match", a, b) for a, b in joined]
    ref = RecordRef.parse(left)
    others = [r for r in _records_of(settings, _customer_of(settings, ref)) if r != ref]
    if not others:
        raise DecisionConflict(f"record {ref} is already alone in its customer")
    return [("no_match", ref, other) for other in others]


def decide(
    settings: Settings,
    kind: str,
    left: str,
    right: str | None = None,
    *,
    reason: str | None = None,
    actor: str | None = None,
) -> list[MatchDecision]:
    """Record a decision; it takes effect at the next build."""
    made = [
        MatchDecision(
            kind=kind,
            decision=decision,
            left_source=a.source,
            left_source_id=a.source_id,
            right_source=b.source,
            right_source_id=b.source_id,
            reason=reason,
            decided_by=actor,
        )
        for decision, a, b in pairs_for(settings, kind, left, right)
    ]
    with Session(get_engine(settings)) as session:
        # The latest word on a pair wins: a split after a merge undoes it, and back.
        earlier: dict[frozenset[tuple[str, str]], list[MatchDecision]] = {}
        for old in session.exec(select(MatchDecision)).all():
            earlier.setdefault(_pair(old), []).append(old)
        for d in made:
            for old in earlier.pop(_pair(d), []):
                session.delete(old)
            session.add(d)
        session.add(
            AuditLog(
                actor=actor,
                action=f"match.{kind}",
                target=left,
                detail=f"{right or ''} {reason or ''}".strip(),
            )
        )
        session.commit()
        for d in made:
            session.refresh(d)
    return made


def list_decisions(settings: Settings) -> list[MatchDecision]:
    with Session(get_engine(settings)) as session:
        query = select(MatchDecision).order_by(MatchDecision.decided_at)  # type: ignore[arg-type]
        return list(session.exec(query))
