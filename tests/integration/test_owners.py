"""Owners (users) in every CRM / ERP profile: an owner given as an id shows the person's
name, and a sales login is tied to its CRM owner by e-mail.

Hand-made extracts in the vendors' shapes: Salesforce Data Loader extracts (upper-case
API names) of Account, Case and User; HubSpot CRM v3 pages (companies with
hubspot_owner_id) and GET /crm/v3/owners results; Dynamics 365 Web API pages of accounts
and systemusers (an owner GUID without its formatted label); an Odoo import-compatible
res.users export (partners already name their salesperson).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from hand_made import quoted_csv, sources_toml, write_inbox
from typer.testing import CliRunner

from api.store import get_user
from c360.cli import app
from ingest.pipeline import ingest
from kernel.settings import Settings, load_settings
from warehouse.build import build

CLAIRE = "0057Q000T7kun60QIA"
SF_ACCOUNTS = quoted_csv(
    ("ID", "NAME", "ACCOUNTNUMBER", "BILLINGCITY", "OWNERID"),
    ("0015g00000DeLtAAAV", "DELTA INDUSTRIES", "D0001", "Nantes", CLAIRE),
    # An owner id of no user in the extract stays as it is.
    ("0015g00000EpsIAAAZ", "EPSILON SARL", "D0002", "Rennes", "0057Q000T7xxxxxQIA"),
)
SF_CASES = quoted_csv(
    ("ID", "CASENUMBER", "ACCOUNTID", "SUBJECT", "STATUS", "PRIORITY", "CREATEDDATE", "OWNERID"),
    ("5005g00000Ca001AAA", "00001026", "0015g00000DeLtAAAV", "Panne presse", "New", "High",
     "2026-11-20T08:00:00.000Z", CLAIRE),
)  # fmt: skip
SF_USERS = quoted_csv(
    ("ID", "USERNAME", "NAME", "FIRSTNAME", "LASTNAME", "EMAIL", "ISACTIVE"),
    (CLAIRE, "claire.dubois@atelier.fr.prod", "Claire Dubois", "Claire", "Dubois",
     "Claire.Dubois@atelier.fr", "true"),
    ("0057Q000T7old01QIA", "ancien@atelier.fr.prod", "Ancien Commercial", "Ancien",
     "Commercial", "ancien@atelier.fr", "false"),
)  # fmt: skip
HS_COMPANIES = [
    {"hs_object_id": "501", "name": "ACME SAS", "domain": "acme.fr",
     "hubspot_owner_id": "41629779"},
]  # fmt: skip
HS_OWNERS = [
    {"id": "41629779", "email": "paul.girard@atelier.fr", "type": "PERSON",
     "firstName": "Paul", "lastName": "Girard", "userId": 9586504,
     "userIdIncludingInactive": 9586504, "createdAt": "2019-12-25T13:01:35.228Z",
     "updatedAt": "2024-03-01T10:00:00.000Z", "archived": False, "teams": []},
    {"id": "41629780", "email": "stagiaire@atelier.fr", "type": "PERSON",
     "firstName": "Léa", "lastName": "Roux", "userId": 9586505,
     "userIdIncludingInactive": 9586505, "createdAt": "2023-06-01T08:00:00.000Z",
     "updatedAt": "2024-01-01T08:00:00.000Z", "archived": True, "teams": []},
]  # fmt: skip
HUGO = "e2b3c1a0-5b7e-ee11-8179-000d3a4b2c10"
DYN_ACCOUNTS = [
    {"@odata.etag": 'W/"4711"', "accountid": "5a4d0f10-5b7e-ee11-8179-000d3a4b2c10",
     "name": "GAMMA SA", "accountnumber": "G001", "_ownerid_value": HUGO.upper()},
]  # fmt: skip
DYN_USERS = [
    {"@odata.etag": 'W/"99"', "systemuserid": HUGO, "fullname": "Hugo Lambert",
     "firstname": "Hugo", "lastname": "Lambert",
     "internalemailaddress": "hugo.lambert@atelier.fr", "isdisabled": False},
]  # fmt: skip
ODOO_PARTNERS = """id,name,ref,vat,zip,city,customer_rank,user_id
101,OMEGA SAS,C101,false,69001,Lyon,1,Marc Demo
"""
ODOO_USERS = """id,login,name,email,active
__export__.res_users_7_5f3a9c21,marc.demo@atelier.fr,Marc Demo,marc.demo@atelier.fr,True
"""


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, Any, dict[str, str]]]:
    root = tmp_path_factory.mktemp("owners")
    files = {
        "sf/Account.csv": SF_ACCOUNTS,
        "sf/Case.csv": SF_CASES,
        "sf/User.csv": SF_USERS,
        "hs/companies.json": json.dumps(HS_COMPANIES),
        "hs/owners.json": json.dumps(HS_OWNERS),
        "dyn/accounts.json": json.dumps(DYN_ACCOUNTS),
        "dyn/systemusers.json": json.dumps(DYN_USERS),
        "erp/res_partner.csv": ODOO_PARTNERS,
        "erp/res_users.csv": ODOO_USERS,
    }
    write_inbox(root / "inbox", files)
    config = root / "c360.toml"
    config.write_text(
        f"""data_dir = "{root / "data"}"
as_of = "2026-11-28"
secret_key = "test-secret-key-with-enough-bytes-0123456789"
"""
        + sources_toml(
            ("sf", "salesforce", "crm", root / "inbox/sf"),
            ("hs", "hubspot", "crm", root / "inbox/hs"),
            ("dyn", "dynamics365", "crm", root / "inbox/dyn"),
            ("erp", "odoo", "erp", root / "inbox/erp"),
        ),
        encoding="utf-8",
    )

    settings = load_settings(config)
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    loaded: dict[str, int] = {}
    for o in result.outcomes:
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
        assert o.rows_rejected == 0, (o.file, o.object)
        loaded[f"{o.source}/{o.object}"] = loaded.get(f"{o.source}/{o.object}", 0) + o.rows_loaded
    done = build(settings)
    assert done.published, done.message
    con = duckdb.connect(str(done.snapshot), read_only=True)
    yield settings, con, {"config": str(config), **{k: str(v) for k, v in loaded.items()}}
    con.close()


def test_owner_files_load_exact_rows(built: tuple[Settings, Any, dict[str, str]]) -> None:
    _, con, loaded = built
    assert (loaded["sf/owner"], loaded["hs/owner"], loaded["dyn/owner"], loaded["erp/owner"]) == (
        "2",
        "2",
        "1",
        "1",
    )
    assert con.execute(
        "select source, owner_id, name, email, is_active from core.owner order by all"
    ).fetchall() == [
        ("dyn", HUGO, "Hugo Lambert", "hugo.lambert@atelier.fr", True),
        ("erp", "__export__.res_users_7_5f3a9c21", "Marc Demo", "marc.demo@atelier.fr", True),
        ("hs", "41629779", "Paul Girard", "paul.girard@atelier.fr", True),
        ("hs", "41629780", "Léa Roux", "stagiaire@atelier.fr", False),
        ("sf", CLAIRE, "Claire Dubois", "claire.dubois@atelier.fr", True),
        ("sf", "0057Q000T7old01QIA", "Ancien Commercial", "ancien@atelier.fr", False),
    ]


def test_owner_ids_show_names(built: tuple[Settings, Any, dict[str, str]]) -> None:
    _, con, _ = built
    assert con.execute("select name, owner from mart.customer_360 order by name").fetchall() == [
        ("ACME SAS", "Paul Girard"),
        ("DELTA INDUSTRIES", "Claire Dubois"),
        ("EPSILON SARL", "0057Q000T7xxxxxQIA"),
        ("GAMMA SA", "Hugo Lambert"),
        ("OMEGA SAS", "Marc Demo"),
    ]
    assert con.execute("select ticket_number, owner from core.ticket").fetchall() == [
        ("00001026", "Claire Dubois")
    ]


def test_cli_ties_a_sales_login_to_its_owner(built: tuple[Settings, Any, dict[str, str]]) -> None:
    # The login keeps its e-mail; the API ties it to the owner with that e-mail in the
    # snapshot it serves (api/owner_tie.py, tested in test_owner_names.py).
    settings, _, info = built
    runner = CliRunner()
    args = ["user", "add", "claire", "--role", "sales", "--password", "Long-enough-pass-42"]
    result = runner.invoke(
        app, [*args, "--email", "claire.dubois@atelier.fr", "--config", info["config"]]
    )
    assert result.exit_code == 0, result.output
    user = get_user(settings, "claire")
    assert user is not None and user.email == "claire.dubois@atelier.fr"
    refused = runner.invoke(app, [*args, "--email", "claire", "--config", info["config"]])
    assert refused.exit_code == 1
    assert "--email 'claire' is not an e-mail address" in refused.output
