"""The outermost layer of every answer: a request id, bounded JSON bodies, the one error
shape even for an unexpected exception, security headers, metrics and the access log.

A plain ASGI middleware (not BaseHTTPMiddleware, which buffers and re-raises). It sits
inside Starlette's ServerErrorMiddleware, which answers a 500 and then re-raises, making
uvicorn close the keep-alive connection. Here an unexpected exception is answered and
logged, not re-raised, so the client's connection stays usable.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bodies import MAX_JSON_BYTES, depth_problem
from api.errors import ApiError, InvalidPayload, error_body
from api.metrics import Metrics

logger = logging.getLogger(__name__)
access_log = logging.getLogger("api.access")

REQUEST_ID = "x-request-id"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Pushes stream and bound their own body (api.inbound.MAX_BODY_BYTES).
_OWN_BODY_LIMIT = ("/api/v1/inbound/",)
TOKEN_PATH = "/api/v1/auth/token"
# On every answer: no MIME sniffing, never framed (clickjacking), no referrer leak.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


def _json_body(scope: Scope, headers: Headers) -> bool:
    if scope["method"] not in ("POST", "PUT", "PATCH"):
        return False
    if scope["path"].startswith(_OWN_BODY_LIMIT):
        return False
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _route(scope: Scope) -> str:
    """The matched route's full template (a bounded label set), or 'unmatched'.

    FastAPI >= 0.16x keeps an included router's prefix in its effective route context;
    the route itself then holds only the path within its router."""
    fastapi = scope.get("fastapi")
    context = fastapi.get("effective_route_context") if isinstance(fastapi, dict) else None
    for holder in (context, scope.get("route")):
        path = getattr(holder, "path_format", None)
        if isinstance(path, str):
            return path
    return "unmatched"


class Guard:
    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get(REQUEST_ID, "")
        request_id = incoming if _GOOD_ID.fullmatch(incoming) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        # Answers that carry a caller's data or a token are never stored by a cache.
        private = "authorization" in headers or scope["path"] == TOKEN_PATH
        began = time.perf_counter()
        started = False
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                out = MutableHeaders(scope=message)
                out[REQUEST_ID] = request_id
                out.update(SECURITY_HEADERS)
                if private:
                    out["cache-control"] = "no-store"
            await send(message)

        try:
            if _json_body(scope, headers):
                receive = await self._bounded_json(receive, headers)
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:  # part of the answer is gone: nothing coherent left to send
                raise
            code, body, extra = error_body(exc, request_id)
            await JSONResponse(body, status_code=code, headers=extra)(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - began)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        route = _route(scope)
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
        access_log.info(
            "%s %s %d %.1f ms",
            method,
            scope["path"],
            status,
            seconds * 1000,
            extra={
                "request_id": request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )

    async def _bounded_json(self, receive: Receive, headers: Headers) -> Receive:
        """Read a JSON body whole (at most MAX_JSON_BYTES), check its depth, replay it."""
        too_large = ApiError(
            413, "payload_too_large", f"The JSON body exceeds {MAX_JSON_BYTES // 1024} KB."
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_JSON_BYTES:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                raise too_large
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem = depth_problem(body)
        if problem:
            raise InvalidPayload(problem)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay
