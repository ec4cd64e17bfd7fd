"""A fake HubSpot CRM v3 API: cursor paging, search, v4 association batch read, bearer auth.

Companies, contacts and deals are generated deterministically; company i (0-based) has
id 1001+i and was last modified at BASE + i minutes, contact j id 5001+j, deal k 9001+k.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes_common import BASE, FakeVendor, FaultInjector, iso_z
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

LIST_MAX = 100
SEARCH_MAX = 200
AUTH_BODY = {
    "status": "error",
    "message": "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    "correlationId": "3c1b2f9e-0000-4000-8000-000000000401",
    "category": "INVALID_AUTHENTICATION",
}
MODIFIED = {"contacts": "lastmodifieddate"}


class FakeHubSpot(FakeVendor):
    def __init__(self, companies: int = 250, contacts: int = 120, deals: int = 45) -> None:
        super().__init__()
        self.store: dict[str, list[dict[str, Any]]] = {"companies": [], "contacts": [], "deals": []}
        self.links: dict[tuple[str, str], dict[str, list[str]]] = {}
        for i in range(companies):
            self._add("companies", str(1001 + i), i, name=f"Company {i}", city="Lyon")
        for j in range(contacts):
            self._add("contacts", str(5001 + j), j, firstname=f"First{j}", email=f"c{j}@x.fr")
            self._link("contacts", str(5001 + j), "companies", str(1001 + j % companies))
        for k in range(deals):
            self._add("deals", str(9001 + k), k, dealname=f"Deal {k}", amount=f"{k * 10}.0")
            self._link("deals", str(9001 + k), "companies", str(1001 + k % companies))
            self._link("deals", str(9001 + k), "contacts", str(5001 + k % contacts))

    def _add(self, obj: str, rid: str, minutes: int, **props: str) -> None:
        moment = iso_z(BASE + timedelta(minutes=minutes))
        props |= {"hs_object_id": rid, "createdate": iso_z(BASE)}
        props[MODIFIED.get(obj, "hs_lastmodifieddate")] = moment
        self.store[obj].append(
            {
                "id": rid,
                "properties": props,
                "createdAt": iso_z(BASE),
                "updatedAt": moment,
                "archived": False,
            }
        )

    def _link(self, a: str, a_id: str, b: str, b_id: str) -> None:
        self.links.setdefault((a, b), {}).setdefault(a_id, []).append(b_id)
        self.links.setdefault((b, a), {}).setdefault(b_id, []).append(a_id)

    def error_body(self, status: int) -> tuple[bytes, str]:
        if status == 401:
            return json.dumps(AUTH_BODY).encode(), "application/json"
        body = {"status": "error", "correlationId": "c0ffee", "category": "RATE_LIMITS"}
        if status == 429:
            body |= {
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "TEN_SECONDLY_ROLLING",
            }
        else:
            body |= {"message": "internal error", "category": "INTERNAL_ERROR"}
        return json.dumps(body).encode(), "application/json"

    def shape(self, rec: dict[str, Any], props: list[str] | None, assoc: list[str]) -> dict:
        out = {k: v for k, v in rec.items() if k != "properties"}
        wanted = props or ["hs_object_id", "createdate"]
        out["properties"] = {p: rec["properties"].get(p) for p in wanted}
        return out


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "status": "error",
            "message": message,
            "category": "VALIDATION_ERROR",
            "correlationId": "bad",
        },
        status_code=status,
    )


def make_app(fake: FakeHubSpot) -> FaultInjector:
    app = FastAPI()

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {fake.token}"

    @app.get("/crm/v3/objects/{obj}")
    def list_objects(obj: str, request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        q = request.query_params
        limit = int(q.get("limit", "10"))
        if limit > LIST_MAX:
            return _error(400, f"limit must be at most {LIST_MAX}")
        start = int(q.get("after", "0"))
        props = q["properties"].split(",") if q.get("properties") else None
        assoc = q["associations"].split(",") if q.get("associations") else []
        rows = fake.store[obj][start : start + limit]
        results = []
        for rec in rows:
            item = fake.shape(rec, props, assoc)
            links = {}
            for other in assoc:
                ids = fake.links.get((obj, other), {}).get(rec["id"], [])
                if ids:
                    links[other] = {
                        "results": [{"id": i, "type": f"{obj}_to_{other}"} for i in ids]
                    }
            if links:
                item["associations"] = links
            results.append(item)
        body: dict[str, Any] = {"results": results}
        end = start + limit
        if end < len(fake.store[obj]):
            link = f"{request.base_url}crm/v3/objects/{obj}?after={end}"
            body["paging"] = {"next": {"after": str(end), "link": link}}
        return body

    @app.post("/crm/v3/objects/{obj}/search")
    async def search(obj: str, request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        query = await request.json()
        limit = int(query.get("limit", 10))
        if limit > SEARCH_MAX:
            return _error(400, f"limit must be at most {SEARCH_MAX}")
        expected = MODIFIED.get(obj, "hs_lastmodifieddate")
        rows = fake.store[obj]
        for group in query.get("filterGroups", []):
            for flt in group["filters"]:
                if flt["propertyName"] != expected:
                    return _error(400, f"unknown property {flt['propertyName']}")
                bound = iso_z(datetime.fromtimestamp(int(flt["value"]) / 1000, tz=UTC))
                op = {"GT": str.__gt__, "GTE": str.__ge__}[flt["operator"]]
                rows = [r for r in rows if op(r["properties"][expected], bound)]
        rows = sorted(rows, key=lambda r: r["properties"][expected])
        start = int(query.get("after", 0))
        page = rows[start : start + limit]
        body: dict[str, Any] = {
            "total": len(rows),
            "results": [fake.shape(r, query.get("properties"), []) for r in page],
        }
        if start + limit < len(rows):
            body["paging"] = {"next": {"after": str(start + limit)}}
        return body

    @app.post("/crm/v4/associations/{src}/{dst}/batch/read")
    async def read_associations(src: str, dst: str, request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        inputs = (await request.json())["inputs"]
        table = fake.links.get((src, dst), {})
        results = [
            {
                "from": {"id": item["id"]},
                "to": [{"toObjectId": int(t), "associationTypes": []} for t in table[item["id"]]],
            }
            for item in inputs
            if item["id"] in table
        ]
        return {"status": "COMPLETE", "results": results}

    return FaultInjector(app, fake)
