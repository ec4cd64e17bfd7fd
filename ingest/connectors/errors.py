"""Exceptions raised by the vendor API connectors: one root class, one subclass per cause.

Messages are written for the person running the nightly job: they name the vendor, the
environment variable or URL involved, and what the vendor said.
"""

from __future__ import annotations

from kernel.errors import C360Error


class ConnectorError(C360Error):
    """Root of every connector failure."""


class ConnectorConfigError(ConnectorError):
    """The source's configuration cannot drive a connector (no api section, unknown system)."""


class ConnectorAuthError(ConnectorError):
    """The token is missing, or the vendor refused it (401/403, Odoo AccessDenied)."""


class ConnectorRequestError(ConnectorError):
    """The vendor rejected the request itself (400, 404, 422, an RPC error envelope)."""


class ConnectorObjectMissing(ConnectorRequestError):
    """The tenant does not have this object (Salesforce Orders off): skipped with a warning."""


class ConnectorQuotaError(ConnectorError):
    """The vendor's daily (24-hour) API allocation is used up: no retry can help tonight."""


class ConnectorProtocolError(ConnectorError):
    """The vendor answered something this connector cannot read (not JSON, wrong shape)."""


class ConnectorUnavailableError(ConnectorError):
    """Rate limits, server errors or network failures persisted past the retry budget."""


class ConnectorTransientError(ConnectorError):
    """One failed attempt worth retrying; only escapes wrapped in ConnectorUnavailableError."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
