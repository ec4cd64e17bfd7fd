"""CRM owners (users) in each vendor's own shape: Salesforce User (Data Loader, upper-case
headers, a 15-character report id), HubSpot CRM v3 owners (the connector's page), Dynamics
365 systemusers (Web API page with etags), Odoo res.users (import-compatible export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

COLUMNS = "source_id, name, email, email_valid, is_active, is_deleted"


def test_salesforce_users(load: Load) -> None:
    db = load("salesforce", "owners_salesforce")
    assert db.runs() == {("User.csv", "owner"): ("loaded", 4, 4, 0, 0)}
    assert db.rejects() == []
    # The 15-character id gets its 18-character form (the one OwnerId holds); e-mails are
    # lower-cased; an address that is not one is kept, flagged; IsActive false = inactive.
    assert db.rows("owner", COLUMNS) == [
        ("0057Q000T7kun60QIA", "Julie Martin", "julie.martin@acme.fr", True, True, False),
        ("0057Q000T7kuo61QIA", "Karim Benali", "k.benali@acme.fr", True, False, False),
        ("0057Q000T7kup62QIA", "Automated Process", None, None, True, False),
        ("0057Q000T7kuq63QIA", "Équipe Support", "support-team", False, True, False),
    ]


def test_hubspot_owners(load: Load) -> None:
    db = load("hubspot", "owners_hubspot")
    assert db.runs() == {("page-owners-00001.json", "owner"): ("loaded", 3, 3, 0, 0)}
    assert db.rejects() == []
    # firstName + lastName, else the e-mail; an archived owner is inactive, not deleted (it
    # still owns its records).
    assert db.rows("owner", COLUMNS) == [
        ("41629779", "Julie Martin", "julie.martin@acme.fr", True, True, False),
        ("52550153", "Sophie Lefèvre", "sophie.lefevre@acme.fr", True, False, False),
        ("60000001", "ventes@acme.fr", "ventes@acme.fr", True, True, False),
    ]


def test_dynamics_systemusers(load: Load) -> None:
    db = load("dynamics365", "owners_dynamics365")
    assert db.runs() == {("page-systemusers-00001.json", "owner"): ("loaded", 3, 3, 0, 0)}
    assert db.rejects() == []
    # GUIDs lower-cased, as the build compares them; isdisabled = inactive.
    assert db.rows("owner", COLUMNS) == [
        ("0b0b0b0b-0000-0000-0000-000000000005", "Thomas Nguyen", "thomas.nguyen@acme.fr", True,
         True, False),
        ("0b0b0b0b-0000-0000-0000-000000000006", "Élodie Roux", "elodie.roux@acme.fr", True,
         False, False),
        ("2c9f0a3e-8b1d-4e5a-9f00-000000000001", "SYSTEM", None, None, True, False),
    ]  # fmt: skip


def test_odoo_users(load: Load) -> None:
    db = load("odoo", "owners_odoo")
    assert db.runs() == {("res.users.csv", "owner"): ("loaded", 4, 4, 0, 0)}
    assert db.rejects() == []
    # Odoo's `false` is no e-mail: a login that is an address stands in; `admin` does not.
    assert db.rows("owner", COLUMNS) == [
        ("__export__.res_users_7_5e1f2a", "Julie Martin", "julie.martin@acme.fr", True, True,
         False),
        ("__export__.res_users_8_9c3d1b", "Ancien Commercial", None, None, False, False),
        ("base.user_admin", "Mitchell Admin", "admin@yourcompany.example.com", True, True,
         False),
        ("base.user_demo", "Marc Demo", "mark.brown23@example.com", True, True, False),
    ]  # fmt: skip
