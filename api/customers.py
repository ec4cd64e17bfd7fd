"""Customer access rules, merged-id redirects, paging and the 360° profile assembly."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api import serving
from api.deps import Principal
from api.errors import ApiError, Forbidden, NotFound
from api.evidence import evidence_text
from api.schemas import (
    Aging,
    AlertOut,
    Conflict,
    Coordinates,
    CustomerProfile,
    Financial,
    Legal,
    Provenance,
    Relationship,
    SourceRecord,
    Terms,
)
from api.snapshot import SnapshotReader, parse_json

_MAX_REDIRECTS = 10


def _not_found(customer_id: str) -> NotFound:
    return NotFound("customer_not_found", f"No customer has the id {customer_id!r}.")


def _merged_into(snap: SnapshotReader, customer_id: str) -> str | None:
    """The surviving id of a merged customer, following chains of merges."""
    current, seen = customer_id, {customer_id}
    for _ in range(_MAX_REDIRECTS):
        target = serving.redirect(snap.lite, current)
        if target is None:
            break
        current = target
        if current in seen:
            break
        seen.add(current)
    return current if current != customer_id else None


def check_customer(
    snap: SnapshotReader, user: Principal, customer_id: str, request: Request
) -> dict[str, Any]:
    """{customer_id, owner} of the customer `customer_id`, or the right error.

    A merged id answers 308 to the same address under the surviving id; a sales user
    only reaches the customers they own. A read let through goes to the audit log.
    """
    found = serving.customer_row(snap.lite, customer_id)
    if found is None:
        survivor = _merged_into(snap, customer_id)
        target = serving.customer_row(snap.lite, survivor) if survivor else None
        if survivor is None or target is None:
            raise _not_found(customer_id)
        _check_owner(user, {"customer_id": target[0], "owner": target[1]})
        path = request.url.path.replace(f"/customers/{customer_id}", f"/customers/{survivor}", 1)
        location = path + (f"?{request.url.query}" if request.url.query else "")
        raise ApiError(
            308,
            "customer_merged",
            f"Customer {customer_id} was merged into {survivor}.",
            headers={"Location": location},
            extra={"merged_into": survivor},
        )
    row = {"customer_id": found[0], "owner": found[1]}
    _check_owner(user, row)
    resource = request.url.path.rsplit(f"/customers/{customer_id}", 1)[-1].strip("/")
    request.app.state.read_log.record(user.username, user.role, found[0], resource or "profile")
    return row


def _check_owner(user: Principal, row: dict[str, Any]) -> None:
    if user.is_sales and (user.owner_name is None or row.get("owner") != user.owner_name):
        raise Forbidden("This customer belongs to another salesperson.")


def owner_scope(user: Principal, requested: str | None) -> tuple[str | None, bool]:
    """The owner filter to apply, and False when the user can see nothing at all."""
    if user.is_sales:
        if user.owner_name is None or (requested and requested != user.owner_name):
            return user.owner_name, False
        return user.owner_name, True
    return requested, True


def build_profile(snap: SnapshotReader, customer_id: str) -> CustomerProfile:
    """The 360° profile from the customer's one stored document."""
    c = serving.customer_doc(snap.lite, customer_id)
    if c is None:
        raise _not_found(customer_id)
    sources = []
    for x in c.get("sources") or []:
        evidence = parse_json(x.get("evidence"))
        text = evidence_text(x.get("match_rule"), evidence, x.get("match_score"))
        sources.append(SourceRecord(**{**x, "evidence": evidence, "evidence_text": text}))
    conflicts = [
        Conflict(**{**f, "values": parse_json(f.get("values"))}) for f in c.get("conflicts") or []
    ]
    g = c.get
    return CustomerProfile(
        customer_id=c["customer_id"],
        name=g("name"),
        customer_code=g("customer_code"),
        owner=g("owner"),
        segment=g("segment"),
        lifecycle_stage=g("lifecycle_stage"),
        legal=Legal(siren=g("siren"), siret=g("siret"), vat_number=g("vat_number")),
        coordinates=Coordinates(**{k: g(k) for k in Coordinates.model_fields}),
        terms=Terms(**{k: g(k) for k in Terms.model_fields}),
        financial=Financial(
            **{k: g(k) for k in Financial.model_fields if k != "aging"},
            aging=Aging(
                not_due=g("aging_not_due_amount"),
                d1_30=g("aging_1_30_amount"),
                d31_60=g("aging_31_60_amount"),
                d61_90=g("aging_61_90_amount"),
                over_90=g("aging_over_90_amount"),
            ),
        ),
        alerts=[AlertOut(**a, customer_name=g("name")) for a in g("alerts") or []],
        sources=sources,
        conflicts=conflicts,
        provenance=[Provenance(**p) for p in g("provenance") or []],
        has_crm=g("has_crm"),
        has_erp=g("has_erp"),
        has_accounting=g("has_accounting"),
        last_order_date=g("last_order_date"),
        last_invoice_date=g("last_invoice_date"),
        last_activity_date=g("last_activity_date"),
        relationship=Relationship.model_validate(
            {k: g(k) for k in Relationship.model_fields if g(k) is not None}
        ),
        updated_at=g("updated_at"),
        snapshot=snap.build_id,
    )
