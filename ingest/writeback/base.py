"""What every CRM writer shares: the record to write, the answer per record, the hook that
keeps a rejected write's body for its per-record message, and batching."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import httpx

from ingest.connectors.base import Connector, describe_error_body
from ingest.connectors.errors import ConnectorObjectMissing, ConnectorRequestError

JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
# Statuses that reject this write only (a bad field or value, a deleted record), not the
# connection: the record fails, the run goes on.
REJECTED = (400, 404, 409, 412, 422)
T = TypeVar("T")


@dataclass(frozen=True)
class RecordWrite:
    """One CRM record's changed fields: (CRM field, value key, canonical text or None)."""

    record_id: str
    values: tuple[tuple[str, str, str | None], ...]


# (record id, written, the vendor's reason when not)
Answer = tuple[str, bool, str | None]


class WriteRejected(ConnectorRequestError):
    """The vendor refused a write request (4xx): its parsed body names what and why."""

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        try:
            self.body: Any = response.json()
        except ValueError:
            self.body = None
        super().__init__(f"HTTP {self.status}: {describe_error_body(response)}")


def write_error_hook(
    vendor_hook: Callable[[httpx.Response], Exception | None],
    rejected: tuple[int, ...] = REJECTED,
) -> Callable[[httpx.Response], Exception | None]:
    """The connector's own mapping (quotas, concurrency), then 4xx as `WriteRejected`.

    A read's "no such object" (404/INVALID_TYPE) means, for a write, a refused record.
    """

    def hook(response: httpx.Response) -> Exception | None:
        mapped = vendor_hook(response)
        if mapped is not None and not isinstance(mapped, ConnectorObjectMissing):
            return mapped
        if response.status_code in rejected:
            return WriteRejected(response)
        return mapped

    return hook


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Writer(ABC):
    """Writes records' fields to one vendor through a connector's session (auth, retries)."""

    vendor: ClassVar[str]
    # The most records one request may carry (the vendor answers 400 past it).
    batch_limit: ClassVar[int] = 1
    rejected: ClassVar[tuple[int, ...]] = REJECTED

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.session = connector.session
        self.base_url = connector.base_url
        self.session.error_hook = write_error_hook(type(connector).error_hook, self.rejected)

    @abstractmethod
    def write(self, records: Sequence[RecordWrite]) -> Iterator[Answer]:
        """One answer per record; raises only when the vendor cannot be used at all
        (auth, retries exhausted, quota): the records not answered then failed."""
