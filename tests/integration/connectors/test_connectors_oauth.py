"""OAuth as each vendor documents it, against fakes whose tokens expire in mid-read.

Every fake token endpoint speaks the vendor's grant (Salesforce refresh token and JWT
bearer, Entra ID client credentials, HubSpot refresh token); issued tokens stop working
after a few calls, and each test checks that every row is read exactly once, and that no
secret reaches a log line or an error message.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import fake_dynamics
import fake_hubspot
import fake_salesforce
import pytest
from connector_harness import Harness, read_pages

from ingest.connectors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorUnavailableError,
    check_connection,
)

SF_ENV = {"SF_CLIENT_SECRET": fake_salesforce.CLIENT_SECRET, "SF_REFRESH": fake_salesforce.REFRESH}
SF_SECRETS = [fake_salesforce.CLIENT_SECRET, fake_salesforce.REFRESH]


def _ids(out_dir: Path, obj: str, key: str) -> list[Any]:
    return [r[key] for page in read_pages(out_dir, obj) for r in page]


def _sf_auth(h: Harness, **extra: Any) -> dict[str, Any]:
    return {
        "method": "refresh_token",
        "client_id": fake_salesforce.CLIENT_ID,
        "client_secret_env": "SF_CLIENT_SECRET",
        "refresh_token_env": "SF_REFRESH",
        "token_url": f"{h.url}/services/oauth2/token",
        **extra,
    }


def _no_secret_in(texts: list[str], secrets: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_salesforce_refresh_token_renews_mid_read_and_keeps_every_page(
    salesforce: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    salesforce.fake.token_uses = 2  # a session dies every second call
    caplog.set_level(logging.DEBUG)
    result = salesforce.fetch(
        tmp_path, env=SF_ENV, options={"auth": _sf_auth(salesforce)}, objects=["Account", "Contact"]
    )
    ids = _ids(tmp_path, "Account", "Id")
    assert ids == [f"001{i:012d}AAA" for i in range(250)]  # each live account exactly once
    assert result.records == {"Account": 250, "Contact": 30}
    # Account: 3 pages, Contact: 1 page = 4 data calls, tokens dying every 2 calls:
    # the third call is refused once, renewed and repeated on the same cursor.
    data_calls = [r for r in salesforce.fake.requests if r.path.startswith("/services/data")]
    refused = len(data_calls) - 4
    assert refused == 1 and len(salesforce.fake.grants) == 2
    assert {g["grant_type"] for g in salesforce.fake.grants} == {"refresh_token"}
    assert data_calls[2].path == data_calls[3].path  # the same page, asked again
    tokens = list(salesforce.fake.issued)
    _no_secret_in([r.getMessage() for r in caplog.records], SF_SECRETS + tokens)


def test_salesforce_bad_refresh_token_names_the_variable_not_the_value(
    salesforce: Harness, tmp_path: Path
) -> None:
    env = {**SF_ENV, "SF_REFRESH": "5Aep-revoked"}
    with pytest.raises(ConnectorAuthError) as info:
        salesforce.fetch(tmp_path, env=env, options={"auth": _sf_auth(salesforce)})
    message = str(info.value)
    assert "SF_REFRESH" in message and "invalid_grant" in message
    _no_secret_in([message], ["5Aep-revoked", fake_salesforce.CLIENT_SECRET])
    assert not list(tmp_path.glob("page-*"))


def test_salesforce_jwt_bearer_signs_an_rs256_assertion(
    salesforce: Harness, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("cryptography", reason="RS256 signing needs the cryptography package")
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    salesforce.fake.public_key = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key_file = tmp_path_factory.mktemp("keys") / "server.key"
    key_file.write_text(pem, encoding="utf-8")
    salesforce.fake.token_uses = 3
    auth = fake_salesforce.jwt_bearer_auth(str(key_file), salesforce.url)
    result = salesforce.fetch(tmp_path, env={}, options={"auth": auth}, objects=["Account"])
    assert _ids(tmp_path, "Account", "Id") == [f"001{i:012d}AAA" for i in range(250)]
    assert result.records == {"Account": 250}
    grant = salesforce.fake.grants[0]
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = jwt.decode(grant["assertion"], options={"verify_signature": False})
    assert claims["iss"] == fake_salesforce.CLIENT_ID
    assert claims["sub"] == fake_salesforce.USERNAME
    assert claims["aud"] == "https://login.salesforce.com"
    assert jwt.get_unverified_header(grant["assertion"])["alg"] == "RS256"


def _dyn_auth(authority: str, **extra: Any) -> dict[str, Any]:
    return {
        "method": "client_credentials",
        "tenant_id": fake_dynamics.TENANT,
        "client_id": fake_dynamics.CLIENT_ID,
        "client_secret_env": "DYN_SECRET",
        "authority": authority,
        **extra,
    }


DYN_ENV = {"DYN_SECRET": fake_dynamics.CLIENT_SECRET}


def test_dynamics_client_credentials_expired_ticket_mid_read(
    dynamics: Harness, entra: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dynamics.fake.token_uses = 2
    caplog.set_level(logging.DEBUG)
    result = dynamics.fetch(
        tmp_path, env=DYN_ENV, options={"auth": _dyn_auth(entra)}, objects=["accounts"]
    )
    assert _ids(tmp_path, "accounts", "accountid") == [fake_dynamics.guid(i) for i in range(250)]
    assert result.records == {"accounts": 250}
    grant = dynamics.fake.grants[0]
    assert grant["grant_type"] == "client_credentials"
    assert grant["scope"] == f"{dynamics.url}/.default"
    assert len(dynamics.fake.grants) == 2  # renewed once, on the 401 ExpiredAuthTicket
    # MSAL read the tenant's OpenID configuration once, over HTTPS, and asked Microsoft
    # nothing (no instance discovery: every request reached the fakes).
    assert dynamics.fake.discoveries == [fake_dynamics.TENANT]
    data_calls = [r for r in dynamics.fake.requests if "/api/data/" in r.path]
    assert len(data_calls) == 4  # 3 pages, the third refused once and asked again
    assert data_calls[2].query == data_calls[3].query
    tokens = list(dynamics.fake.issued)
    _no_secret_in([r.getMessage() for r in caplog.records], [fake_dynamics.CLIENT_SECRET, *tokens])


def test_dynamics_token_renewed_before_it_expires(
    dynamics: Harness, entra: str, tmp_path: Path
) -> None:
    # Entra's expires_in is shorter than the refresh margin: every call renews first
    # (MSAL's own cache would still hand the token out: it keeps it to 5 minutes before
    # expiry), so no call is ever refused.
    dynamics.fake.lifetime = 400
    auth = _dyn_auth(entra, refresh_margin_seconds=500)
    dynamics.fetch(tmp_path, env=DYN_ENV, options={"auth": auth}, objects=["accounts"])
    data_calls = [r for r in dynamics.fake.requests if "/api/data/" in r.path]
    assert len(data_calls) == 3  # 3 pages, none refused
    assert len(dynamics.fake.grants) == 3


def test_dynamics_token_kept_while_valid(dynamics: Harness, entra: str, tmp_path: Path) -> None:
    dynamics.fetch(tmp_path, env=DYN_ENV, options={"auth": _dyn_auth(entra)}, objects=["accounts"])
    assert len(dynamics.fake.grants) == 1  # one token for the 3 pages


def test_dynamics_wrong_client_secret(dynamics: Harness, entra: str, tmp_path: Path) -> None:
    with pytest.raises(ConnectorAuthError, match=r"DYN_SECRET.*invalid_client") as info:
        dynamics.fetch(tmp_path, env={"DYN_SECRET": "nope"}, options={"auth": _dyn_auth(entra)})
    assert "nope" not in str(info.value)
    assert "AADSTS7000215" in str(info.value)


def test_dynamics_unknown_tenant_is_one_line(dynamics: Harness, entra: str, tmp_path: Path) -> None:
    authority = entra.rsplit("/", 1)[0] + "/other-tenant"
    with pytest.raises(ConnectorAuthError, match="has no usable OpenID configuration") as info:
        dynamics.fetch(tmp_path, env=DYN_ENV, options={"auth": _dyn_auth(authority)})
    assert "\n" not in str(info.value)
    assert not list(tmp_path.glob("page-*"))


def test_dynamics_token_url_is_refused_for_msal(dynamics: Harness, tmp_path: Path) -> None:
    auth = _dyn_auth("https://login.microsoftonline.com/x", token_url="https://x/token")
    with pytest.raises(ConnectorConfigError, match="set options.auth.authority"):
        dynamics.fetch(tmp_path, env=DYN_ENV, options={"auth": auth})


def test_dynamics_untrusted_authority_certificate(
    dynamics: Harness, _entra_server: tuple[str, str], tmp_path: Path
) -> None:
    # Without the CA, the fake's certificate is refused: TLS is checked for real, and a
    # certificate is not something a retry fixes.
    url, _ = _entra_server
    with pytest.raises(ConnectorAuthError, match="TLS certificate is not trusted"):
        dynamics.fetch(
            tmp_path, env=DYN_ENV, options={"auth": _dyn_auth(f"{url}/{fake_dynamics.TENANT}")}
        )
    assert dynamics.sleeps == []


def test_hubspot_oauth_refresh_token_from_a_secrets_file(
    hubspot: Harness, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secrets = tmp_path_factory.mktemp("secrets") / "c360-secrets.toml"
    secrets.write_text(
        f'HS_SECRET = "{fake_hubspot.CLIENT_SECRET}"\nHS_REFRESH = "{fake_hubspot.REFRESH}"\n',
        encoding="utf-8",
    )
    hubspot.fake.token_uses = 2  # 3 pages: the third is refused once (EXPIRED_AUTHENTICATION)
    auth = fake_hubspot.refresh_token_auth(hubspot.url, secrets_file=str(secrets))
    result = hubspot.fetch(tmp_path, env={}, options={"auth": auth}, objects=["companies"])
    assert _ids(tmp_path, "companies", "id") == [str(1001 + i) for i in range(250)]
    assert result.records == {"companies": 250}
    assert len(hubspot.fake.grants) == 2


def test_a_secrets_file_inside_a_repository_is_refused(hubspot: Harness, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('HS_REFRESH = "x"\n', encoding="utf-8")
    auth = {
        "method": "refresh_token",
        "client_id": "c",
        "client_secret_env": "HS_SECRET",
        "refresh_token_env": "HS_REFRESH",
        "secrets_file": str(secrets),
    }
    with pytest.raises(ConnectorConfigError, match="inside a git repository"):
        hubspot.fetch(tmp_path / "out", env={}, options={"auth": auth})


def test_a_flow_the_vendor_does_not_offer_is_a_config_error(
    hubspot: Harness, tmp_path: Path
) -> None:
    with pytest.raises(ConnectorConfigError, match="client_credentials"):
        hubspot.fetch(tmp_path, env={}, options={"auth": {"method": "client_credentials"}})


def test_check_connection_one_line_per_vendor(vendor: Harness) -> None:
    source = vendor.source()
    line = check_connection(source, {vendor.token_env: vendor.fake.token})
    assert "\n" not in line and "reached with token auth" in line
    if vendor.system == "salesforce":
        assert "daily API requests 14990 of 15000 left" in line
    else:
        assert "readable (1 record(s) on the first page)" in line


def test_a_rotated_refresh_token_is_announced_never_shown(
    hubspot: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hubspot.fake.rotate = True
    hubspot.fake.token_uses = 1  # renewed for each of the 3 pages: each spends the last one
    auth = fake_hubspot.refresh_token_auth(hubspot.url)
    env = dict(fake_hubspot.REFRESH_ENV)
    with caplog.at_level(logging.INFO):
        hubspot.fetch(tmp_path, env=env, options={"auth": auth}, objects=["companies"])
    messages = [r.getMessage() for r in caplog.records]
    assert any("rotated the refresh token: store the new one in HS_REFRESH" in m for m in messages)
    assert _ids(tmp_path, "companies", "id") == [str(1001 + i) for i in range(250)]
    # Each renewal sent the refresh token the previous grant handed out.
    sent = [g["refresh_token"] for g in hubspot.fake.grants]
    assert sent == [fake_hubspot.REFRESH, "hs-refresh-rotated-1", "hs-refresh-rotated-2"]
    _no_secret_in(messages, ["hs-refresh-rotated", fake_hubspot.REFRESH, *hubspot.fake.issued])


def test_hubspot_refused_refresh_token_quotes_its_status(hubspot: Harness, tmp_path: Path) -> None:
    auth = fake_hubspot.refresh_token_auth(hubspot.url)
    env = {"HS_SECRET": fake_hubspot.CLIENT_SECRET, "HS_REFRESH": "revoked-refresh"}
    with pytest.raises(ConnectorAuthError) as info:
        hubspot.fetch(tmp_path, env=env, options={"auth": auth})
    message = str(info.value)
    assert "refused the credentials from HS_REFRESH" in message
    assert "BAD_REFRESH_TOKEN - missing or unknown refresh token" in message
    _no_secret_in([message], ["revoked-refresh", fake_hubspot.CLIENT_SECRET])


def test_a_busy_token_endpoint_is_retried_with_backoff(salesforce: Harness, tmp_path: Path) -> None:
    salesforce.fake.inject("503", retry_after="7")  # the first request: the token grant
    result = salesforce.fetch(
        tmp_path, env=SF_ENV, options={"auth": _sf_auth(salesforce)}, objects=["Account"]
    )
    assert salesforce.sleeps == [7.0]  # the endpoint's Retry-After
    assert result.records == {"Account": 250}
    assert _ids(tmp_path, "Account", "Id") == [f"001{i:012d}AAA" for i in range(250)]


def test_a_failing_entra_authority_is_retried_then_reported(
    dynamics: Harness, entra: str, tmp_path: Path
) -> None:
    dynamics.fake.inject("503")  # the OpenID configuration, once
    result = dynamics.fetch(
        tmp_path, env=DYN_ENV, options={"auth": _dyn_auth(entra)}, objects=["accounts"]
    )
    assert len(dynamics.sleeps) == 1 and result.records == {"accounts": 250}
    dynamics.sleeps.clear()
    dynamics.fake.inject("503", times=10)
    with pytest.raises(ConnectorUnavailableError, match="still failing after 3 attempts"):
        dynamics.fetch(
            tmp_path / "2",
            env=DYN_ENV,
            options={"auth": _dyn_auth(entra)},
            objects=["accounts"],
            max_attempts=3,
        )
    assert len(dynamics.sleeps) == 2
