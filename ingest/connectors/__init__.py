"""Vendor API connectors: read HubSpot, Salesforce, Dynamics 365 and Odoo over httpx.

What every connector shares is here (auth, session and retries, errors, page files); each
vendor's own connector is `ingest/systems/<system>/connector.py` (ingest/systems/).

`fetch(source, out_dir, watermark=…, env=os.environ)` writes every page the vendor
returns as `page-<object>-<NNNNN>.json` (a JSON array of flat records) into `out_dir`
and returns a `FetchResult`. The caller lands those files like any other extract.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ingest import systems
from ingest.connectors.auth import make_token_provider
from ingest.connectors.base import (
    ApiSession,
    Connector,
    FetchResult,
    RetryPolicy,
    make_client,
    require_api,
)
from ingest.connectors.errors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorError,
    ConnectorObjectMissing,
    ConnectorProtocolError,
    ConnectorQuotaError,
    ConnectorRequestError,
    ConnectorUnavailableError,
)
from ingest.connectors.output import as_utc
from kernel.settings import SourceConfig

logger = logging.getLogger(__name__)

__all__ = [
    "Connector",
    "ConnectorAuthError",
    "ConnectorConfigError",
    "ConnectorError",
    "ConnectorObjectMissing",
    "ConnectorProtocolError",
    "ConnectorQuotaError",
    "ConnectorRequestError",
    "ConnectorUnavailableError",
    "FetchResult",
    "RetryPolicy",
    "check_connection",
    "connectors",
    "fetch",
]


def connectors() -> dict[str, type[Connector]]:
    """The API connectors by system: each system folder's connector.py (`CONNECTOR`)."""
    return systems.parts("connector", "CONNECTOR")


def _connector_class(source: SourceConfig) -> type[Connector]:
    available = connectors()
    connector_cls = available.get(source.system)
    if connector_cls is None:
        raise ConnectorConfigError(
            f"source {source.name!r}: no API connector for system {source.system!r}; "
            f"available: {', '.join(sorted(available))}"
        )
    return connector_cls


@contextmanager
def _connector(
    source: SourceConfig, env: Mapping[str, str], retry: RetryPolicy | None
) -> Iterator[Connector]:
    """The source's connector on one HTTP client, with its token provider and retries."""
    api = require_api(source)
    connector_cls = _connector_class(source)
    policy = retry or RetryPolicy.from_options(api.options)
    timeout = float(api.options.get("timeout_seconds", 30.0))
    with make_client(timeout) as client:
        provider = make_token_provider(
            source=source.name,
            vendor=connector_cls.vendor,
            system=source.system,
            base_url=api.base_url,
            token_env=api.token_env,
            auth=api.options.get("auth") or {},
            env=env,
            client=client,
            scheme=connector_cls.auth_scheme,
        )
        session = ApiSession(
            client,
            vendor=connector_cls.vendor,
            token_env=api.token_env or provider.origin,
            policy=policy,
            error_hook=connector_cls.error_hook,
            auth=provider,
        )
        try:
            yield connector_cls(source, session)
        finally:
            provider.close()


def fetch(
    source: SourceConfig,
    out_dir: Path,
    *,
    watermark: datetime | None,
    env: Mapping[str, str],
    retry: RetryPolicy | None = None,
    cursors: Mapping[str, str] | None = None,
) -> FetchResult:
    """Read `source`'s objects from its vendor API into page files under `out_dir`.

    The extract is incremental only when `source.extract == "incremental"` and a watermark
    is given (a full extract is what lets the landing see deletions); an incremental read
    starts the connector's safety margin before the watermark. The result's `watermark`
    is the newest last-modified time seen, else the one passed in. Tokens come from
    `options.auth` (auth.py: a static token in `env[api.token_env]` by default); `retry`
    overrides the policy read from `source.api.options` (max_attempts, base_wait, max_wait,
    max_retry_after). `cursors`: the change cursors the last run kept (Dynamics 365 delta
    links), followed by an incremental read.
    """
    require_api(source)
    incremental = watermark is not None and source.extract == "incremental"
    mark = as_utc(watermark) if incremental and watermark is not None else None
    with _connector(source, env, retry) as connector:
        if mark is not None:
            connector.cursors = dict(cursors or {})
        logger.info(
            "fetching %s from %s (%s)",
            source.name,
            connector.vendor,
            f"incremental from {mark.isoformat()} less {connector.margin()}" if mark else "full",
        )
        return connector.run(Path(out_dir), mark)


def check_connection(
    source: SourceConfig, env: Mapping[str, str], retry: RetryPolicy | None = None
) -> str:
    """Obtain a token and read one record: one line saying what works (raises otherwise)."""
    with _connector(source, env, retry) as connector:
        detail = connector.probe()
        auth = (require_api(source).options.get("auth") or {}).get("method", "token")
        return f"{connector.vendor} reached with {auth} auth; {detail}"


# The same connector setup (auth, retries, client) for other users of a vendor API
# (ingest/writeback/ writes through it).
open_connector = _connector
