"""A live tenant's worst night, all at once: tokens that die every call or two while rows
are edited, archived and deleted between pages, association lists longer than a page,
deletions read through each vendor's feed — and Odoo, which has none, through the full
extract the docs prescribe. Each test checks that every live row is read exactly once
and that no deletion is missed (in the run, or the next one when only it can see it).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import fake_dynamics
import fake_hubspot
import fake_salesforce
import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import guid
from fakes_common import BASE
from relationship_harness import night

from ingest.connectors import FetchResult, RetryPolicy, fetch
from kernel.connection import connect
from kernel.settings import Settings


def _rows(out_dir: Path, obj: str) -> list[dict[str, Any]]:
    return [r for page in read_pages(out_dir, obj) for r in page]


def _once(ids: list[Any]) -> None:
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert not repeated, f"read more than once: {repeated}"


def _rsa_key(folder: Path) -> tuple[Path, str]:
    """A connected app's certificate key: (PEM file outside the repository, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "server.key"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public.decode()


# --- Salesforce: JWT bearer sessions dying every call, deletions through queryAll ------


def test_salesforce_jwt_sessions_dying_every_call_lose_no_row_and_no_deletion(
    salesforce: Harness,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import jwt

    caplog.set_level(logging.DEBUG)  # the libraries' own debug lines included
    fake = salesforce.fake
    key_file, fake.public_key = _rsa_key(tmp_path_factory.mktemp("keys"))
    fake.token_uses = 1  # every session is refused after one call (INVALID_SESSION_ID)
    options = {"auth": fake_salesforce.jwt_bearer_auth(str(key_file), salesforce.url)}
    # Full read: 3 pages of Account (the org sends 100 a batch); account 5 (page 1) is
    # deleted and account 240 (page 3) edited while page 2 is asked for (request 3:
    # token, page 1, then this).
    fake.at(3, lambda: fake.delete("Account", "001000000000005AAA", minutes=300))
    fake.at(3, lambda: fake.edit("Account", "001000000000240AAA", minutes=301, Name="Late"))
    run1 = salesforce.fetch(tmp_path / "1", env={}, options=options, objects=["Account"])
    ids = [r["Id"] for r in _rows(tmp_path / "1", "Account")]
    _once(ids)
    assert ids == [f"001{i:012d}AAA" for i in range(250)]  # the cursor's snapshot
    grants = list(fake.grants)
    assert len(grants) == 3  # the first token, then one renewal for each later page
    for grant in grants:
        claims = jwt.decode(grant["assertion"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] <= 180  # Salesforce's 3-minute limit
    assert len({g["assertion"] for g in grants}) == 3  # a fresh assertion each time

    # Incremental: queryAll from the watermark less the margin, the session dying again.
    fake.grants.clear()
    salesforce.fetch(
        tmp_path / "2", env={}, options=options, objects=["Account"], watermark=run1.watermark
    )
    rows = {r["Id"]: r for r in _rows(tmp_path / "2", "Account")}
    _once([r["Id"] for r in _rows(tmp_path / "2", "Account")])
    assert rows["001000000000005AAA"]["IsDeleted"] is True  # the deletion is not missed
    assert rows["001000000000240AAA"]["Name"] == "Late"
    assert fake.grants  # the incremental read obtained its own tokens
    # Neither the signed assertions nor the sessions reach a log line.
    shown = " ".join(r.getMessage() for r in caplog.records)
    for credential in [*(g["assertion"] for g in grants), *fake.issued]:
        assert credential not in shown
    assert "new access token" in shown


def test_salesforce_key_that_is_not_rsa_is_one_config_line(
    salesforce: Harness, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from ingest.connectors import ConnectorConfigError

    key_file = tmp_path_factory.mktemp("keys") / "server.key"
    key_file.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    options = {"auth": fake_salesforce.jwt_bearer_auth(str(key_file))}
    with pytest.raises(ConnectorConfigError, match="is not a PEM RSA private key") as info:
        salesforce.fetch(tmp_path, env={}, options=options)
    assert "not a key" not in str(info.value)
    assert not salesforce.fake.grants  # nothing was sent


# --- HubSpot: OAuth tokens dying while the search pages shift ---------------------------


def test_hubspot_refresh_tokens_dying_during_a_changing_search(
    hubspot: Harness, tmp_path: Path
) -> None:
    fake = hubspot.fake
    fake.token_uses = 2
    for j in range(1, 250):  # company 1001's contact list runs past two pages
        fake._link("companies", "1001", "contacts", str(5001 + j))

    def change() -> None:
        fake.archive("companies", "1230", minutes=501)  # on search page 2, not read yet
        fake.edit("companies", "1210", minutes=401, city="Brest")

    fake.now = BASE + timedelta(minutes=250)
    fake.at(2, change)  # after the first search page
    auth = fake_hubspot.refresh_token_auth(hubspot.url)
    env = dict(fake_hubspot.REFRESH_ENV)
    result = hubspot.fetch(
        tmp_path,
        env=env,
        options={"auth": auth, "watermark_margin_minutes": 0},
        objects=["companies"],
        watermark=BASE,
    )
    rows = _rows(tmp_path, "companies")
    ids = [r["id"] for r in rows]
    _once(ids)
    live = [str(1001 + i) for i in range(250) if i != 229]
    assert [i for i in ids if i in live] == live
    by_id = {r["id"]: r for r in rows}
    assert by_id["1230"]["archived"] is True  # archived during the read: not missed
    assert by_id["1210"]["city"] == "Brest"
    assert by_id["1001"]["associated_contacts_ids"].split(";") == [
        str(5001 + j) for j in range(250)
    ]
    assert len(fake.grants) >= 3  # renewed again and again, no page lost
    assert result.records["companies"] == len(ids)


# --- Dynamics 365: Entra tokens expiring, a row deleted during the full read ------------


def _dyn(h: Harness, out: Path, authority: str, first: FetchResult | None = None) -> FetchResult:
    auth = {
        "method": "client_credentials",
        "tenant_id": fake_dynamics.TENANT,
        "client_id": fake_dynamics.CLIENT_ID,
        "client_secret_env": "DYN_SECRET",
        "authority": authority,
    }
    return fetch(
        h.source(
            extract="incremental" if first else "full",
            objects=["accounts"],
            options={"auth": auth},
        ),
        out,
        watermark=first.watermark if first else None,
        env={"DYN_SECRET": fake_dynamics.CLIENT_SECRET},
        retry=RetryPolicy(sleep=h.sleeps.append),
        cursors=first.cursors if first else None,
    )


def test_dynamics_row_deleted_during_the_full_read_is_a_tombstone_next_run(
    dynamics: Harness, entra: str, tmp_path: Path
) -> None:
    fake = dynamics.fake
    fake.token_uses = 1  # ExpiredAuthTicket after every call
    # Requests: OpenID configuration, token, page 1, then this before page 2.
    fake.at(4, lambda: fake.delete("accounts", 10))  # already read on page 1
    first = _dyn(dynamics, tmp_path / "1", entra)
    ids = [r["accountid"] for r in _rows(tmp_path / "1", "accounts")]
    _once(ids)
    assert ids == [guid(i) for i in range(250)]
    second = _dyn(dynamics, tmp_path / "2", entra, first)
    rows = _rows(tmp_path / "2", "accounts")
    assert [(r["accountid"], r.get("is_deleted")) for r in rows] == [(guid(10), True)]
    assert second.records == {"accounts": 1}


# --- Into staging: deletions through an expired feed, and Odoo's full extract -----------


def _source_settings(tmp_path: Path, h: Harness, extract: str, obj: str) -> Settings:
    api = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults, "objects": [obj]}
    role = "erp" if h.system == "odoo" else "crm"
    source = {"name": "src", "system": h.system, "role": role, "api": api, "extract": extract}
    return Settings(data_dir=tmp_path / "data", sources=[source])


def _odoo_settings(tmp_path: Path, h: Harness, extract: str) -> Settings:
    return _source_settings(tmp_path, h, extract, "res.partner")


def test_dynamics_deletion_behind_an_expired_delta_link_lands_in_staging(
    dynamics: Harness, tmp_path: Path
) -> None:
    settings = _source_settings(tmp_path, dynamics, "incremental", "accounts")
    night(settings, dynamics)  # no state yet: a full read keeping a delta link
    dynamics.fake.delete("accounts", 9)
    dynamics.fake.edit("accounts", 8, minutes=400, name="Renamed SAS")
    dynamics.fake.oldest_token = dynamics.fake.version + 1  # the link expired meanwhile
    night(settings, dynamics)
    dynamics.fake.oldest_token = 0  # the new link is recent
    after = _partners(settings)
    assert len(after) == 250
    assert [s for s, deleted in after.items() if deleted] == [guid(9)]  # not missed
    # The new link works: the next deletion comes as a tombstone again.
    dynamics.fake.delete("accounts", 11)
    dynamics.fake.requests.clear()
    night(settings, dynamics)
    assert all("deltatoken" in r.query for r in dynamics.fake.requests)
    assert sorted(s for s, deleted in _partners(settings).items() if deleted) == [
        guid(9),
        guid(11),
    ]


def _partners(settings: Settings) -> dict[str, bool]:
    with connect(settings.staging_db, read_only=True) as con:
        rows = con.execute("select source_id, is_deleted from staging.customer").fetchall()
    return dict(rows)


def test_odoo_unlink_is_seen_by_the_next_full_extract_not_by_an_incremental_one(
    odoo: Harness, tmp_path: Path
) -> None:
    fake = odoo.fake

    def change() -> None:
        fake.unlink("res.partner", 20)  # on page 1, already read
        fake.unlink("res.partner", 150)  # on page 2, not read yet

    fake.at(3, change)  # fields_get, page 1, then this before page 2
    full = _odoo_settings(tmp_path, odoo, "full")
    night(full, odoo)
    first = _partners(full)
    assert sorted(first, key=int) == [str(i) for i in range(1, 251) if i != 150]
    assert not any(first.values())  # 20 was read before it went: live tonight

    # An incremental night reads what changed; an unlink leaves nothing to read (as the
    # docs say), and an archive is an edit like any other.
    fake.unlink("res.partner", 30)
    fake.write("res.partner", 40, 300, active=False)
    incremental = _odoo_settings(tmp_path, odoo, "incremental")
    night(incremental, odoo)
    assert not any(_partners(incremental).values())

    # The full extract the docs prescribe: both unlinked partners are deleted, nothing else.
    night(full, odoo)
    after = _partners(full)
    assert sorted(s for s, deleted in after.items() if deleted) == ["20", "30"]
    assert len(after) == 249
