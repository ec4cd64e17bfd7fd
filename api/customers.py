"""Customer access rules, merged-id redirects and paging (the profile: api/profile.py)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api import serving
from api.deps import Principal
from api.errors import ApiError, Forbidden, NotFound
from api.snapshot import SnapshotReader

_MAX_REDIRECTS = 10


def not_found(customer_id: str) -> NotFound:
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
            raise not_found(customer_id)
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
