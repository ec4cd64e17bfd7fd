"""Access tokens for the connectors, obtained and renewed with the vendors' OAuth libraries.

`options.auth.method` of a source chooses the flow (default `token`):

- `token`: a static bearer token / API key in `api.token_env` (HubSpot private app,
  Odoo API key, or a token something else renews). Cannot be renewed: a 401 is final.
- `refresh_token` (Salesforce, HubSpot): OAuth 2.0 refresh-token grant at the token URL
  (`{login_url}/services/oauth2/token`, `https://api.hubapi.com/oauth/v1/token`), through
  Authlib's `OAuth2Session` (client id and secret in the form body, as both vendors ask).
- `jwt_bearer` (Salesforce): OAuth 2.0 JWT bearer flow (RFC 7523) through Authlib's
  `AssertionSession`: an RS256 assertion (iss = client id, sub = username, aud = login
  URL, exp 3 min, Salesforce's limit) signed with the connected app's private key.
- `client_credentials` (Dynamics 365 / Entra ID): MSAL's `ConfidentialClientApplication.
  acquire_token_for_client`, scope `{org}/.default`, at the authority
  `https://login.microsoftonline.com/{tenant}` (or `options.auth.authority`). MSAL reads the
  authority's `/v2.0/.well-known/openid-configuration`; instance discovery (a call to
  Microsoft asking whether the authority host is known) is off: the authority is configured.

Authlib's requests integration is used rather than its httpx one, which is deprecated in
favour of the separate httpx2 package; MSAL speaks through the connector's own httpx client.

Secrets are read from environment variables named in the options (`*_env`), else from
`options.auth.secrets_file` (a TOML file outside the repository: the same names as keys).
They are never logged and never part of an error message. A token endpoint that is busy
or down (429, 5xx, no connection, `temporarily_unavailable`) is retried with the source's
backoff like any call (ConnectorTransientError). A token is renewed
`refresh_margin_seconds` (default 300) before its `expires_in` runs out (Salesforce sends
no lifetime: `token_lifetime_seconds`, default 7200, its default session timeout), and once
more when the vendor answers 401 to a token believed valid.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx

if TYPE_CHECKING:
    # The OAuth libraries load only when a flow needs them (about half a second).
    import msal
    import requests

from ingest.connectors.errors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorTransientError,
)

logger = logging.getLogger(__name__)

METHODS = ("token", "refresh_token", "jwt_bearer", "client_credentials")
SALESFORCE_LOGIN = "https://login.salesforce.com"
HUBSPOT_TOKEN_URL = "https://api.hubapi.com/oauth/v1/token"
ENTRA_AUTHORITY = "https://login.microsoftonline.com/{tenant}"
# Salesforce refuses a JWT bearer assertion whose `exp` is more than 3 minutes away.
JWT_ASSERTION_SECONDS = 180
# RFC 6749 error codes that mean "try again later", not "these credentials are wrong".
TRANSIENT_ERRORS = ("temporarily_unavailable", "server_error")

TokenAnswer = Mapping[str, Any]
SessionT = TypeVar("SessionT", bound="requests.Session")


class TokenProvider(Protocol):
    scheme: str
    origin: str  # where the secret comes from, for messages (variable or file, never value)

    def token(self) -> str: ...

    def renew(self) -> bool:
        """Forget the current token; True when a new one can be obtained."""
        ...

    def close(self) -> None: ...


class StaticToken:
    def __init__(self, value: str, origin: str, scheme: str = "Bearer") -> None:
        self._value = value
        self.origin = origin
        self.scheme = scheme

    def token(self) -> str:
        return self._value

    def renew(self) -> bool:
        return False

    def close(self) -> None:
        return None


class OAuthToken:
    """An access token from an OAuth library, cached until `margin` before it expires.

    `obtain` asks the library for a new token (the answer's `access_token`, `expires_in`);
    `forget` drops whatever the library caches itself (MSAL keeps tokens until 5 minutes
    before expiry), so a renewal — margin reached or a 401 — always gets a new one.
    """

    def __init__(
        self,
        *,
        vendor: str,
        obtain: Callable[[], TokenAnswer],
        origin: str,
        default_lifetime: float,
        margin: float,
        forget: Callable[[], None] = lambda: None,
        close: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.vendor = vendor
        self.obtain = obtain
        self.forget = forget
        self._close = close
        self.origin = origin
        self.scheme = "Bearer"
        self.default_lifetime = default_lifetime
        self.margin = margin
        self.clock = clock
        self._value: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

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

    def close(self) -> None:
        self._close()

    def _fetch(self) -> None:
        self.forget()
        answer = self.obtain()
        lifetime = answer.get("expires_in")
        try:
            seconds = float(lifetime) if lifetime is not None else self.default_lifetime
        except (TypeError, ValueError):
            seconds = self.default_lifetime
        self._value = str(answer["access_token"])
        self._expires = self.clock() + seconds
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


def _refused(vendor: str, endpoint: str, origin: str, error: str, detail: str | None) -> str:
    # OAuth error answers carry `error` and `error_description`, never a secret; Entra's
    # description runs on with trace ids, its first line says what is wrong.
    first = (detail or "").strip().splitlines()[0][:200] if detail else ""
    return (
        f"{vendor} token endpoint {endpoint} refused the credentials from {origin} "
        f"({error}{' - ' + first if first else ''})"
    )


def _unreachable(vendor: str, what: str, exc: BaseException) -> Exception:
    """No answer: transient (retried), unless the server's certificate is not trusted."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return ConnectorAuthError(
                f"{vendor} {what}: its TLS certificate is not trusted ({cause.verify_message}); "
                "a private CA is added with SSL_CERT_FILE"
            )
        cause = cause.__cause__ or cause.__context__
    return ConnectorTransientError(f"{vendor} {what} unreachable: {type(exc).__name__}")


def _authlib_answer(
    vendor: str, endpoint: str, origin: str, call: Callable[[], TokenAnswer]
) -> TokenAnswer:
    """One Authlib token request, its failures mapped to one line naming no secret.

    A busy or failing endpoint (429, 5xx, no connection, `temporarily_unavailable`) is a
    ConnectorTransientError, retried with backoff by the session like any call.
    """
    import requests
    from authlib.integrations.base_client import OAuthError

    from ingest.connectors.base import parse_retry_after  # base imports this module

    try:
        answer = call()
    except OAuthError as exc:
        error = str(exc.error or "oauth_error")
        message = _refused(vendor, endpoint, origin, error, exc.description)
        if error in TRANSIENT_ERRORS:
            raise ConnectorTransientError(message) from None
        raise ConnectorAuthError(message) from None
    except requests.HTTPError as exc:
        response = exc.response
        status = response.status_code if response is not None else 0
        message = f"{vendor} token endpoint {endpoint} answered HTTP {status or '?'}"
        if status == 429 or status >= 500:
            wait = parse_retry_after(
                response.headers.get("Retry-After") if response is not None else None
            )
            raise ConnectorTransientError(message, retry_after=wait) from None
        raise ConnectorAuthError(
            _refused(vendor, endpoint, origin, f"HTTP {status}", None)
        ) from None
    except requests.RequestException as exc:
        raise _unreachable(vendor, f"token endpoint {endpoint}", exc) from None
    except ValueError:
        raise ConnectorAuthError(
            f"{vendor} token endpoint {endpoint} answered something that is not a token"
        ) from None
    if "access_token" not in answer:
        # HubSpot answers its refusals as {"status": "BAD_REFRESH_TOKEN", "message": …}.
        error = str(answer.get("status") or "no access_token")
        raise ConnectorAuthError(_refused(vendor, endpoint, origin, error, answer.get("message")))
    return answer


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
    client_id = auth.get("client_id") or (
        secrets.get(auth.get("client_id_env"), "OAuth client id")
        if auth.get("client_id_env")
        else None
    )
    if not client_id:
        raise ConnectorConfigError(
            f"source {source!r}: options.auth needs client_id (or client_id_env)"
        )
    flow = Flow(
        source=source,
        vendor=vendor,
        auth=auth,
        secrets=secrets,
        client=client,
        client_id=str(client_id),
    )
    if method == "refresh_token":
        return flow.refresh_token(system)
    if method == "jwt_bearer":
        return flow.jwt_bearer()
    return flow.client_credentials(base_url)


class Flow:
    """Builds one source's OAuthToken around the library that speaks its vendor's flow."""

    def __init__(
        self,
        *,
        source: str,
        vendor: str,
        auth: Mapping[str, Any],
        secrets: Secrets,
        client: httpx.Client,
        client_id: str,
    ) -> None:
        self.source = source
        self.vendor = vendor
        self.auth = auth
        self.secrets = secrets
        self.client = client
        self.client_id = client_id
        self.margin = float(auth.get("refresh_margin_seconds", 300))
        self.lifetime = float(auth.get("token_lifetime_seconds", 7200))
        self.timeout = client.timeout.read or 30.0
        self.login = str(auth.get("login_url", SALESFORCE_LOGIN)).rstrip("/")

    def _session(self, session: SessionT) -> SessionT:
        session.headers["User-Agent"] = self.client.headers.get("User-Agent", "c360")
        session.trust_env = self.client.trust_env
        return session

    def _token(self, obtain: Callable[[], TokenAnswer], origin: str, **kwargs: Any) -> OAuthToken:
        return OAuthToken(
            vendor=self.vendor,
            obtain=obtain,
            origin=origin,
            default_lifetime=self.lifetime,
            margin=self.margin,
            **kwargs,
        )

    def refresh_token(self, system: str) -> OAuthToken:
        from authlib.integrations.requests_client import OAuth2Session

        default_url = (
            f"{self.login}/services/oauth2/token" if system == "salesforce" else HUBSPOT_TOKEN_URL
        )
        url = str(self.auth.get("token_url", default_url))
        refresh_env = self.auth.get("refresh_token_env")
        secret_env = self.auth.get("client_secret_env")
        origin = self.secrets.origin(refresh_env, secret_env)
        # HubSpot always wants the client secret; a Salesforce connected app may not.
        needs_secret = bool(secret_env) or system == "hubspot"
        session = self._session(
            OAuth2Session(
                self.client_id,
                self.secrets.get(secret_env, "OAuth client secret") if needs_secret else None,
                token_endpoint_auth_method="client_secret_post" if needs_secret else "none",
                default_timeout=self.timeout,
            )
        )

        rotated: list[str] = []  # a refresh token the vendor replaced ours with, this run

        def obtain() -> TokenAnswer:
            sent = rotated[-1] if rotated else self.secrets.get(refresh_env, "OAuth refresh token")
            answer = _authlib_answer(
                self.vendor, url, origin, lambda: session.refresh_token(url, refresh_token=sent)
            )
            new = answer.get("refresh_token")
            if isinstance(new, str) and new != sent:
                # Refresh-token rotation is on: the one we held is spent. The new one serves
                # the rest of this run; only a person can store it for the next.
                rotated.append(new)
                logger.warning(
                    "%s rotated the refresh token: store the new one in %s (the old one is spent)",
                    self.vendor,
                    origin,
                )
            return answer

        return self._token(obtain, origin, close=session.close)

    def jwt_bearer(self) -> OAuthToken:
        from authlib.integrations.requests_client import AssertionSession
        from joserfc.errors import JoseError
        from joserfc.jwk import RSAKey

        key_env, key_file = self.auth.get("private_key_env"), self.auth.get("private_key_file")
        username = self.auth.get("username")
        if not username or not (key_env or key_file):
            raise ConnectorConfigError(
                f"source {self.source!r}: the JWT bearer flow needs options.auth.username and "
                "private_key_env or private_key_file"
            )
        pem = self.secrets.get(key_env, "private key (PEM)") if key_env else _read_key(key_file)
        try:
            key = RSAKey.import_key(pem)
        except (ValueError, TypeError, JoseError) as exc:
            raise ConnectorConfigError(
                f"source {self.source!r}: the JWT bearer private key from "
                f"{key_env or key_file} is not a PEM RSA private key ({type(exc).__name__})"
            ) from None
        url = str(self.auth.get("token_url", f"{self.login}/services/oauth2/token"))
        session = self._session(
            AssertionSession(
                token_endpoint=url,
                issuer=self.client_id,
                subject=str(username),
                audience=str(self.auth.get("audience", self.login)),
                key=key,
                header={"alg": "RS256"},
                expires_in=JWT_ASSERTION_SECONDS,
                default_timeout=self.timeout,
            )
        )
        origin = self.secrets.origin(key_env, key_file, f"user {username}")

        def obtain() -> TokenAnswer:
            # Each call signs a fresh assertion: there is no refresh token in this flow.
            return _authlib_answer(self.vendor, url, origin, session.refresh_token)

        return self._token(obtain, origin, close=session.close)

    def client_credentials(self, base_url: str) -> OAuthToken:
        import msal

        tenant = self.auth.get("tenant_id")
        if "token_url" in self.auth:
            raise ConnectorConfigError(
                f"source {self.source!r}: client_credentials reads its token endpoint from "
                "the authority's OpenID configuration: set options.auth.authority, not token_url"
            )
        if not tenant and "authority" not in self.auth:
            raise ConnectorConfigError(f"source {self.source!r}: options.auth needs tenant_id")
        authority = str(self.auth.get("authority", ENTRA_AUTHORITY.format(tenant=tenant)))
        secret_env = self.auth.get("client_secret_env")
        org = base_url.split("/api/data/")[0].rstrip("/")
        scopes = [str(self.auth.get("scope", f"{org}/.default"))]
        origin = self.secrets.origin(secret_env)
        apps: list[msal.ConfidentialClientApplication] = []

        @contextmanager
        def calling_authority() -> Iterator[None]:
            # Whichever MSAL call meets it, an unreachable authority or one answering 5xx
            # (MSAL raises MsalServiceError then) is down for now.
            try:
                yield
            except httpx.TransportError as exc:
                raise _unreachable(self.vendor, f"authority {authority}", exc) from None
            except msal.exceptions.MsalServiceError as exc:
                raise ConnectorTransientError(
                    f"{self.vendor} authority {authority} failing: {str(exc)[:200]}"
                ) from None

        def app() -> msal.ConfidentialClientApplication:
            # Built at the first token: MSAL reads the authority's OpenID configuration then.
            if not apps:
                try:
                    with calling_authority():
                        apps.append(
                            msal.ConfidentialClientApplication(
                                self.client_id,
                                client_credential=self.secrets.get(secret_env, "client secret"),
                                authority=authority,
                                http_client=self.client,
                                instance_discovery=False,
                            )
                        )
                except ValueError as exc:
                    raise ConnectorAuthError(
                        f"{self.vendor} authority {authority} has no usable OpenID "
                        f"configuration: {str(exc).splitlines()[0][:200]}"
                    ) from None
            return apps[0]

        def obtain() -> TokenAnswer:
            application = app()
            with calling_authority():
                answer = application.acquire_token_for_client(scopes=scopes)
            if not isinstance(answer, Mapping) or "access_token" not in answer:
                answer = answer if isinstance(answer, Mapping) else {}
                error = str(answer.get("error", "no access_token"))
                message = _refused(
                    self.vendor, authority, origin, error, answer.get("error_description")
                )
                if error in TRANSIENT_ERRORS:
                    raise ConnectorTransientError(message)
                raise ConnectorAuthError(message)
            return answer

        def forget() -> None:
            if apps:
                apps[0].remove_tokens_for_client()

        return self._token(obtain, origin, forget=forget)


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
