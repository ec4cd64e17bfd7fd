"""POST /inbound/{source}: records pushed by an iPaaS (Zapier, Make, Workato)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from api import store
from api.deps import IntegrationUser, PushCheckDep, SettingsDep
from api.errors import ApiError, Forbidden, NotFound
from api.inbound import MAX_BODY_BYTES, receive
from api.schemas import ErrorOut, InboundAccepted

router = APIRouter(prefix="/inbound", tags=["inbound"])

_TOO_LARGE = ApiError(
    413, "payload_too_large", f"The body exceeds {MAX_BODY_BYTES // (1024 * 1024)} MB."
)


async def read_body(request: Request) -> bytes:
    """The request body, refused past MAX_BODY_BYTES without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TOO_LARGE
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TOO_LARGE
        chunks.append(chunk)
    return b"".join(chunks)


# The body is read as bytes (its size is bounded before it is parsed), so FastAPI cannot
# see its shape: it is declared here for the OpenAPI document.
_RECORD = {
    "type": "object",
    "minProperties": 1,
    "description": "one record (at least its id and name); `a__b` keys are unflattened",
}
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"anyOf": [_RECORD, {"type": "array", "items": _RECORD, "minItems": 1}]}
        },
        "application/x-www-form-urlencoded": {"schema": _RECORD},
    },
}


@router.post(
    "/{source}",
    status_code=202,
    response_model=InboundAccepted,
    openapi_extra={"requestBody": _BODY},
    responses={
        404: {"model": ErrorOut, "description": "No source of that name is configured"},
        413: {"description": "Body too large"},
        422: {"description": "Not JSON records, or records the night would refuse"},
        503: {"description": "Retry later"},
    },
)
def create_inbound(
    source: str,
    settings: SettingsDep,
    user: IntegrationUser,
    check: PushCheckDep,
    body: Annotated[bytes, Depends(read_body)],
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"\S",
            description="e.g. source system + record id + updated-at; a replay gets the "
            "first answer again",
        ),
    ],
    content_type: Annotated[str, Header(alias="Content-Type")] = "application/json",
    object: str | None = None,
) -> Any:
    """Accept a JSON object, a JSON array of objects or form fields (`a__b` keys are
    unflattened). The records are checked against the source's profile first: what the
    night would refuse or reject gets a 422 with the reason. The payload is landed durably
    before the 202; a replay with the same Idempotency-Key gets the first answer again."""
    if user.source is not None and user.source != source:
        raise Forbidden(f"This API key may only push to the source {user.source!r}.")
    if source not in {s.name for s in settings.sources}:
        raise NotFound(
            "source_not_found", f"Unknown source {source!r}: it is not configured in c360.toml."
        )
    # Declared required, at most 255 characters and not blank: FastAPI refuses the rest.
    key = idempotency_key.strip()
    status, answer = receive(settings, source, key, body, content_type, object, check)
    if status == 202:
        store.audit(settings, user.username, "inbound.accepted", source, key)
    return JSONResponse(answer, status_code=status)
