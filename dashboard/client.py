"""HTTP client for the c360 API: the dashboard's only way to data.

``ApiClient`` wraps httpx with timeouts and turns every failure into ``ApiError`` (status,
stable code, message) parsed from the API's ``{"code", "message"}`` error JSON. Inside a
Streamlit run, GET calls go through ``st.cache_data`` keyed by base URL, token, published
snapshot, path and parameters, over one shared ``httpx.Client`` (``st.cache_resource``):
an answer is reused until the API publishes another snapshot (checked on ``/health`` at
most every few seconds), so going back to a customer costs no call. ``prefetch`` sends the
calls a screen needs at once, in threads, so it waits for the slowest, not their sum.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
TIMEOUT = httpx.Timeout(15.0, connect=3.0)
Params = tuple[tuple[str, str], ...]
Request = tuple[str, Mapping[str, Any] | None]
# How long the published snapshot id is trusted before /health is asked again: a newly
# published night shows within this delay. Answers of one snapshot never change, so they
# are kept much longer (bounded in number).
SNAPSHOT_CHECK_S = 10
ANSWER_TTL_S = 30 * 60
MAX_ANSWERS = 5000
MAX_PARALLEL = 6


class ApiError(Exception):
    """An API call failed: HTTP ``status`` (0 when unreachable), stable ``code``, ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def error_from_response(response: httpx.Response) -> ApiError:
    """Build an ``ApiError`` from a non-2xx response, tolerating non-JSON bodies.

    Accepts ``{"code", "message"}`` and FastAPI's default ``{"detail": ...}``.
    """
    code, message = f"http_{response.status_code}", response.reason_phrase or "error"
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, dict):
            body = {**body, **detail}
        code = str(body.get("code") or code)
        raw = body.get("message") or (detail if isinstance(detail, str) else None)
        message = str(raw or message)
    elif response.text.strip():
        message = response.text.strip()[:300]
    return ApiError(response.status_code, code, message)


def _clean(params: Mapping[str, Any] | None) -> Params:
    """Drop empty parameters and freeze the rest into a hashable, ordered tuple."""
    if not params:
        return ()
    items = []
    for key, value in params.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        items.append((key, str(value)))
    return tuple(sorted(items))


@st.cache_resource(show_spinner=False)
def shared_http() -> httpx.Client:
    """One pooled httpx client for the whole dashboard process."""
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True)


@st.cache_data(ttl=SNAPSHOT_CHECK_S, show_spinner=False)
def published_snapshot(base_url: str) -> str | None:
    """The id of the snapshot the API serves now (``None`` when it cannot say)."""
    try:
        health = ApiClient(base_url, http=shared_http())._send("GET", "/health")
    except ApiError:
        return None
    snapshot = health.get("snapshot") if isinstance(health, dict) else None
    return str(snapshot) if snapshot else None


@st.cache_data(ttl=ANSWER_TTL_S, max_entries=MAX_ANSWERS, show_spinner=False)
def _cached_get(
    base_url: str, token: str | None, snapshot: str | None, path: str, params: Params
) -> Any:
    # ``snapshot`` is only part of the key: a new publication makes every answer new.
    return ApiClient(base_url, token, http=shared_http()).get(path, params)


class ApiClient:
    """Typed access to the c360 API for one user (``token``)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        http: httpx.Client | None = None,
        cache: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
        self.cache = cache

    # --- plumbing -----------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            response = self.http.request(method, url, headers=self._headers(), **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiError(0, "timeout", f"the API did not answer in time ({url})") from exc
        except httpx.HTTPError as exc:
            raise ApiError(0, "unreachable", f"cannot reach the API at {self.base_url}") from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(response.status_code, "bad_json", "the API answered non-JSON") from exc

    def get(self, path: str, params: Params | Mapping[str, Any] | None = None) -> Any:
        """GET ``/api/v1{path}``; raises ``ApiError`` on any failure."""
        frozen = params if isinstance(params, tuple) else _clean(params)
        if self.cache:
            snapshot = published_snapshot(self.base_url)
            return _cached_get(self.base_url, self.token, snapshot, path, frozen)
        return self._send("GET", path, params=list(frozen))

    def prefetch(self, requests: Sequence[Request]) -> None:
        """Warm the cache with several GETs sent together; the screen's own calls then read
        the cache. A failed call is left for that later call to raise and show."""
        unique = list({(path, _clean(params)): None for path, params in requests})
        if not self.cache or len(unique) < 2:
            return
        ctx = get_script_run_ctx()
        published_snapshot(self.base_url)  # once, before the threads ask for it

        def one(request: tuple[str, Params]) -> None:
            if ctx is not None:  # st.cache_data needs to know the run it serves
                add_script_run_ctx(threading.current_thread(), ctx)
            with contextlib.suppress(ApiError):
                self.get(*request)

        workers = min(len(unique), MAX_PARALLEL)
        with ThreadPoolExecutor(workers, thread_name_prefix="c360-prefetch") as pool:
            list(pool.map(one, unique))

    # --- auth -----------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict[str, Any]:
        """OAuth2 password flow; returns the token response (access_token, role, …)."""
        data = {"username": username, "password": password, "grant_type": "password"}
        result = self._send("POST", "/auth/token", data=data)
        return result if isinstance(result, dict) else {}

    def me(self) -> dict[str, Any]:
        return self.get("/me") or {}

    # --- customers --------------------------------------------------------------------------
    def search_customers(
        self,
        q: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        has_overdue: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        params = {
            "q": q,
            "segment": segment,
            "owner": owner,
            "has_overdue": has_overdue,
            "limit": limit,
            "cursor": cursor,
        }
        return self.get("/customers", params) or {}

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The 360° profile; a merged id's 308 redirect to the surviving id is followed."""
        return self.get(*profile_request(customer_id)) or {}

    def _sub(self, customer_id: str, what: str) -> dict[str, Any]:
        return self.get(*sub_request(customer_id, what)) or {}

    def customer_invoices(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "invoices")

    def customer_orders(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "orders")

    def customer_opportunities(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "opportunities")

    def customer_contacts(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "contacts")

    def customer_timeline(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "timeline")

    def customer_open_items(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "open-items")

    def customer_balance_history(self, customer_id: str) -> dict[str, Any]:
        return self._sub(customer_id, "balance-history")

    # --- portfolio --------------------------------------------------------------------------
    def aging(self) -> dict[str, Any]:
        return self.get(*AGING) or {}

    def overdue(self, limit: int = 200, cursor: str | None = None) -> dict[str, Any]:
        return self.get(*overdue_request(limit, cursor)) or {}

    def kpis(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        segment: str | None = None,
    ) -> dict[str, Any]:
        return self.get("/kpis", {"from": date_from, "to": date_to, "segment": segment}) or {}

    def kpi_summary(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        segment: str | None = None,
    ) -> dict[str, Any]:
        """KPI aggregates of a period (months ``YYYY-MM``), computed by the API."""
        return self.get(*kpi_summary_request(date_from, date_to, segment)) or {}

    def alerts(self, owner: str | None = None) -> dict[str, Any]:
        return self.get("/alerts", {"owner": owner}) or {}

    def quality(self) -> dict[str, Any]:
        return self.get("/quality") or {}

    def rejects(
        self, limit: int = 200, cursor: str | None = None, source: str | None = None
    ) -> dict[str, Any]:
        """Rejected rows with their raw content and reason (``/quality/rejects``)."""
        params = {"limit": limit, "cursor": cursor, "source": source}
        return self.get("/quality/rejects", params) or {}

    def orphans(self, check: str | None = None, limit: int = 100) -> dict[str, Any]:
        """Records naming no known customer, of one orphan check (``/quality/orphans``)."""
        return self.get("/quality/orphans", {"check": check, "limit": limit}) or {}

    def findings(self, check: str | None = None, cursor: str | None = None) -> dict[str, Any]:
        """The records behind a data-quality check (``/quality/findings``), keyset paged."""
        params = {"check": check, "limit": FINDINGS_PAGE, "cursor": cursor}
        return self.get("/quality/findings", params) or {}

    def decide(self, kind: str, left: str, right: str, reason: str | None = None) -> Any:
        """Record a steward decision (``always_match`` / ``never_match``) on two records."""
        body = {"kind": kind, "left": left, "right": right, "reason": reason}
        return self._send("POST", "/match-decisions", json=body)

    def writeback(
        self,
        source: str | None = None,
        customer: str | None = None,
        result: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """The CRM write-back log (admins), newest first, keyset paged."""
        params = {
            "source": source,
            "customer": customer,
            "result": result,
            "limit": limit,
            "cursor": cursor,
        }
        return self.get("/writeback", params) or {}

    def runs(self) -> dict[str, Any]:
        return self.get("/runs") or {}


FINDINGS_PAGE = 100
# Rows asked per sub-list (the API pages at most this many); one balance point per build.
SUB_LIMITS = {"balance-history": 1000}
SUB_LIMIT = 200


def profile_request(customer_id: str) -> Request:
    return f"/customers/{customer_id}", None


def sub_request(customer_id: str, what: str) -> Request:
    """The GET of one of a customer's lists, the same for a prefetch and for the read."""
    return f"/customers/{customer_id}/{what}", {"limit": SUB_LIMITS.get(what, SUB_LIMIT)}


AGING: Request = ("/receivables/aging", None)


def overdue_request(limit: int, cursor: str | None = None) -> Request:
    return "/receivables/overdue", {"limit": limit, "cursor": cursor}


def kpi_summary_request(
    date_from: str | None = None, date_to: str | None = None, segment: str | None = None
) -> Request:
    return "/kpis/summary", {"from": date_from, "to": date_to, "segment": segment}


def rows(payload: Any) -> list[dict[str, Any]]:
    """The records of a list response (``{"data": [...]}``), or of a bare list."""
    if isinstance(payload, dict):
        payload = payload.get("data", [])
    return [r for r in payload or [] if isinstance(r, dict)] if isinstance(payload, list) else []
