"""CRM owners (users) in each vendor's own shape: Salesforce User (Data Loader, upper-case
headers, a 15-character report id), HubSpot CRM v3 owners (the connector's page), Dynamics
365 systemusers (Web API page with etags), Odoo res.users (import-compatible export)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

COLUMNS = "source_id, name, email, email_valid, is_active, is_deleted"

# Per vendor: (system, fixture folder, its one file, rows read, the owners staged).
OWNERS: dict[str, tuple[str, str, str, int, list[tuple[Any, ...]]]] = {
    # The 15-character id gets its 18-character form (the one OwnerId holds); e-mails are
    # lower-cased; an address that is not one is kept, flagged; IsActive false = inactive.
    "salesforce": ("salesforce", "owners_salesforce", "User.csv", 4, [
        ("0057Q000T7kun60QIA", "Julie Martin", "julie.martin@acme.fr", True, True, False),
        ("0057Q000T7kuo61QIA", "Karim Benali", "k.benali@acme.fr", True, False, False),
        ("0057Q000T7kup62QIA", "Automated Process", None, None, True, False),
        ("0057Q000T7kuq63QIA", "Équipe Support", "support-team", False, True, False),
    ]),
    # firstName + lastName, else the e-mail; an archived owner is inactive, not deleted (it
    # still owns its records).
    "hubspot": ("hubspot", "owners_hubspot", "page-owners-00001.json", 3, [
        ("41629779", "Julie Martin", "julie.martin@acme.fr", True, True, False),
        ("52550153", "Sophie Lefèvre", "sophie.lefevre@acme.fr", True, False, False),
        ("60000001", "ventes@acme.fr", "ventes@acme.fr", True, True, False),
    ]),
    # GUIDs lower-cased, as the build compares them; isdisabled = inactive.
    "dynamics365": ("dynamics365", "owners_dynamics365", "page-systemusers-00001.json", 3, [
        ("0b0b0b0b-0000-0000-0000-000000000005", "Thomas Nguyen", "thomas.nguyen@acme.fr", True,
         True, False),
        ("0b0b0b0b-0000-0000-0000-000000000006", "Élodie Roux", "elodie.roux@acme.fr", True,
         False, False),
        ("2c9f0a3e-8b1d-4e5a-9f00-000000000001", "SYSTEM", None, None, True, False),
    ]),
    # Odoo's `false` is no e-mail: a login that is an address stands in; `admin` does not.
    "odoo": ("odoo", "owners_odoo", "res.users.csv", 4, [
        ("__export__.res_users_7_5e1f2a", "Julie Martin", "julie.martin@acme.fr", True, True,
         False),
        ("__export__.res_users_8_9c3d1b", "Ancien Commercial", None, None, False, False),
        ("base.user_admin", "Mitchell Admin", "admin@yourcompany.example.com", True, True,
         False),
        ("base.user_demo", "Marc Demo", "mark.brown23@example.com", True, True, False),
    ]),
}  # fmt: skip


@pytest.mark.parametrize("vendor", OWNERS)
def test_owners_in_the_vendor_shape(load: Load, vendor: str) -> None:
    system, folder, file, read, owners = OWNERS[vendor]
    db = load(system, folder)
    assert db.runs() == {(file, "owner"): ("loaded", read, read, 0, 0)}
    assert db.rejects() == []
    assert db.rows("owner", COLUMNS) == owners
