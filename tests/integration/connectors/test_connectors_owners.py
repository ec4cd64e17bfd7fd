"""Owners (users) read from each vendor's API fake and landed into staging.owner.

HubSpot `GET /crm/v3/owners` (live and archived lists, cursor paging, teams dropped),
Salesforce `SELECT … FROM User` (no IsDeleted column: the fake refuses it as the org
does), Dynamics 365 `systemusers`, Odoo `res.users` (archived ones included, `false` for a
blank e-mail). Rows read = loaded + rejected + skipped; exact rows in staging.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connector_harness import Harness, read_pages
from relationship_harness import fetch_and_ingest

from kernel.connection import connect
from kernel.settings import Settings

COLUMNS = "source_id, name, email, is_active"


def _stage(tmp_path: Path, h: Harness, obj: str, **api: Any) -> list[tuple[Any, ...]]:
    api_cfg = {
        "base_url": h.url,
        "token_env": h.token_env,
        **h.api_defaults,
        "objects": [obj],
        **api,
    }
    settings = Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "crm", "system": h.system, "role": "crm", "api": api_cfg}],
    )
    _, result = fetch_and_ingest(settings, h)  # every file's rows accounted for
    for o in result.outcomes:
        assert o.object == "owner", (o.file, o.object)
        assert o.rows_rejected == 0
    with connect(settings.staging_db, read_only=True) as con:
        return con.execute(f"select {COLUMNS} from staging.owner order by source_id").fetchall()


def test_hubspot_owners(tmp_path: Path, hubspot: Harness) -> None:
    hubspot.fake.owners_page = 1  # the list pages by cursor
    result = hubspot.fetch(tmp_path / "pages", objects=["owners"])
    assert result.records == {"owners": 3}
    first = read_pages(tmp_path / "pages", "owners")[0][0]
    assert first == {
        "id": "41629779",
        "email": "julie@acme.fr",
        "firstName": "Julie",
        "lastName": "Martin",
        "userId": 9586504,
        "archived": False,
        "createdAt": "2026-11-01T00:00:00.000Z",
        "updatedAt": "2026-11-01T00:00:00.000Z",
    }
    assert _stage(tmp_path, hubspot, "owners") == [
        ("41629779", "Julie Martin", "julie@acme.fr", True),
        ("41629780", "Sophie Lefèvre", "sophie@acme.fr", False),  # archived: inactive
        ("41629781", "Karim Benali", "karim@acme.fr", True),
    ]


def test_hubspot_owners_are_read_in_full_by_an_incremental_run(
    tmp_path: Path, hubspot: Harness
) -> None:
    since = datetime(2030, 1, 1, tzinfo=UTC)
    result = hubspot.fetch(tmp_path, objects=["owners"], watermark=since)
    assert result.records == {"owners": 3}
    assert {result.kind_of(p) for p in result.files} == {"full"}


def test_salesforce_users(tmp_path: Path, salesforce: Harness) -> None:
    result = salesforce.fetch(tmp_path / "pages", objects=["User"])
    assert result.records == {"User": 3}
    assert _stage(tmp_path, salesforce, "User") == [
        ("005000000000000AAA", "Julie Martin", "julie.martin@acme.fr", True),
        ("005000000000001AAA", "Karim Benali", "karim.benali@acme.fr", False),
        ("005000000000002AAA", "Automated Process", "automated.process@acme.fr", True),
    ]


def test_dynamics_systemusers(tmp_path: Path, dynamics: Harness) -> None:
    assert _stage(tmp_path, dynamics, "systemusers") == [
        ("00000000-0000-0000-0000-000000000005", "Thomas Nguyen", "thomas.nguyen@acme.fr", True),
        ("00000000-0000-0000-0000-000000000006", "Élodie Roux", "elodie.roux@acme.fr", False),
        ("00000000-0000-0000-0000-000000000007", "SYSTEM", None, True),
    ]


def test_odoo_users(tmp_path: Path, odoo: Harness) -> None:
    # The connector's res.users ids are the ids `user_id` holds in the other models.
    assert _stage(tmp_path, odoo, "res.users") == [
        ("2", "Mitchell Admin", "admin@yourcompany.example.com", True),
        ("7", "Julie Martin", "julie.martin@acme.fr", True),  # login stands in for `false`
        ("8", "Ancien Commercial", "ancien@acme.fr", False),
    ]
