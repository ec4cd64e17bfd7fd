"""CRM owners: owner ids shown as people's names after the build, and a sales login tied
to its owner by e-mail.

Hand-made extracts in the vendors' shapes: Salesforce Data Loader Account, Opportunity,
Task and User (upper-case headers, 18-character ids, one 15-character report id); HubSpot
CRM v3 pages as the connector lands them (companies with hubspot_owner_id, owners);
Dynamics 365 Web API pages (an account owned by an upper-case GUID, systemusers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient
from hand_made import quoted_csv

from api import security, store
from api.main import create_app
from ingest.pipeline import ingest
from kernel.serving_contract import connect_serving, serving_path
from kernel.settings import Settings
from warehouse.build import build

security.BCRYPT_ROUNDS = 4
JULIE, KARIM, UNKNOWN = "0057Q000T7kun60QIA", "0057Q000T7kuo61QIA", "0057Q000ZzZzZzZQAA"


SF_ACCOUNTS = quoted_csv(
    ("ID", "NAME", "ACCOUNTNUMBER", "BILLINGCITY", "TYPE", "OWNERID", "ISDELETED"),
    ("0015g00000AcmeAAAA", "ACME SAS", "C101", "Lyon", "Customer", JULIE, "false"),
    # Owned through the 15-character id of a report export: the same user.
    ("0015g00000BetaAAAA", "BETA SARL", "C102", "Paris", "Customer", "0057Q000T7kuo61", "false"),
    # An owner whose User row is not loaded: the id stays.
    ("0015g00000GammAAAA", "GAMMA SA", "C103", "Annecy", "Customer", UNKNOWN, "false"),
)
SF_OPPORTUNITIES = quoted_csv(
    ("ID", "ACCOUNTID", "NAME", "STAGENAME", "AMOUNT", "CLOSEDATE", "OWNERID", "ISDELETED"),
    ("0065g00000Opp1AAAA", "0015g00000AcmeAAAA", "ACME renewal", "Prospecting", "1200.0",
     "2026-12-15", KARIM, "false"),
)  # fmt: skip
SF_TASKS = quoted_csv(
    ("ID", "WHOID", "WHATID", "ACCOUNTID", "SUBJECT", "STATUS", "ACTIVITYDATE", "TASKSUBTYPE",
     "ISCLOSED", "OWNERID", "ISDELETED"),
    ("00T5g00000Tsk1AAAA", "", "0015g00000AcmeAAAA", "0015g00000AcmeAAAA", "Call back",
     "Completed", "2026-11-20", "Call", "true", JULIE, "false"),
)  # fmt: skip
SF_USERS = quoted_csv(
    ("ID", "USERNAME", "FIRSTNAME", "LASTNAME", "NAME", "EMAIL", "ISACTIVE"),
    (JULIE, "julie.martin@acme.fr.crm", "Julie", "Martin", "Julie Martin", "Julie.Martin@acme.fr",
     "true"),
    (KARIM, "karim.benali@acme.fr.crm", "Karim", "Benali", "Karim Benali", "k.benali@acme.fr",
     "false"),
)  # fmt: skip
HS_COMPANIES = [
    {"hs_object_id": "9001", "name": "DELTA SAS", "domain": "delta.fr", "city": "Nantes",
     "hubspot_owner_id": "41629779", "id": "9001", "archived": False,
     "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2026-10-01T00:00:00Z"},
]  # fmt: skip
# A HubSpot UI export names the owner as HubSpot spells it: the same person too.
HS_COMPANIES_EXPORT = quoted_csv(
    ("Record ID", "Company name", "City", "Company owner"),
    ("9002", "ZETA SARL", "Rennes", "J. Martin"),
)
# The same Julie in HubSpot, archived there and spelt otherwise: one person, one name
# (the active owner's).
HS_OWNERS = [
    {"id": "41629779", "email": "julie.martin@ACME.fr", "firstName": "J.", "lastName": "Martin",
     "userId": 9586504, "createdAt": "2019-12-25T13:01:35.228Z",
     "updatedAt": "2025-08-22T13:40:26.790Z", "archived": True},
]  # fmt: skip
DYN_ACCOUNTS = [
    {"accountid": "6f0a1c2e-1111-4a2b-9c3d-00000000e001", "name": "EPSILON SA",
     "address1_city": "Lille", "_ownerid_value": "0B0B0B0B-0000-0000-0000-000000000005",
     "modifiedon": "2026-03-02T17:45:12Z"},
]  # fmt: skip
DYN_USERS = [
    {"@odata.etag": 'W/"4412003"', "systemuserid": "0b0b0b0b-0000-0000-0000-000000000005",
     "fullname": "Thomas Nguyen", "internalemailaddress": "thomas.nguyen@acme.fr",
     "isdisabled": False},
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Path]]:
    root = tmp_path_factory.mktemp("owners")
    files: dict[str, Any] = {
        "sf/Account.csv": SF_ACCOUNTS,
        "sf/Opportunity.csv": SF_OPPORTUNITIES,
        "sf/Task.csv": SF_TASKS,
        "sf/User.csv": SF_USERS,
        "hs/page-companies-00001.json": HS_COMPANIES,
        "hs/page-owners-00001.json": HS_OWNERS,
        "hs/companies.csv": HS_COMPANIES_EXPORT,
        "dyn/page-accounts-00001.json": DYN_ACCOUNTS,
        "dyn/page-systemusers-00001.json": DYN_USERS,
    }
    for name, content in files.items():
        path = root / "inbox" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text, encoding="utf-8")
    settings = Settings(
        data_dir=root / "data",
        secret_key="test-secret-key-with-enough-bytes-0123456789",
        as_of="2026-11-28",
        sources=[
            {"name": "salesforce", "system": "salesforce", "role": "crm",
             "inbox": root / "inbox/sf"},
            {"name": "hubspot", "system": "hubspot", "role": "crm", "inbox": root / "inbox/hs"},
            {"name": "dynamics", "system": "dynamics365", "role": "crm",
             "inbox": root / "inbox/dyn"},
        ],
    )  # fmt: skip
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    counts = {(o.file, o.object): (o.rows_read, o.rows_loaded) for o in result.outcomes}
    for o in result.outcomes:
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
        assert o.rows_rejected == 0, (o.file, o.object)
    assert counts[("User.csv", "owner")] == (2, 2)
    assert counts[("page-owners-00001.json", "owner")] == (1, 1)
    assert counts[("page-systemusers-00001.json", "owner")] == (1, 1)
    done = build(settings)
    assert done.published, done.message
    assert done.snapshot is not None
    yield settings, done.snapshot


def test_owner_ids_show_as_names(built: tuple[Settings, Path]) -> None:
    _, snapshot = built
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        owners = con.execute("select name, owner from mart.customer_360 order by name").fetchall()
        assert owners == [
            ("ACME SAS", "Julie Martin"),
            ("BETA SARL", "Karim Benali"),  # a deactivated user still owns it
            ("DELTA SAS", "Julie Martin"),  # HubSpot's "J. Martin": the same address
            ("EPSILON SA", "Thomas Nguyen"),  # the GUID's case does not matter
            ("GAMMA SA", UNKNOWN),  # no such user loaded: the raw id
            ("ZETA SARL", "Julie Martin"),  # HubSpot's spelling of her name
        ]
        assert con.execute("select owner from core.opportunity").fetchall() == [("Karim Benali",)]
        assert con.execute("select owner from core.activity").fetchall() == [("Julie Martin",)]
        assert con.execute(
            "select source, owner_id, name, source_name, email, is_active from core.owner "
            "order by source, owner_id"
        ).fetchall() == [
            ("dynamics", "0b0b0b0b-0000-0000-0000-000000000005", "Thomas Nguyen",
             "Thomas Nguyen", "thomas.nguyen@acme.fr", True),
            ("hubspot", "41629779", "Julie Martin", "J. Martin", "julie.martin@acme.fr", False),
            ("salesforce", JULIE, "Julie Martin", "Julie Martin", "julie.martin@acme.fr", True),
            ("salesforce", KARIM, "Karim Benali", "Karim Benali", "k.benali@acme.fr", False),
        ]  # fmt: skip
    finally:
        con.close()
    lite = connect_serving(serving_path(snapshot))
    try:
        assert lite.execute("select email, name from owner_email order by email").fetchall() == [
            ("julie.martin@acme.fr", "Julie Martin"),
            ("k.benali@acme.fr", "Karim Benali"),
            ("thomas.nguyen@acme.fr", "Thomas Nguyen"),
        ]
    finally:
        lite.close()


def _token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/auth/token", data={"username": username, "password": "pw-0123456789-ok"}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_sales_login_tied_to_its_owner_by_email(built: tuple[Settings, Path]) -> None:
    settings, _ = built
    pw = "pw-0123456789-ok"
    # By e-mail (any case); by a username that is the address; by owner name (as before);
    # an explicit owner name wins over the e-mail; an unknown address sees nothing.
    store.add_user(settings, "julie", "sales", pw, email="JULIE.MARTIN@acme.fr")
    store.add_user(settings, "thomas.nguyen@acme.fr", "sales", pw)
    store.add_user(settings, "karim", "sales", pw, owner_name="Karim Benali")
    store.add_user(
        settings, "both", "sales", pw, owner_name="Karim Benali", email="julie.martin@acme.fr"
    )
    store.add_user(settings, "nobody", "sales", pw, email="someone@else.fr")
    try:
        with TestClient(create_app(settings)) as client:
            seen: dict[str, tuple[str | None, list[str]]] = {}
            for user in ("julie", "thomas.nguyen@acme.fr", "karim", "both", "nobody"):
                headers = _token(client, user)
                me = client.get("/api/v1/me", headers=headers).json()
                listed = client.get("/api/v1/customers", headers=headers)
                names = sorted(c["name"] for c in listed.json().get("data", []))
                seen[user] = (me["owner_name"], names)
            assert seen == {
                "julie": ("Julie Martin", ["ACME SAS", "DELTA SAS", "ZETA SARL"]),
                "thomas.nguyen@acme.fr": ("Thomas Nguyen", ["EPSILON SA"]),
                "karim": ("Karim Benali", ["BETA SARL"]),
                "both": ("Karim Benali", ["BETA SARL"]),
                "nobody": (None, []),
            }
            julie = _token(client, "julie")
            acme = [
                c["customer_id"]
                for c in client.get("/api/v1/customers", headers=julie).json()["data"]
                if c["name"] == "ACME SAS"
            ][0]
            assert client.get(f"/api/v1/customers/{acme}", headers=julie).status_code == 200
            karim = _token(client, "karim")
            assert client.get(f"/api/v1/customers/{acme}", headers=karim).status_code == 403
    finally:
        store.dispose_engines()
