"""A sales login tied to its CRM owner, by e-mail.

A salesperson sees the customers whose owner is their `owner_name`. When an admin set
none, the login's e-mail (the user's `email`, else a username that is an address) is
looked up among the CRM owners of the current snapshot (serving table `owner_email`,
from core.owner): the owner with that address gives the name. An explicit owner_name
always wins, so existing accounts behave as before. The rule is documented in
docs/profiles.md (Owners).
"""

from __future__ import annotations

import logging
import sqlite3

from api.errors import ApiError
from api.snapshot import SnapshotManager

logger = logging.getLogger(__name__)


def login_email(email: str | None, username: str) -> str | None:
    """The address a login is known by: its e-mail, else a username that is one."""
    chosen = (email or "").strip() or (username.strip() if "@" in username else "")
    return chosen.lower() if "@" in chosen else None


def owner_name_by_email(lite: sqlite3.Connection, email: str) -> str | None:
    try:
        row = lite.execute("select name from owner_email where email = ?", (email,)).fetchone()
    except sqlite3.OperationalError:  # a serving file written before owners were read
        return None
    return str(row[0]) if row else None


def effective_owner_name(
    snapshots: SnapshotManager | None,
    owner_name: str | None,
    email: str | None,
    username: str,
) -> str | None:
    """The owner name whose customers this login sees (None: none)."""
    if owner_name:
        return owner_name
    address = login_email(email, username)
    if address is None or snapshots is None:
        return None
    try:
        with snapshots.reader() as reader:
            return owner_name_by_email(reader.lite, address)
    except ApiError:  # no snapshot yet: nobody owns anything
        return None
