"""Tie a sales login to its CRM owner: the owner's name (as records show it) from their
e-mail, read in the published snapshot's core.owner (Salesforce User, HubSpot owners,
Dynamics systemuser, Odoo res.users)."""

from __future__ import annotations

import duckdb

from warehouse.connection import connect
from warehouse.settings import Settings
from warehouse.snapshots import current_snapshot


class OwnerNotFound(LookupError):
    """No owner, or more than one person, has this e-mail in the published snapshot."""


def owner_name_for_email(settings: Settings, email: str) -> str:
    """The name records show for the owner with this e-mail (case-insensitive)."""
    snapshot = current_snapshot(settings.snapshots_dir)
    if snapshot is None:
        raise OwnerNotFound("no snapshot is published yet: run c360 build first")
    con = connect(snapshot, read_only=True)
    try:
        rows = con.execute(
            "select distinct name from core.owner "
            "where email = lower(trim(?)) and name is not null order by name",
            [email],
        ).fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    names = [str(r[0]) for r in rows]
    if not names:
        raise OwnerNotFound(f"no CRM or ERP owner has the e-mail {email!r} in the snapshot")
    if len(names) > 1:
        raise OwnerNotFound(f"the e-mail {email!r} belongs to several owners: {', '.join(names)}")
    return names[0]
