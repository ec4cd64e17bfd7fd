"""A fake Dataverse Web API (OData v4): $select, $filter on modifiedon, server-driven paging.

Honours `Prefer: odata.maxpagesize=N` (echoed in `Preference-Applied`) and answers
`@odata.nextLink` URLs whose `$skiptoken` is an opaque, URL-encoded paging cookie. Account
i (0-based) has accountid `00000000-0000-0000-0000-<i:012d>` and modifiedon BASE + i min.

Like Dataverse, the paging cookie holds the last primary key read (rows are served in key
order after it), so a row deleted between two pages shifts nothing. Entra ID's
`POST /{tenant}/oauth2/v2.0/token` grants client credentials (`expires_in` = `lifetime`);
an expired token answers 401 `ExpiredAuthTicket`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fakes_common import BASE, FakeVendor, FaultInjector
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ingest.connectors.dynamics365 import FIELDS

API = "/api/data/v9.2"
MAX_PAGE = 5000
KEYS = {
    "accounts": "accountid",
    "contacts": "contactid",
    "opportunities": "opportunityid",
    "salesorders": "salesorderid",
    "invoices": "invoiceid",
}
SIZES = {"accounts": 250, "contacts": 40, "opportunities": 10, "salesorders": 5, "invoices": 5}
FILTER = re.compile(r"^modifiedon gt (\S+)$")
COOKIE = re.compile(r'pagingcookie="([^"]+)"')
TENANT, CLIENT_ID, CLIENT_SECRET = "contoso-tenant", "app-client-id", "app-secret"


def guid(i: int) -> str:
    return f"00000000-0000-0000-0000-{i:012d}"


class FakeDynamics(FakeVendor):
    def __init__(self) -> None:
        super().__init__()
        self.build()

    def reset(self) -> None:
        super().reset()
        self.build()

    def build(self) -> None:
        self.lifetime = 3599
        self.store: dict[str, list[dict[str, Any]]] = {}
        for entity, size in SIZES.items():
            rows = []
            for i in range(size):
                row: dict[str, Any] = {f: None for f in FIELDS[entity]}
                row[KEYS[entity]] = guid(i)
                row["name"] = f"{entity} {i}"
                row["createdon"] = "2026-10-01T00:00:00Z"
                row["modifiedon"] = (BASE + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                row["statecode"] = 0
                rows.append(row)
            self.store[entity] = rows
        self.store["accounts"][1]["_primarycontactid_value"] = guid(1)

    def delete(self, entity: str, i: int) -> None:
        self.store[entity] = [r for r in self.store[entity] if r[KEYS[entity]] != guid(i)]

    def edit(self, entity: str, i: int, minutes: float, **values: Any) -> None:
        row = next(r for r in self.store[entity] if r[KEYS[entity]] == guid(i))
        row |= values | {
            "modifiedon": (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        }

    def error_body(self, status: int) -> tuple[bytes, str]:
        if status == 401:
            return b"", "text/plain"
        if status == 429:
            message = (
                "Number of requests exceeded the limit of 6000 over time window of 300 seconds."
            )
            body = {"error": {"code": "0x80072322", "message": message}}
        else:
            body = {"error": {"code": "0x80040216", "message": "An unexpected error occurred."}}
        return json.dumps(body).encode(), "application/json"


def _odata_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def make_app(fake: FakeDynamics) -> FaultInjector:
    app = FastAPI()

    @app.get(f"{API}/{{entity}}")
    def read_entity_set(entity: str, request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            given = (request.headers.get("authorization") or "").removeprefix("Bearer ")
            expired = {"error": {"code": "0x80072560", "message": "ExpiredAuthTicket"}}
            return JSONResponse(
                expired if given in fake.issued else None,
                status_code=401,
                headers={
                    "WWW-Authenticate": "Bearer authorization_uri=https://login.microsoftonline.com/x"
                },
            )
        if entity not in fake.store:
            message = f"Resource not found for the segment '{entity}'."
            return _odata_error(404, "0x80060888", message)
        q = request.query_params
        select = q.get("$select", "")
        columns = select.split(",") if select else list(FIELDS[entity])
        unknown = [c for c in columns if c not in FIELDS[entity]]
        if unknown:
            return _odata_error(
                400,
                "0x80060888",
                f"Could not find a property named "
                f"'{unknown[0]}' on type 'Microsoft.Dynamics.CRM.{entity[:-1]}'.",
            )
        rows = fake.store[entity]
        if q.get("$filter"):
            match = FILTER.match(q["$filter"])
            if match is None:
                return _odata_error(400, "0x8006088a", "Syntax error in $filter")
            since = datetime.fromisoformat(match[1])
            rows = [r for r in rows if datetime.fromisoformat(r["modifiedon"]) > since]
        prefer = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("prefer", ""))
        size = min(int(prefer[1]), MAX_PAGE) if prefer else MAX_PAGE
        key = KEYS[entity]
        rows = sorted(rows, key=lambda r: r[key])
        token = q.get("$skiptoken")
        last = COOKIE.search(token)[1] if token else ""  # type: ignore[index]
        after = [r for r in rows if r[key] > last]
        page = after[:size]
        base = f"{request.base_url}{API.lstrip('/')}/{entity}"
        body: dict[str, Any] = {
            "@odata.context": f"{base}/$metadata#{entity}({select})",
            "value": [
                {"@odata.etag": f'W/"{1000 + i}"', **{c: r[c] for c in columns}}
                for i, r in enumerate(page)
            ],
        }
        if len(after) > size:
            number = int(re.search(r'pagenumber="(\d+)"', token)[1]) + 1 if token else 2  # type: ignore[index]
            cookie = (
                f'<cookie pagenumber="{number}" pagingcookie="{page[-1][key]}" '
                'istracking="False" />'
            )
            params = {k: v for k, v in q.items() if k != "$skiptoken"} | {"$skiptoken": cookie}
            body["@odata.nextLink"] = f"{base}?{urlencode(params, quote_via=quote)}"
        headers = {"OData-Version": "4.0"}
        if prefer:
            headers["Preference-Applied"] = f"odata.maxpagesize={size}"
        return JSONResponse(body, headers=headers)

    @app.post("/{tenant}/oauth2/v2.0/token")
    async def token(tenant: str, request: Request) -> Any:
        form = {k: str(v) for k, v in (await request.form()).items()}
        fake.grants.append(form)
        expected = ("client_credentials", CLIENT_ID, CLIENT_SECRET)
        given = tuple(form.get(k) for k in ("grant_type", "client_id", "client_secret"))
        if tenant != TENANT or given != expected or not form.get("scope", "").endswith("/.default"):
            body = {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
            }
            return JSONResponse(body, status_code=401)
        return {
            "token_type": "Bearer",
            "expires_in": fake.lifetime,
            "ext_expires_in": fake.lifetime,
            "access_token": fake.issue_token("eyJ0eXAiOiJKV1Qi"),
        }

    return FaultInjector(app, fake)
