"""One error shape for the whole API: {"code": "...", "message": "..."}.

Domain errors raise `ApiError` (or a subclass) carrying their HTTP status; framework errors
(unknown route, wrong method, request validation) and unexpected exceptions go through the
same handler, so every non-2xx answer has the same JSON body.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kernel.errors import C360Error

logger = logging.getLogger(__name__)

BEARER = {"WWW-Authenticate": "Bearer"}
INVALID_CURSOR = "The paging cursor is not valid: start again without it."


class ApiError(C360Error):
    """An error with its HTTP status, a stable code and a sentence for a person."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}


class NotAuthenticated(ApiError):
    def __init__(self, message: str = "Sign in first: send a valid bearer token.") -> None:
        super().__init__(401, "not_authenticated", message, headers=dict(BEARER))


class Forbidden(ApiError):
    def __init__(self, message: str = "Your role does not give access to this resource.") -> None:
        super().__init__(403, "forbidden", message)


class NotFound(ApiError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(404, code, message)


class InvalidPayload(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(422, "invalid_payload", message)


class SnapshotIncomplete(ApiError):
    """The served snapshot lacks a table a query needs: a 500 with its own code (logged
    where it happens), never an empty answer."""

    def __init__(self, build_id: str) -> None:
        super().__init__(
            500,
            "snapshot_incomplete",
            f"The served snapshot {build_id} lacks a table this answer needs; "
            "an operator should publish a new build (c360 build).",
        )


_HTTP_CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("not_authenticated", "Sign in first: send a valid bearer token."),
    403: ("forbidden", "Your role does not give access to this resource."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that HTTP method."),
    413: ("payload_too_large", "The request body is too large."),
}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid value')}")
    return "Invalid request: " + "; ".join(parts) if parts else "Invalid request."


def error_body(
    exc: Exception, request_id: str | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, JSON body and headers for any exception.

    An unexpected one is logged with its traceback and the request id, which its 500
    answer also carries, so a person can quote it and an operator find the log line."""
    if isinstance(exc, ApiError):
        return exc.status, {"code": exc.code, "message": exc.message, **exc.extra}, exc.headers
    if isinstance(exc, RequestValidationError):
        # The cursor's form is declared in the document, so FastAPI refuses a bad one
        # first; it keeps the code it always had.
        errors = exc.errors()
        if errors and all(tuple(e.get("loc", ()))[-1:] == ("cursor",) for e in errors):
            return 422, {"code": "invalid_cursor", "message": INVALID_CURSOR}, {}
        return 422, {"code": "validation_error", "message": _validation_message(exc)}, {}
    if isinstance(exc, StarletteHTTPException):
        code, default = _HTTP_CODES.get(exc.status_code, ("http_error", "The request failed."))
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers.update(BEARER)
        message = (
            detail if detail and detail not in ("Not Found", "Method Not Allowed") else default
        )
        return exc.status_code, {"code": code, "message": message}, headers
    logger.error(
        "unhandled error [request %s]: %s",
        request_id,
        type(exc).__name__,
        exc_info=exc,
        extra={"request_id": request_id},
    )
    body = {"code": "internal_error", "message": "Something went wrong on our side."}
    if request_id:
        body["request_id"] = request_id
    return 500, body, {}


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# A `{name}` of a path template, as re.escape leaves it.
_PARAM = re.compile(r"\\\{[^}]*\\\}")


def allowed_methods(request: Request) -> str | None:
    """The methods the OpenAPI document gives this path, or None for an undocumented one.

    Starlette's 405 names the methods of the first route whose path matched only, but a
    path may be served by one route per method (GET and POST /match-decisions)."""
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(_PARAM.sub("[^/]+", re.escape(template)), request.url.path):
            return ", ".join(sorted(m.upper() for m in operations if m in _METHODS))
    return None


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    status, body, headers = error_body(exc, getattr(request.state, "request_id", None))
    allowed = allowed_methods(request) if status == 405 else None
    if allowed:
        headers = {**headers, "Allow": allowed}
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handler(app: FastAPI) -> None:
    for exc_type in (ApiError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_type, handle_error)
