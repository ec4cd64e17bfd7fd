"""Vendor API connectors: read HubSpot, Salesforce, Dynamics 365 and Odoo over httpx.

`fetch(source, out_dir, watermark=…, env=os.environ)` writes every page the vendor
returns as `page-<object>-<NNNNN>.json` (a JSON array of flat records) into `out_dir`
and returns a `FetchResult`. The caller lands those files like any other extract.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from ingest.connectors.base import (
    ApiSession,
    Connector,
    FetchResult,
    RetryPolicy,
    make_client,
    require_api,
    resolve_token,
)
from ingest.connectors.dynamics365 import Dynamics365Connector
from ingest.connectors.errors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorError,
    ConnectorProtocolError,
    ConnectorRequestError,
    ConnectorUnavailableError,
)
from ingest.connectors.hubspot import HubSpotConnector
from ingest.connectors.odoo import OdooConnector
from ingest.connectors.output import as_utc
from ingest.connectors.salesforce import SalesforceConnector
from warehouse.settings import SourceConfig

logger = logging.getLogger(__name__)

CONNECTORS: dict[str, type[Connector]] = {
    "hubspot": HubSpotConnector,
    "salesforce": SalesforceConnector,
    "dynamics365": Dynamics365Connector,
    "odoo": OdooConnector,
}

__all__ = [
    "CONNECTORS",
    "Connector",
    "ConnectorAuthError",
    "ConnectorConfigError",
    "ConnectorError",
    "ConnectorProtocolError",
    "ConnectorRequestError",
    "ConnectorUnavailableError",
    "FetchResult",
    "RetryPolicy",
    "fetch",
]


def fetch(
    source: SourceConfig,
    out_dir: Path,
    *,
    watermark: datetime | None,
    env: Mapping[str, str],
    retry: RetryPolicy | None = None,
) -> FetchResult:
    """Read `source`'s objects from its vendor API into page files under `out_dir`.

    The extract is incremental only when `source.extract == "incremental"` and a watermark
    is given (a full extract is what lets the landing see deletions); the result's
    `watermark` is the newest last-modified time seen, else the one passed in.
    Tokens come from `env[source.api.token_env]`; `retry` overrides the policy read from
    `source.api.options` (max_attempts, base_wait, max_wait, max_retry_after).
    """
    api = require_api(source)
    connector_cls = CONNECTORS.get(source.system)
    if connector_cls is None:
        raise ConnectorConfigError(
            f"source {source.name!r}: no API connector for system {source.system!r}; "
            f"available: {', '.join(sorted(CONNECTORS))}"
        )
    token_env, token = resolve_token(source, env, connector_cls.vendor)
    since = as_utc(watermark) if watermark is not None and source.extract == "incremental" else None
    policy = retry or RetryPolicy.from_options(api.options)
    timeout = float(api.options.get("timeout_seconds", 30.0))
    logger.info(
        "fetching %s from %s (%s)",
        source.name,
        connector_cls.vendor,
        "incremental since " + since.isoformat() if since else "full",
    )
    with make_client(timeout) as client:
        session = ApiSession(
            client,
            vendor=connector_cls.vendor,
            token_env=token_env,
            policy=policy,
            error_hook=connector_cls.error_hook,
        )
        return connector_cls(source, session, token).run(Path(out_dir), since)
