"""Shared mechanics of the vendor API connectors.

- `make_client`: the one `httpx.Client` shape (timeouts, User-Agent `c360/0.1`).
- `RetryPolicy` + `ApiSession`: every HTTP call goes through tenacity; 429 honours
  `Retry-After` (seconds or HTTP date), 5xx and network errors back off exponentially,
  a 401 renews the token (auth.py) and repeats the same request once, 401/403 then become
  `ConnectorAuthError`, a body that is not JSON `ConnectorProtocolError`.
- `Connector`: the base class each vendor module fills in with `pages()`; `run()` writes
  every page as `page-<object>-<NNNNN>.json`, starts incremental reads a safety margin
  before the watermark, writes each record once and tracks the new watermark.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import httpx
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type
from tenacity import stop_after_attempt as _stop_after_attempt

from ingest.connectors.auth import TokenProvider
from ingest.connectors.errors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorObjectMissing,
    ConnectorProtocolError,
    ConnectorRequestError,
    ConnectorTransientError,
    ConnectorUnavailableError,
)
from ingest.connectors.output import parse_timestamp, write_page
from kernel.settings import ApiSourceConfig, SourceConfig

logger = logging.getLogger(__name__)

USER_AGENT = "c360/0.1"
T = TypeVar("T")
Record = dict[str, Any]
ErrorHook = Callable[[httpx.Response], Exception | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests pass `sleep=lambda s: None` (or a recorder) to skip waiting."""

    max_attempts: int = 5
    base_wait: float = 1.0
    max_wait: float = 60.0
    # A Retry-After longer than this (a daily quota, say) fails the run instead of waiting.
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> RetryPolicy:
        known = ("max_attempts", "base_wait", "max_wait", "max_retry_after")
        return cls(**{k: options[k] for k in known if k in options})


def names(text: str) -> tuple[str, ...]:
    """A field list written as whitespace-separated names (keeps the constants readable)."""
    return tuple(text.split())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def make_client(timeout: float = 30.0) -> httpx.Client:
    """The HTTP client every connector uses; auth headers are added per request."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def describe_error_body(response: httpx.Response, limit: int = 300) -> str:
    """The vendor's own error message when it sent one, else the first bytes of the body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:limit] if text else "(empty body)"
    items = body if isinstance(body, list) else [body]
    messages = []
    for item in items:
        if not isinstance(item, dict):
            continue
        error = item.get("error")
        inner: dict[str, Any] = error if isinstance(error, dict) else item
        message = inner.get("message") or inner.get("error_description")
        code = inner.get("errorCode") or inner.get("code") or inner.get("category")
        if message:
            messages.append(f"{message} [{code}]" if code else str(message))
    return "; ".join(messages)[:limit] if messages else str(body)[:limit]


class _Unauthorized(Exception):
    """A 401: the session renews the token once before it becomes a ConnectorAuthError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiSession:
    """One vendor's HTTP calls: retries, error mapping and JSON decoding in one place."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        vendor: str,
        token_env: str,
        policy: RetryPolicy | None = None,
        error_hook: ErrorHook | None = None,
        auth: TokenProvider | None = None,
    ) -> None:
        self.client = client
        self.vendor = vendor
        self.token_env = token_env
        self.policy = policy or RetryPolicy()
        self.error_hook = error_hook
        self.auth = auth
        # The vendor's clock at its first answer (Date header): no change made after the
        # read began can carry an older stamp, so the next watermark never passes it.
        self.server_start: datetime | None = None

    def request(self, method: str, url: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        """One call with retries; with `auth`, the provider's token goes in `Authorization`.

        A 401 renews the token once and sends the same request again, so an expiry in the
        middle of a read costs one call, never the pages already read.
        """
        renewed = False
        while True:
            if auth and self.auth is not None:
                headers = dict(kwargs.get("headers") or {})
                # A token endpoint that is busy or down is retried like any other call.
                token = self._with_retries(self.auth.token)
                headers["Authorization"] = f"{self.auth.scheme} {token}"
                kwargs["headers"] = headers
            try:
                return self._with_retries(self._send_once, method, url, **kwargs)
            except _Unauthorized as exc:
                if renewed or not auth or self.auth is None or not self.auth.renew():
                    raise ConnectorAuthError(exc.message) from None
                renewed = True
                logger.info("%s answered 401: renewing the token and retrying", self.vendor)

    def _with_retries(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        retrying = Retrying(
            stop=_stop_after_attempt(self.policy.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(ConnectorTransientError),
            sleep=self.policy.sleep,
            before_sleep=self._log_retry,
        )
        try:
            return retrying(call, *args, **kwargs)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise ConnectorUnavailableError(
                f"{self.vendor} still failing after {self.policy.max_attempts} attempts: {last}"
            ) from last

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.request(method, url, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise ConnectorProtocolError(
                f"{self.vendor} sent a body that is not valid JSON from {method} "
                f"{response.request.url} (HTTP {response.status_code}, "
                f"{len(response.content)} bytes, starts {response.content[:80]!r})"
            ) from exc

    def _send_once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise ConnectorTransientError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
        if self.server_start is None:
            self.server_start = _http_date(response.headers.get("Date"))
        status = response.status_code
        if self.error_hook is not None and status >= 400:
            mapped = self.error_hook(response)
            if mapped is not None:
                raise mapped
        if status == 429 or status >= 500:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            detail = f"HTTP {status} on {method} {url}: {describe_error_body(response)}"
            if wait is not None and wait > self.policy.max_retry_after:
                raise ConnectorUnavailableError(
                    f"{self.vendor} asks to wait {wait:.0f} s (Retry-After), more than the "
                    f"{self.policy.max_retry_after:.0f} s allowed: {detail}"
                )
            raise ConnectorTransientError(detail, retry_after=wait)
        if status in (401, 403):
            origin = self.auth.origin if self.auth is not None else self.token_env
            message = (
                f"{self.vendor} refused the token in {origin} ({status}): "
                f"{describe_error_body(response)}"
            )
            if status == 401:
                raise _Unauthorized(message)
            raise ConnectorAuthError(message)
        if status >= 400:
            raise ConnectorRequestError(
                f"{self.vendor} rejected {method} {url} ({status}): {describe_error_body(response)}"
            )
        return response

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ConnectorTransientError) and exc.retry_after is not None:
            return exc.retry_after
        backoff = self.policy.base_wait * 2 ** (state.attempt_number - 1)
        return float(min(self.policy.max_wait, backoff))

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.warning(
            "%s attempt %d failed (%s); retrying in %.1f s",
            self.vendor,
            state.attempt_number,
            exc,
            wait,
        )


@dataclass
class FetchResult:
    """What one `fetch` wrote: files in order, records per object, the next watermark.

    `since` is where the read started (the watermark less the safety margin);
    `skipped` names objects the tenant does not have, with the vendor's reason.
    """

    files: list[Path] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    watermark: datetime | None = None
    extract: Literal["full", "incremental"] = "full"
    since: datetime | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    # Per object, the vendor's opaque change cursor for the next incremental read
    # (Dynamics 365 delta link); saved with the watermark.
    cursors: dict[str, str] = field(default_factory=dict)
    # Per file, its extract kind: an incremental run reads an object in full when the
    # vendor's change feed cannot cover the gap (an expired delta link), and that full
    # extract is what lets the landing see the deletions the feed lost.
    kinds: dict[Path, Literal["full", "incremental"]] = field(default_factory=dict)

    def kind_of(self, path: Path) -> Literal["full", "incremental"]:
        return self.kinds.get(path, self.extract)


def require_api(source: SourceConfig) -> ApiSourceConfig:
    if source.api is None:
        raise ConnectorConfigError(f"source {source.name!r} has no [sources.api] section")
    return source.api


class Connector(ABC):
    """A vendor API reader: subclasses list their objects and yield flat pages."""

    vendor: ClassVar[str]
    default_objects: ClassVar[tuple[str, ...]]
    fields: ClassVar[Mapping[str, tuple[str, ...]]]
    modified_field: ClassVar[str]  # flat key of each record's last-modified timestamp
    id_field: ClassVar[str]  # flat key of each record's id (per-object: `key_for`)
    default_page_size: ClassVar[int]
    max_page_size: ClassVar[int]
    # How far before the last watermark an incremental read starts: rows that commit
    # after a newer one was read carry an older stamp (see each vendor's module).
    default_margin: ClassVar[timedelta]
    auth_scheme: ClassVar[str] = "Bearer"

    def __init__(self, source: SourceConfig, session: ApiSession) -> None:
        self.source = source
        self.api = require_api(source)
        self.session = session
        self.base_url = self.api.base_url.rstrip("/")
        self.objects = list(self.api.objects or self.default_objects)
        self.page_size = min(self.api.page_size or self.default_page_size, self.max_page_size)
        # Change cursors kept by the last run (read by incremental reads only), and the
        # ones this read hands to the next.
        self.cursors: dict[str, str] = {}
        self.next_cursors: dict[str, str] = {}
        # Objects an incremental read had to read in full (see FetchResult.kinds).
        self.full_reads: set[str] = set()

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        """Vendor-specific status mapping before the generic one; None = no opinion."""
        return None

    def key_for(self, obj: str) -> str:
        return self.id_field

    def margin(self) -> timedelta:
        minutes = self.api.options.get("watermark_margin_minutes")
        return self.default_margin if minutes is None else timedelta(minutes=float(minutes))

    def fields_for(self, obj: str) -> list[str]:
        """Module constant, replaced by options.fields[obj] or extended by extra_fields."""
        options = self.api.options
        chosen = options.get("fields", {}).get(obj) or list(self.fields.get(obj, ()))
        extra = [f for f in options.get("extra_fields", {}).get(obj, []) if f not in chosen]
        return list(chosen) + extra

    @abstractmethod
    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        """Yield the flat records of `obj`, one list per vendor page (all if since is None)."""

    def probe(self) -> str:
        """One cheap authenticated read proving the connection; a short description."""
        obj = self.objects[0]
        saved, self.page_size = self.page_size, 1
        try:
            first = next(iter(self.pages(obj, None)), [])
        finally:
            self.page_size = saved
        return f"{obj} readable ({len(first)} record(s) on the first page)"

    def run(self, out_dir: Path, watermark: datetime | None) -> FetchResult:
        """Write every page; an incremental read starts `margin()` before `watermark`.

        A record met twice in one read (edited while the read ran, so it moved to a later
        page or window) is written once: a repeated id inside one extract is a reject in
        staging. The later copy is newer, so the new watermark stays below its stamp and
        the next run reads it again. The new watermark never passes the moment the read
        began (the vendor's Date header), so edits made during the read are read next run.
        """
        started = datetime.now(UTC)
        since = watermark - self.margin() if watermark is not None else None
        result = FetchResult(
            watermark=watermark, extract="incremental" if watermark else "full", since=since
        )
        ceiling: datetime | None = None
        out_dir.mkdir(parents=True, exist_ok=True)
        for obj in self.objects:
            key = self.key_for(obj)
            seen: set[Any] = set()
            result.records[obj] = 0
            number = 0
            try:
                for records in self.pages(obj, since):
                    fresh = []
                    for record in records:
                        stamp = parse_timestamp(record.get(self.modified_field))
                        if record.get(key) in seen:
                            result.duplicates[obj] = result.duplicates.get(obj, 0) + 1
                            if stamp is not None and (ceiling is None or stamp < ceiling):
                                ceiling = stamp
                            continue
                        seen.add(record.get(key))
                        fresh.append(record)
                        if stamp is not None and (
                            result.watermark is None or stamp > result.watermark
                        ):
                            result.watermark = stamp
                    kind: Literal["full", "incremental"] = (
                        "full" if obj in self.full_reads else result.extract
                    )
                    if not fresh:
                        # A file of no rows has no header to recognise and would be refused
                        # (an empty delta, a tenant with no tickets yet): nothing is landed.
                        # So a full read that finds no record at all marks none deleted: an
                        # object whose every record went keeps its last rows until one
                        # comes back (the landing cannot tell "none" from "not read").
                        continue
                    number += 1
                    path = write_page(out_dir, obj, number, fresh)
                    result.files.append(path)
                    result.kinds[path] = kind
                    result.records[obj] += len(fresh)
            except ConnectorObjectMissing as exc:
                if obj in self.api.objects:  # asked for by name: a typo must not pass
                    raise
                # One line in the run's log (Salesforce quotes the query over several).
                reason = " ".join(str(exc).split())
                logger.warning("%s: skipping %s: %s", self.vendor, obj, reason)
                result.skipped[obj] = reason
                del result.records[obj]
                continue
            logger.info("%s %s: %d records", self.vendor, obj, result.records[obj])
        if self.objects and len(result.skipped) == len(self.objects):
            # Nothing at all is not "an object the tenant lacks": a wrong URL or version.
            raise ConnectorRequestError(
                f"{self.vendor}: none of {', '.join(self.objects)} exists at {self.base_url} "
                f"({next(iter(result.skipped.values()))})"
            )
        if ceiling is not None and result.watermark is not None and result.watermark >= ceiling:
            result.watermark = ceiling - timedelta(seconds=1)
        # A row edited during the read after its page was read (keyset paging moves on)
        # is stamped after the read began: the next run must start before that moment.
        began = self.session.server_start or started
        if result.watermark is not None and result.watermark > began:
            result.watermark = began
        result.cursors = dict(self.next_cursors)
        return result
