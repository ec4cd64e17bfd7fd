"""Access tokens for the connectors, obtained and renewed the way each vendor documents.

`options.auth.method` of a source chooses the flow (default `token`):

- `token`: a static bearer token / API key in `api.token_env` (HubSpot private app,
  Odoo API key, or a token something else renews). Cannot be renewed: a 401 is final.
- `refresh_token` (Salesforce, HubSpot): OAuth 2.0 refresh-token grant at the token URL
  (`{login_url}/services/oauth2/token`, `https://api.hubapi.com/oauth/v1/token`).
- `jwt_bearer` (Salesforce): OAuth 2.0 JWT bearer flow, an RS256 assertion
  (iss = client id, sub = username, aud = login URL, exp ≤ 3 min) signed with the
  connected app's private key (PyJWT; RS256 needs the `cryptography` package).
- `client_credentials` (Dynamics 365 / Entra ID): `POST
  https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, scope `{org}/.default`.

Secrets are read from environment variables named in the options (`*_env`), else from
`options.auth.secrets_file` (a TOML file outside the repository: the same names as keys).
They are never logged and never part of an error message. A token is renewed
`refresh_margin_seconds` (default 300) before its `expires_in` runs out (Salesforce sends
no lifetime: `token_lifetime_seconds`, default 7200, its default session timeout), and once
more when the vendor answers 401 to a token believed valid.
"""

from __future__ import annotations

import logging
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import httpx

from ingest.connectors.errors import ConnectorAuthError, ConnectorConfigError

logger = logging.getLogger(__name__)

METHODS = ("token", "refresh_token", "jwt_bearer", "client_credentials")
SALESFORCE_LOGIN = "https://login.salesforce.com"
HUBSPOT_TOKEN_URL = "https://api.hubapi.com/oauth/v1/token"
ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class TokenProvider(Protocol):
    scheme: str
    origin: str  # where the secret comes from, for messages (variable or file, never value)

    def token(self) -> str: ...

    def renew(self) -> bool:
        """Forget the current token; True when a new one can be obtained."""
        ...


class StaticToken:
    def __init__(self, value: str, origin: str, scheme: str = "Bearer") -> None:
        self._value = value
        self.origin = origin
        self.scheme = scheme

    def token(self) -> str:
        return self._value

    def renew(self) -> bool:
        return False


class OAuthToken:
    """An access token from a token endpoint, cached until `margin` before it expires."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        vendor: str,
        token_url: str,
        form: Callable[[], dict[str, str]],
        origin: str,
        default_lifetime: float,
        margin: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.vendor = vendor
        self.token_url = token_url
        self.form = form
        self.origin = origin
        self.scheme = "Bearer"
        self.default_lifetime = default_lifetime
        self.margin = margin
        self.clock = clock
        self._value: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.issued = 0  # tokens obtained so far (tests and `sources check` read it)
        self.extra: dict[str, Any] = {}  # non-secret fields of the last answer (instance_url)
        self._last_form: dict[str, str] = {}

    def token(self) -> str:
        with self._lock:
            if self._value is None or self.clock() >= self._expires - self.margin:
                self._fetch()
            assert self._value is not None
            return self._value

    def renew(self) -> bool:
        with self._lock:
            self._value = None
        return True

    def _fetch(self) -> None:
        self._last_form = self.form()
        try:
            response = self.client.post(
                self.token_url, data=self._last_form, headers={"Accept": "application/json"}
            )
        except httpx.TransportError as exc:
            raise ConnectorAuthError(
                f"{self.vendor} token endpoint {self.token_url} unreachable: {type(exc).__name__}"
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            # OAuth error answers carry `error` and `error_description`, never a secret.
            error = body.get("error") if isinstance(body, dict) else None
            detail = body.get("error_description") if isinstance(body, dict) else None
            raise ConnectorAuthError(
                f"{self.vendor} token endpoint {self.token_url} refused the credentials "
                f"from {self.origin} (HTTP {response.status_code}: {error or 'no error code'}"
                f"{' - ' + str(detail) if detail else ''})"
            )
        lifetime = body.get("expires_in")
        try:
            seconds = float(lifetime) if lifetime is not None else self.default_lifetime
        except (TypeError, ValueError):
            seconds = self.default_lifetime
        sent = self._last_form.get("refresh_token")
        if sent and body.get("refresh_token") not in (None, sent):
            # Refresh-token rotation is on: the one we hold stops working after this use.
            logger.warning(
                "%s rotated the refresh token: store the new one in %s (the old one is spent)",
                self.vendor,
                self.origin,
            )
        self._value = str(body["access_token"])
        self._expires = self.clock() + seconds
        self.issued += 1
        self.extra = {k: v for k, v in body.items() if k in ("instance_url", "scope", "hub_id")}
        logger.info(
            "%s: new access token from %s (valid %.0f s)", self.vendor, self.origin, seconds
        )


class Secrets:
    """Named secrets: the environment first, then the secrets file (outside the repo)."""

    def __init__(self, env: Mapping[str, str], secrets_file: str | None, source: str) -> None:
        self.env = env
        self.source = source
        self.file: dict[str, Any] = {}
        self.path = Path(secrets_file).expanduser() if secrets_file else None
        if self.path is not None:
            self._load(self.path)

    def _load(self, path: Path) -> None:
        if not path.is_file():
            raise ConnectorConfigError(
                f"source {self.source!r}: secrets file {path} does not exist"
            )
        if _inside_repository(path):
            raise ConnectorConfigError(
                f"source {self.source!r}: secrets file {path} is inside a git repository; "
                "keep secrets outside it"
            )
        try:
            self.file = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConnectorConfigError(
                f"source {self.source!r}: secrets file {path} is not readable TOML "
                f"({type(exc).__name__})"
            ) from exc

    def get(self, name: str | None, what: str) -> str:
        if not name:
            raise ConnectorConfigError(f"source {self.source!r}: options.auth names no {what}")
        value = self.env.get(name) or self.file.get(name)
        if not isinstance(value, str) or not value.strip():
            where = f"the environment or {self.path}" if self.path else "the environment"
            raise ConnectorAuthError(
                f"{name} is not set in {where}: source {self.source!r} needs its {what} there"
            )
        return value.strip()

    def origin(self, *names: str | None) -> str:
        shown = ", ".join(n for n in names if n)
        return f"{shown} ({'environment / ' + str(self.path) if self.path else 'environment'})"


def _inside_repository(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in path.resolve().parents)


def make_token_provider(
    *,
    source: str,
    vendor: str,
    system: str,
    base_url: str,
    token_env: str | None,
    auth: Mapping[str, Any],
    env: Mapping[str, str],
    client: httpx.Client,
    scheme: str = "Bearer",
) -> TokenProvider:
    """The provider `options.auth` describes for one source (see the module docstring)."""
    method = str(auth.get("method", "token"))
    if method not in METHODS:
        raise ConnectorConfigError(
            f"source {source!r}: options.auth.method must be one of {', '.join(METHODS)}, "
            f"not {method!r}"
        )
    secrets = Secrets(env, auth.get("secrets_file"), source)
    if method == "token":
        if not token_env:
            raise ConnectorAuthError(
                f"source {source!r} ({vendor}) has no api.token_env: name the environment "
                "variable that holds its token"
            )
        return StaticToken(secrets.get(token_env, f"{vendor} token"), token_env, scheme)
    allowed = {
        "refresh_token": ("salesforce", "hubspot"),
        "jwt_bearer": ("salesforce",),
        "client_credentials": ("dynamics365",),
    }[method]
    if system not in allowed:
        raise ConnectorConfigError(
            f"source {source!r}: {vendor} does not document the {method} flow for its API "
            f"(use it with {', '.join(allowed)})"
        )
    margin = float(auth.get("refresh_margin_seconds", 300))
    lifetime = float(auth.get("token_lifetime_seconds", 7200))
    client_id = auth.get("client_id") or (
        secrets.get(auth.get("client_id_env"), "OAuth client id")
        if auth.get("client_id_env")
        else None
    )
    if not client_id:
        raise ConnectorConfigError(
            f"source {source!r}: options.auth needs client_id (or client_id_env)"
        )
    oauth = partial(OAuthToken, client, vendor=vendor, default_lifetime=lifetime, margin=margin)
    if method == "refresh_token":
        login = str(auth.get("login_url", SALESFORCE_LOGIN)).rstrip("/")
        default_url = (
            f"{login}/services/oauth2/token" if system == "salesforce" else HUBSPOT_TOKEN_URL
        )
        refresh_env = auth.get("refresh_token_env")
        secret_env = auth.get("client_secret_env")

        def refresh_form() -> dict[str, str]:
            form = {
                "grant_type": "refresh_token",
                "client_id": str(client_id),
                "refresh_token": secrets.get(refresh_env, "OAuth refresh token"),
            }
            if secret_env or system == "hubspot":
                form["client_secret"] = secrets.get(secret_env, "OAuth client secret")
            return form

        return oauth(
            token_url=str(auth.get("token_url", default_url)),
            form=refresh_form,
            origin=secrets.origin(refresh_env, secret_env),
        )
    if method == "jwt_bearer":
        login = str(auth.get("login_url", SALESFORCE_LOGIN)).rstrip("/")
        key_env, key_file = auth.get("private_key_env"), auth.get("private_key_file")
        username = auth.get("username")
        if not username or not (key_env or key_file):
            raise ConnectorConfigError(
                f"source {source!r}: the JWT bearer flow needs options.auth.username and "
                "private_key_env or private_key_file"
            )

        def jwt_form() -> dict[str, str]:
            import jwt  # PyJWT

            key = secrets.get(key_env, "private key (PEM)") if key_env else _read_key(key_file)
            claims = {
                "iss": str(client_id),
                "sub": str(username),
                "aud": str(auth.get("audience", login)),
                "exp": int(time.time()) + 180,
            }
            try:
                assertion = jwt.encode(claims, key, algorithm="RS256")
            except (NotImplementedError, ValueError, TypeError) as exc:
                raise ConnectorConfigError(
                    f"source {source!r}: cannot sign the JWT assertion with RS256 "
                    f"({type(exc).__name__}; PyJWT needs the cryptography package and a PEM "
                    "RSA private key)"
                ) from exc
            return {"grant_type": JWT_BEARER_GRANT, "assertion": assertion}

        return oauth(
            token_url=str(auth.get("token_url", f"{login}/services/oauth2/token")),
            form=jwt_form,
            origin=secrets.origin(key_env, key_file, f"user {username}"),
        )
    # client_credentials: Entra ID v2.0 endpoint, resource scope = the org URL + /.default
    tenant = auth.get("tenant_id")
    secret_env = auth.get("client_secret_env")
    if not tenant and "token_url" not in auth:
        raise ConnectorConfigError(f"source {source!r}: options.auth needs tenant_id")
    org = base_url.split("/api/data/")[0].rstrip("/")
    scope = str(auth.get("scope", f"{org}/.default"))

    def client_credentials_form() -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": str(client_id),
            "client_secret": secrets.get(secret_env, "client secret"),
            "scope": scope,
        }

    return oauth(
        token_url=str(auth.get("token_url", ENTRA_TOKEN_URL.format(tenant=tenant))),
        form=client_credentials_form,
        origin=secrets.origin(secret_env),
    )


def _read_key(path: str | None) -> str:
    assert path is not None
    key_path = Path(path).expanduser()
    if _inside_repository(key_path):
        raise ConnectorConfigError(
            f"private key {key_path} is inside a git repository; keep it outside"
        )
    try:
        return key_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConnectorConfigError(
            f"private key {key_path} is not readable ({type(exc).__name__})"
        ) from exc
