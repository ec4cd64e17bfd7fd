"""`c360 sources check` proves each OAuth flow against the vendors' fake token endpoints:
Salesforce JWT bearer (Authlib), HubSpot refresh token (Authlib), Dynamics 365 client
credentials at an Entra ID authority over HTTPS (MSAL), Odoo API key — one line each, the
secrets from the environment and a secrets file outside the repository, none printed.
"""

from __future__ import annotations

from pathlib import Path

import fake_dynamics
import fake_hubspot
import fake_salesforce
import pytest
from connector_harness import Harness
from test_connectors_live_auth import _rsa_key
from typer.testing import CliRunner, Result

from c360.cli import app


def _dynamics_source(dynamics: Harness, entra: str) -> str:
    """Dynamics 365 by client credentials at the fake Entra ID authority, its secret in
    DYN_SECRET."""
    return f"""
[[sources]]
name = "dyn"
system = "dynamics365"
role = "crm"
[sources.api]
base_url = "{dynamics.url}"
[sources.api.options.auth]
method = "client_credentials"
client_id = "{fake_dynamics.CLIENT_ID}"
client_secret_env = "DYN_SECRET"
authority = "{entra}"
"""


def _sources_check(tmp_path: Path, sources: str) -> Result:
    """`c360 sources check` on a config of these `[[sources]]`, data under tmp_path."""
    config = tmp_path / "c360.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n{sources}', encoding="utf-8")
    return CliRunner().invoke(app, ["sources", "check", "--config", str(config)])


def test_sources_check_proves_every_oauth_flow(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    salesforce: Harness,
    hubspot: Harness,
    dynamics: Harness,
    odoo: Harness,
    entra: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside = tmp_path_factory.mktemp("secrets")
    key_file, salesforce.fake.public_key = _rsa_key(outside)
    secrets = outside / "c360-secrets.toml"
    secrets.write_text(
        f'HS_SECRET = "{fake_hubspot.CLIENT_SECRET}"\nHS_REFRESH = "{fake_hubspot.REFRESH}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DYN_SECRET", fake_dynamics.CLIENT_SECRET)
    monkeypatch.setenv("COLUMNS", "300")  # one line per source, however long
    monkeypatch.setenv("ODOO_KEY", odoo.fake.token)
    for name in ("SALESFORCE_TOKEN", "HUBSPOT_TOKEN", "DYNAMICS_TOKEN", "ODOO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = _sources_check(
        tmp_path,
        f"""
[[sources]]
name = "sf"
system = "salesforce"
role = "crm"
[sources.api]
base_url = "{salesforce.url}"
[sources.api.options.auth]
method = "jwt_bearer"
client_id = "{fake_salesforce.CLIENT_ID}"
username = "{fake_salesforce.USERNAME}"
private_key_file = "{key_file}"
token_url = "{salesforce.url}/services/oauth2/token"

[[sources]]
name = "hs"
system = "hubspot"
role = "crm"
[sources.api]
base_url = "{hubspot.url}"
[sources.api.options.auth]
method = "refresh_token"
client_id = "{fake_hubspot.CLIENT_ID}"
client_secret_env = "HS_SECRET"
refresh_token_env = "HS_REFRESH"
secrets_file = "{secrets}"
token_url = "{hubspot.url}/oauth/v1/token"

{_dynamics_source(dynamics, entra)}
[[sources]]
name = "erp"
system = "odoo"
role = "erp"
[sources.api]
base_url = "{odoo.url}"
token_env = "ODOO_KEY"
database = "{odoo.api_defaults["database"]}"
""",
    )
    lines = [
        ln for ln in result.output.splitlines() if ln.split(":")[0] in ("sf", "hs", "dyn", "erp")
    ]
    assert lines == [
        "sf: Salesforce reached with jwt_bearer auth; daily API requests 14990 of 15000 left",
        "hs: HubSpot reached with refresh_token auth; companies readable (1 record(s) on the "
        "first page)",
        "dyn: Dynamics 365 reached with client_credentials auth; accounts readable (1 record(s) "
        "on the first page)",
        "erp: Odoo reached with token auth; res.partner readable (1 record(s) on the first page)",
    ], result.output
    assert result.exit_code == 0, result.output
    assert [g["grant_type"] for g in salesforce.fake.grants] == [
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    ]
    assert [g["grant_type"] for g in hubspot.fake.grants] == ["refresh_token"]
    assert [g["grant_type"] for g in dynamics.fake.grants] == ["client_credentials"]
    for secret in (
        fake_hubspot.CLIENT_SECRET,
        fake_hubspot.REFRESH,
        fake_dynamics.CLIENT_SECRET,
        odoo.fake.token,
        key_file.read_text(encoding="utf-8").splitlines()[1],
    ):
        assert secret not in result.output


def test_sources_check_names_a_refused_client_secret(
    tmp_path: Path, dynamics: Harness, entra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DYN_SECRET", "wrong-secret-value")
    monkeypatch.setenv("COLUMNS", "300")
    result = _sources_check(tmp_path, _dynamics_source(dynamics, entra))
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if ln.startswith("dyn: "))
    assert "refused the credentials from DYN_SECRET" in line and "invalid_client" in line
    assert "wrong-secret-value" not in result.output
    assert "Traceback" not in result.output
