"""GET /metrics: Prometheus exposition of this API process.

Answered to a caller on the same machine (loopback: a local Prometheus or node agent)
and to an admin's token from anywhere; anyone else gets the error shape (401/403). The
figures are not secret but name sources and routes: not for the open internet. Behind a
reverse proxy on the same host the proxy's X-Forwarded-For gives the real caller, who is
then not "local"."""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import SettingsDep, authenticate
from api.errors import Forbidden
from api.routes.auth import client_address

router = APIRouter(tags=["ops"])


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@router.get("/metrics", include_in_schema=False)
def read_metrics(request: Request, settings: SettingsDep) -> Response:
    if not _loopback(client_address(request)):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        caller = authenticate(request, settings, token if scheme.lower() == "bearer" else None)
        if caller.role != "admin":
            raise Forbidden("Metrics are for the local machine or an admin.")
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
