"""A fake HubSpot CRM v3 API: cursor paging, search, v4 association batch read, bearer auth.

Companies, contacts and deals are generated deterministically; company i (0-based) has
id 1001+i and was last modified at BASE + i minutes, contact j id 5001+j, deal k 9001+k.
Engagements (calls, meetings, emails, notes, tasks), tickets, quotes and line items are
written by hand in the portal's shape (`build_relationship`); an object in `forbidden`
answers 403 MISSING_SCOPES as a portal whose app lacks the scope does.

Like the live service: the list `after` is the next id (a cursor, not an offset); each
record's association list in a list answer stops at `ASSOC_LIST_PAGE` with its own
`paging`, and the v4 batch read pages each list by `assoc_page` (`inputs: [{id, after}]`);
search `after` is an offset refused past 10,000 results, and records in `unindexed` are
not yet visible to search (the index trails writes). `archived=true` lists archived
records with `archivedAt`. `POST /oauth/v1/token` grants refresh tokens.
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
SEARCH_CAP = 10_000
ASSOC_LIST_PAGE = 100
CLIENT_ID, CLIENT_SECRET, REFRESH = "hs-client", "hs-secret", "hs-refresh-1"
# The environment a refresh-token source reads its secrets from (refresh_token_auth).
REFRESH_ENV = {"HS_SECRET": CLIENT_SECRET, "HS_REFRESH": REFRESH}
EXPIRED_BODY = {
    "status": "error",
    "message": "The OAuth token used to make this call expired 1 minute(s) ago.",
    "correlationId": "3c1b2f9e-0000-4000-8000-000000000402",
    "category": "EXPIRED_AUTHENTICATION",
}
AUTH_BODY = {
    "status": "error",
    "message": "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    "correlationId": "3c1b2f9e-0000-4000-8000-000000000401",
    "category": "INVALID_AUTHENTICATION",
}
MODIFIED = {"contacts": "lastmodifieddate"}
# The scope each object needs: a portal whose app lacks it answers 403 MISSING_SCOPES.
SCOPES = {
    "tickets": "tickets",
    "quotes": "crm.objects.quotes.read",
    "line_items": "crm.objects.line_items.read",
    "owners": "crm.objects.owners.read",
}
ENGAGEMENTS = ("calls", "meetings", "emails", "notes", "tasks")


def refresh_token_auth(url: str, **extra: str) -> dict[str, str]:
    """A source's [auth] for this fake's OAuth app: the refresh-token grant at its token
    URL, the client secret and the refresh token read from HS_SECRET and HS_REFRESH."""
    return {
        "method": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret_env": "HS_SECRET",
        "refresh_token_env": "HS_REFRESH",
        "token_url": f"{url}/oauth/v1/token",
        **extra,
    }


def missing_scopes_body(obj: str) -> dict[str, Any]:
    """HubSpot's answer to a call the app has no scope for (category MISSING_SCOPES)."""
    return {
        "status": "error",
        "message": "This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes.",
        "correlationId": "3c1b2f9e-0000-4000-8000-000000000403",
        "errors": [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": [SCOPES.get(obj, f"crm.objects.{obj}.read")]},
            }
        ],
        "links": {"scopes": "https://developers.hubspot.com/scopes"},
        "category": "MISSING_SCOPES",
    }


class FakeHubSpot(FakeVendor):
    def __init__(self, companies: int = 250, contacts: int = 120, deals: int = 45) -> None:
        super().__init__()
        self.build(companies, contacts, deals)

    def reset(self) -> None:
        super().reset()
        self.build()

    def build(self, companies: int = 250, contacts: int = 120, deals: int = 45) -> None:
        self.store: dict[str, list[dict[str, Any]]] = {
            o: [] for o in ("companies", "contacts", "deals", *ENGAGEMENTS, "tickets", "quotes")
        }
        self.store["line_items"] = []
        self.forbidden: set[str] = set()  # objects the app has no scope for
        self.links: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.unindexed: set[str] = set()
        self.assoc_page = 100
        self.rotate = False  # answer a new refresh token with each grant
        self.refresh_valid = REFRESH  # the one refresh token the portal accepts now
        # CRM v3 owners as /crm/v3/owners answers them (teams nested), one archived.
        self.owners: list[dict[str, Any]] = [
            {
                "id": str(41629779 + n),
                "email": f"{first.lower()}@acme.fr",
                "type": "PERSON",
                "firstName": first,
                "lastName": last,
                "userId": 9586504 + n,
                "userIdIncludingInactive": 9586504 + n,
                "createdAt": iso_z(BASE),
                "updatedAt": iso_z(BASE + timedelta(minutes=n)),
                "archived": archived,
                "teams": [{"id": "1234", "name": "Ventes", "primary": True}],
            }
            for n, (first, last, archived) in enumerate(
                (
                    ("Julie", "Martin", False),
                    ("Sophie", "Lefèvre", True),
                    ("Karim", "Benali", False),
                )
            )
        ]
        self.owners_page = 500
        for i in range(companies):
            self._add("companies", str(1001 + i), i, name=f"Company {i}", city="Lyon")
        for j in range(contacts):
            self._add("contacts", str(5001 + j), j, firstname=f"First{j}", email=f"c{j}@x.fr")
            self._link("contacts", str(5001 + j), "companies", str(1001 + j % companies))
        for k in range(deals):
            self._add("deals", str(9001 + k), k, dealname=f"Deal {k}", amount=f"{k * 10}.0")
            self._link("deals", str(9001 + k), "companies", str(1001 + k % companies))
            self._link("deals", str(9001 + k), "contacts", str(5001 + k % contacts))

        self.build_relationship()

    def build_relationship(self) -> None:
        """Engagements, tickets, quotes and line items as a portal holds them (properties
        are strings; links to companies 1001/1002, contacts 5001/5002, deal 9001)."""
        owner = "41629779"
        rows: list[tuple[str, str, int, dict[str, Any], dict[str, list[str]]]] = [
            ("calls", "30100000001", 300, {
                "hs_call_title": "Point trimestriel", "hs_timestamp": "2026-03-02T09:30:00.000Z",
                "hs_call_status": "COMPLETED", "hs_call_direction": "OUTBOUND",
                "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
                "hs_call_duration": "540000", "hubspot_owner_id": owner,
            }, {"companies": ["1001"], "contacts": ["5001"]}),
            ("calls", "30100000002", 301, {
                "hs_call_title": "Rappel planifié", "hs_timestamp": "2026-12-20T14:00:00.000Z",
                "hs_call_status": "SCHEDULED", "hubspot_owner_id": owner,
            }, {"deals": ["9001"]}),
            ("meetings", "30300000001", 302, {
                "hs_meeting_title": "Démo atelier", "hs_timestamp": "2026-02-10T13:00:00.000Z",
                "hs_meeting_start_time": "2026-02-10T13:00:00.000Z",
                "hs_meeting_end_time": "2026-02-10T14:00:00.000Z",
                "hs_meeting_outcome": "COMPLETED", "hubspot_owner_id": owner,
            }, {"companies": ["1002"], "contacts": ["5002"]}),
            ("meetings", "30300000002", 303, {
                "hs_meeting_title": "Revue annuelle", "hs_timestamp": "2026-12-15T09:00:00.000Z",
                "hs_meeting_start_time": "2026-12-15T09:00:00.000Z",
                "hs_meeting_outcome": "SCHEDULED",
            }, {"companies": ["1001"]}),
            ("emails", "30400000001", 304, {
                "hs_email_subject": "Votre devis", "hs_timestamp": "2026-03-01T10:00:00.000Z",
                "hs_email_direction": "EMAIL", "hs_email_status": "SENT",
                "hubspot_owner_id": owner,
            }, {"contacts": ["5001"]}),
            ("notes", "30500000001", 305, {
                "hs_note_body": "<div><p>Client intéressé par l'offre "
                "<strong>maintenance</strong>.</p></div>",
                "hs_timestamp": "2026-02-20T16:45:00.000Z", "hubspot_owner_id": owner,
            }, {"companies": ["1002"]}),
            ("tasks", "30200000001", 306, {
                "hs_task_subject": "Envoyer CGV", "hs_timestamp": "2026-03-10T08:00:00.000Z",
                "hs_task_status": "NOT_STARTED", "hs_task_priority": "HIGH",
                "hs_task_type": "TODO", "hubspot_owner_id": owner,
            }, {"companies": ["1002"]}),
            ("tickets", "40100000001", 307, {
                "subject": "Panne ligne 2", "content": "La ligne s'arrête", "hs_pipeline": "0",
                "hs_pipeline_stage": "1", "hs_ticket_priority": "URGENT",
                "createdate": "2026-03-03T07:15:00.000Z", "hubspot_owner_id": owner,
            }, {"companies": ["1001"]}),
            ("tickets", "40100000002", 308, {
                "subject": "Accès portail", "hs_pipeline": "0", "hs_pipeline_stage": "4",
                "hs_ticket_priority": "MEDIUM", "createdate": "2026-01-05T09:00:00.000Z",
                "closed_date": "2026-01-06T16:30:00.000Z",
            }, {"contacts": ["5002"]}),
            ("quotes", "50100000001", 309, {
                "hs_title": "Devis ligne 3", "hs_quote_number": "20260301-093000123",
                "hs_status": "APPROVAL_NOT_NEEDED", "hs_quote_amount": "12000.50",
                "hs_currency": "EUR", "hs_expiration_date": "2026-04-30",
                "hs_createdate": "2026-03-01T09:30:00.000Z", "hubspot_owner_id": owner,
            }, {"companies": ["1001"], "deals": ["9001"]}),
            ("quotes", "50100000002", 310, {
                "hs_title": "Devis options", "hs_status": "DRAFT", "hs_quote_amount": "800",
                "hs_currency": "EUR", "hs_createdate": "2026-03-04T11:00:00.000Z",
            }, {"companies": ["1002"]}),
            ("line_items", "60100000001", 311, {
                "name": "Broche HSK-63", "hs_sku": "HSK63", "hs_product_id": "1642736",
                "quantity": "4", "price": "1250.00", "hs_discount_percentage": "10",
                "amount": "4500.00", "hs_line_item_currency_code": "EUR",
            }, {"deals": ["9001"]}),
            ("line_items", "60100000002", 312, {
                "name": "Forfait installation", "hs_product_id": "1642737", "quantity": "1",
                "price": "850.125", "amount": "850.13", "hs_line_item_currency_code": "EUR",
            }, {"deals": ["9001"]}),
        ]  # fmt: skip
        for obj, rid, minutes, props, links in rows:
            self._add(obj, rid, minutes, **props)
            for other, ids in links.items():
                for other_id in ids:
                    self._link(obj, rid, other, other_id)

    def _add(self, obj: str, rid: str, minutes: int, **props: str) -> None:
        moment = iso_z(BASE + timedelta(minutes=minutes))
        props = {"hs_object_id": rid, "createdate": iso_z(BASE)} | props
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

    def find(self, obj: str, rid: str) -> dict[str, Any]:
        return next(r for r in self.store[obj] if r["id"] == rid)

    def edit(self, obj: str, rid: str, minutes: float, **props: str) -> None:
        """A user's edit: new values, last-modified moved to BASE + minutes."""
        rec = self.find(obj, rid)
        moment = iso_z(BASE + timedelta(minutes=minutes))
        rec["properties"] |= props
        rec["properties"][MODIFIED.get(obj, "hs_lastmodifieddate")] = moment
        rec["updatedAt"] = moment

    def archive(self, obj: str, rid: str, minutes: float) -> None:
        rec = self.find(obj, rid)
        moment = iso_z(BASE + timedelta(minutes=minutes))
        rec |= {"archived": True, "archivedAt": moment, "updatedAt": moment}

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

    def shape(
        self, rec: dict[str, Any], props: list[str] | None, assoc: list[str]
    ) -> dict[str, Any]:
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
        return fake.accepts(request.headers.get("authorization"))

    def refused(obj: str, request: Request) -> JSONResponse | None:
        """HubSpot's answer to a token it does not take (expired or unknown) or to an object
        the app has no scope for; None when the request may go on."""
        if not authorised(request):
            given = (request.headers.get("authorization") or "").removeprefix("Bearer ")
            return JSONResponse(
                EXPIRED_BODY if given in fake.issued else AUTH_BODY, status_code=401
            )
        if obj in fake.forbidden:
            return JSONResponse(missing_scopes_body(obj), status_code=403)
        return None

    @app.get("/crm/v3/objects/{obj}")
    def list_objects(obj: str, request: Request) -> Any:
        if (refusal := refused(obj, request)) is not None:
            return refusal
        q = request.query_params
        limit = int(q.get("limit", "10"))
        if limit > LIST_MAX:
            return _error(400, f"limit must be at most {LIST_MAX}")
        start = int(q.get("after", "0"))
        props = q["properties"].split(",") if q.get("properties") else None
        assoc = q["associations"].split(",") if q.get("associations") else []
        archived = q.get("archived", "false") == "true"
        live = sorted(
            (r for r in fake.store[obj] if r["archived"] == archived), key=lambda r: int(r["id"])
        )
        matching = [r for r in live if int(r["id"]) >= start]
        rows = matching[:limit]
        results = []
        for rec in rows:
            item = fake.shape(rec, props, assoc)
            links: dict[str, dict[str, Any]] = {}
            for other in assoc:
                ids = fake.links.get((obj, other), {}).get(rec["id"], [])
                if ids:
                    links[other] = {
                        "results": [
                            {"id": i, "type": f"{obj}_to_{other}"} for i in ids[:ASSOC_LIST_PAGE]
                        ]
                    }
                    if len(ids) > ASSOC_LIST_PAGE:
                        links[other]["paging"] = {
                            "next": {"after": "opaque-assoc-cursor", "link": "deprecated"}
                        }
            if links:
                item["associations"] = links
            results.append(item)
        body: dict[str, Any] = {"results": results}
        if len(matching) > limit:
            nxt = str(int(matching[limit]["id"]))
            link = f"{request.base_url}crm/v3/objects/{obj}?after={nxt}"
            body["paging"] = {"next": {"after": nxt, "link": link}}
        return body

    @app.get("/crm/v3/owners")
    @app.get("/crm/v3/owners/")
    def list_owners(request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        if "owners" in fake.forbidden:
            return JSONResponse(missing_scopes_body("owners"), status_code=403)
        q = request.query_params
        limit = int(q.get("limit", "100"))
        if limit > 500:
            return _error(400, "limit must be at most 500")
        archived = q.get("archived", "false") == "true"
        rows = [o for o in fake.owners if o["archived"] == archived]
        start = int(q.get("after", "0"))
        size = min(limit, fake.owners_page)
        body: dict[str, Any] = {"results": rows[start : start + size]}
        if start + size < len(rows):
            nxt = str(start + size)
            link = f"{request.base_url}crm/v3/owners/?after={nxt}"
            body["paging"] = {"next": {"after": nxt, "link": link}}
        return body

    @app.post("/crm/v3/objects/{obj}/search")
    async def search(obj: str, request: Request) -> Any:
        if (refusal := refused(obj, request)) is not None:
            return refusal
        query = await request.json()
        limit = int(query.get("limit", 10))
        if limit > SEARCH_MAX:
            return _error(400, f"limit must be at most {SEARCH_MAX}")
        expected = MODIFIED.get(obj, "hs_lastmodifieddate")
        rows = [r for r in fake.store[obj] if not r["archived"] and r["id"] not in fake.unindexed]
        ops = {"GT": "__gt__", "GTE": "__ge__", "LT": "__lt__", "LTE": "__le__"}
        for group in query.get("filterGroups", []):
            for flt in group["filters"]:
                name, op = flt["propertyName"], ops[flt["operator"]]
                if name == "hs_object_id":
                    bound_id = int(flt["value"])
                    rows = [r for r in rows if getattr(int(r["id"]), op)(bound_id)]
                    continue
                if name != expected:
                    return _error(400, f"unknown property {name}")
                bound = iso_z(datetime.fromtimestamp(int(flt["value"]) / 1000, tz=UTC))
                rows = [r for r in rows if getattr(r["properties"][expected], op)(bound)]
        sort = (query.get("sorts") or [{"propertyName": expected}])[0]["propertyName"]
        if sort == "hs_object_id":
            rows = sorted(rows, key=lambda r: int(r["id"]))
        else:
            rows = sorted(rows, key=lambda r: r["properties"][expected])
        start = int(query.get("after", 0))
        if start + limit > SEARCH_CAP:
            return _error(400, f"paging past {SEARCH_CAP} results is not supported")
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
            given = (request.headers.get("authorization") or "").removeprefix("Bearer ")
            return JSONResponse(
                EXPIRED_BODY if given in fake.issued else AUTH_BODY, status_code=401
            )
        inputs = (await request.json())["inputs"]
        table = fake.links.get((src, dst), {})
        results = []
        for item in inputs:
            if item["id"] not in table:
                continue
            start = int(item.get("after") or 0)
            targets = table[item["id"]][start : start + fake.assoc_page]
            row: dict[str, Any] = {
                "from": {"id": item["id"]},
                "to": [{"toObjectId": int(t), "associationTypes": []} for t in targets],
            }
            if start + fake.assoc_page < len(table[item["id"]]):
                row["paging"] = {"next": {"after": str(start + fake.assoc_page), "link": None}}
            results.append(row)
        return {"status": "COMPLETE", "results": results}

    @app.post("/oauth/v1/token")
    async def token(request: Request) -> Any:
        form = dict((await request.form()).items())
        fake.grants.append({k: str(v) for k, v in form.items()})
        expected = ("refresh_token", CLIENT_ID, CLIENT_SECRET, fake.refresh_valid)
        given = tuple(
            form.get(k) for k in ("grant_type", "client_id", "client_secret", "refresh_token")
        )
        if given != expected:
            return JSONResponse(
                {
                    "status": "BAD_REFRESH_TOKEN",
                    "message": "missing or unknown refresh token",
                    "correlationId": "3c1b2f9e-0000-4000-8000-000000000400",
                },
                status_code=400,
            )
        if fake.rotate:  # the refresh token just used is spent; only the new one works
            fake.refresh_valid = f"hs-refresh-rotated-{len(fake.grants)}"
        return {
            "token_type": "bearer",
            "refresh_token": fake.refresh_valid,
            "access_token": fake.issue_token("hs-access"),
            "expires_in": 1800,
        }

    return FaultInjector(app, fake)
