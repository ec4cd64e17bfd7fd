"""A fake Salesforce REST query API: SOQL subset, nextRecordsUrl cursors, query/queryAll.

Account i (0-based) has Id `001` + 12 digits + `AAA` and SystemModstamp BASE + i minutes;
5 more Accounts are deleted (IsDeleted=true, modified after all the others) and only
`queryAll` returns them. Pages are capped at 100 rows ("smaller for wide rows").

Like a live org: a query's cursor is a snapshot taken when the query runs (edits made
while it is read show in the next query); `POST /services/oauth2/token` answers the
refresh-token grant and the JWT bearer grant (RS256 assertion checked against
`public_key`), with no `expires_in`; objects in `missing` answer `INVALID_TYPE`; products, order lines, quotes, tasks, events and cases are
written by hand (`build_relationship`), one Task archived (only `queryAll` returns it);
`/limits` reports the daily allocation.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import datetime, timedelta
from typing import Any

import jwt
from fakes_common import BASE, FakeVendor, FaultInjector
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ingest.systems.salesforce.connector import FIELDS

VERSION = "v66.0"
PAGE_CAP = 100
AUTH_BODY = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
SOQL = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<obj>\w+)"
    r"(?: WHERE (?:SystemModstamp > (?P<since>\S+)|(?P<live>IsDeleted = false)))?$",
    re.IGNORECASE,
)
PREFIX = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "Order": "801",
    "User": "005",
    "OrderItem": "802",
    "Product2": "01t",
    "Quote": "0Q0",
    "Task": "00T",
    "Event": "00U",
    "Case": "500",
}
CLIENT_ID, CLIENT_SECRET, REFRESH = "3MVG9-consumer-key", "sf-secret", "5Aep-refresh"
USERNAME = "integration@acme.example"
DAILY_LIMIT = [
    {
        "message": "TotalRequests Limit exceeded.",
        "errorCode": "REQUEST_LIMIT_EXCEEDED",
    }
]
CONCURRENT_LIMIT = [
    {
        "message": "ConcurrentPerOrgLongTxn Limit exceeded.",
        "errorCode": "REQUEST_LIMIT_EXCEEDED",
    }
]


def jwt_bearer_auth(private_key_file: str, url: str | None = None) -> dict[str, str]:
    """A source's [auth] for this fake's connected app: the JWT bearer flow for USERNAME,
    signed with the key in that file, at the fake's token URL when one is given."""
    auth = {
        "method": "jwt_bearer",
        "client_id": CLIENT_ID,
        "username": USERNAME,
        "private_key_file": private_key_file,
    }
    if url is not None:
        auth["token_url"] = f"{url}/services/oauth2/token"
    return auth


def sf_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class FakeSalesforce(FakeVendor):
    def __init__(self, accounts: int = 250, deleted: int = 5) -> None:
        super().__init__()
        self.public_key: str | None = None
        self.build(accounts, deleted)

    def reset(self) -> None:
        super().reset()
        self.public_key = None
        self.build()

    def build(self, accounts: int = 250, deleted: int = 5) -> None:
        self.missing: set[str] = set()
        self.store: dict[str, list[dict[str, Any]]] = {o: [] for o in PREFIX}
        for i in range(accounts + deleted):
            self._add("Account", i, Name=f"Account {i}", IsDeleted=i >= accounts)
        account_ids = [a["Id"] for a in self.store["Account"]]
        for j in range(30):
            self._add(
                "Contact", j, LastName=f"Last{j}", AccountId=None if j == 0 else account_ids[j]
            )
        for k in range(10):
            self._add(
                "Opportunity", k, Name=f"Opp {k}", Amount=1000.0 * k, AccountId=account_ids[k]
            )
        for n in range(5):
            self._add("Order", n, OrderNumber=f"{n:08d}", AccountId=account_ids[n])
        # Users (the owners): one deactivated; User has no IsDeleted column to select.
        for u, (first, last, active) in enumerate(
            (("Julie", "Martin", True), ("Karim", "Benali", False), ("Automated", "Process", True))
        ):
            self._add(
                "User",
                u,
                FirstName=first,
                LastName=last,
                Name=f"{first} {last}",
                Username=f"{first.lower()}.{last.lower()}@acme.fr.crm",
                Email=f"{first.lower()}.{last.lower()}@acme.fr",
                IsActive=active,
            )
        self.build_relationship()
        self.cursors: dict[str, list[dict[str, Any]]] = {}
        self._locators = itertools.count(1)

    # One record a line, as the org holds them.
    # fmt: off
    def build_relationship(self) -> None:
        """Products, order lines, quotes, tasks, events and cases as an org holds them.

        Task 2 was closed over a year ago: archived (IsArchived), so only queryAll sees it.
        """
        acc = [a["Id"] for a in self.store["Account"]]
        con = [c["Id"] for c in self.store["Contact"]]
        opp = [o["Id"] for o in self.store["Opportunity"]]
        order = [o["Id"] for o in self.store["Order"]]
        user = self.store["User"][0]["Id"]

        def at(text: str) -> str:
            return f"{text}.000+0000"

        self._add("Product2", 0, Name="Broche HSK-63", ProductCode="HSK63", Family="Broches", IsActive=True, QuantityUnitOfMeasure="Each")
        self._add("Product2", 1, Name="Forfait installation", ProductCode="INST", Family="Services", IsActive=False)
        products = [p["Id"] for p in self.store["Product2"]]
        self._add("OrderItem", 0, OrderId=order[0], OrderItemNumber="0000000001", Product2Id=products[0], Quantity=4.0, UnitPrice=1250.0, ListPrice=1250.0, TotalPrice=5000.0, ServiceDate="2026-03-02")
        self._add("OrderItem", 1, OrderId=order[0], OrderItemNumber="0000000002", Product2Id=products[1], Quantity=2.0, UnitPrice=850.13, ListPrice=900.0, TotalPrice=1700.26, Description="Pose sur site")
        self._add("Quote", 0, Name="Devis ligne 3", QuoteNumber="00000001", OpportunityId=opp[1], AccountId=acc[1], ContactId=con[1], Status="Presented", ExpirationDate="2026-04-30", Subtotal=12000.5, TotalPrice=12000.5, Tax=2400.1, GrandTotal=14400.6, IsSyncing=True, CreatedDate=at("2026-03-01T09:30:00"))
        self._add("Quote", 1, Name="Devis options", QuoteNumber="00000002", OpportunityId=opp[2], AccountId=acc[2], Status="Draft", Subtotal=800.0, TotalPrice=800.0, GrandTotal=960.0, IsSyncing=False, CreatedDate=at("2026-03-04T11:00:00"))
        self._add("Task", 0, WhoId=con[1], WhatId=acc[1], AccountId=acc[1], Subject="Appel de suivi", ActivityDate="2026-03-02", Status="Completed", Priority="Normal", IsClosed=True, TaskSubtype="Call", Type="Call", CallType="Outbound", CallDisposition="Joint, rappeler en avril", CallDurationInSeconds=540, CompletedDateTime=at("2026-03-02T09:20:00"), OwnerId=user, IsArchived=False)
        self._add("Task", 1, WhatId=opp[2], AccountId=acc[2], Subject="Envoyer CGV", ActivityDate="2026-12-20", Status="Not Started", Priority="High", IsClosed=False, TaskSubtype="Task", OwnerId=user, IsArchived=False)
        self._add("Task", 2, WhoId=con[3], AccountId=acc[3], Subject="Ancien appel", ActivityDate="2025-01-10", Status="Completed", Priority="Normal", IsClosed=True, TaskSubtype="Call", CompletedDateTime=at("2025-01-10T10:00:00"), OwnerId=user, IsArchived=True)
        self._add("Event", 0, WhoId=con[2], WhatId=acc[2], AccountId=acc[2], Subject="Démo", StartDateTime=at("2026-04-10T12:00:00"), EndDateTime=at("2026-04-10T13:00:00"), ActivityDateTime=at("2026-04-10T12:00:00"), ActivityDate="2026-04-10", DurationInMinutes=60, IsAllDayEvent=False, EventSubtype="Event", Location="Lyon", OwnerId=user, IsArchived=False)
        self._add("Case", 0, CaseNumber="00001001", AccountId=acc[1], ContactId=con[1], Subject="Machine à l'arrêt", Status="New", Priority="High", Origin="Phone", IsClosed=False, OwnerId=user, CreatedDate=at("2026-03-04T08:00:00"))
        self._add("Case", 1, CaseNumber="00001002", AccountId=acc[2], Subject="Question facture", Status="Closed", Priority="Low", Origin="Email", IsClosed=True, ClosedDate=at("2026-01-07T15:30:00"), OwnerId=user, CreatedDate=at("2026-01-05T08:00:00"))
        # fmt: on

    def edit(self, obj: str, rid: str, minutes: float, **values: Any) -> None:
        rec = next(r for r in self.store[obj] if r["Id"] == rid)
        stamp = sf_time(BASE + timedelta(minutes=minutes))
        rec |= values | {"LastModifiedDate": stamp, "SystemModstamp": stamp}

    def delete(self, obj: str, rid: str, minutes: float) -> None:
        self.edit(obj, rid, minutes, IsDeleted=True)

    def _add(self, obj: str, i: int, **values: Any) -> None:
        record: dict[str, Any] = {f: None for f in FIELDS[obj] if "." not in f}
        stamp = sf_time(BASE + timedelta(minutes=i))
        record |= {
            "Id": f"{PREFIX[obj]}{i:012d}AAA",
            "CreatedDate": sf_time(BASE),
            "LastModifiedDate": stamp,
            "SystemModstamp": stamp,
            "IsDeleted": False,
        }
        self.store[obj].append(record | values)

    def error_body(self, status: int) -> tuple[bytes, str]:
        if status == 401:
            return json.dumps(AUTH_BODY).encode(), "application/json"
        body = [{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}]
        return json.dumps(body).encode(), "application/json"

    def render(self, obj: str, rec: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {
                "type": obj,
                "url": f"/services/data/{VERSION}/sobjects/{obj}/{rec['Id']}",
            }
        }
        for name in fields:
            if "." in name:  # a relationship field: the parent nested under its name
                relation, column = name.split(".", 1)
                parent = next(
                    (p for p in self.store[relation] if p["Id"] == rec[f"{relation}Id"]), None
                )
                if parent is None:
                    out[relation] = None
                    continue
                nested = out.get(relation) or {
                    "attributes": {
                        "type": relation,
                        "url": f"/services/data/{VERSION}/sobjects/{relation}/{parent['Id']}",
                    }
                }
                nested[column] = parent[column]
                out[relation] = nested
            else:
                out[name] = rec[name]
        return out


def make_app(fake: FakeSalesforce) -> FaultInjector:
    app = FastAPI()

    def authorised(request: Request) -> bool:
        return fake.accepts(request.headers.get("authorization"))

    def page(locator: str, start: int, size: int, total: int) -> dict[str, Any]:
        rows = fake.cursors[locator]
        end = start + size
        body: dict[str, Any] = {
            "totalSize": total,
            "done": end >= len(rows),
            "records": rows[start:end],
        }
        if end < len(rows):
            body["nextRecordsUrl"] = f"/services/data/{VERSION}/query/{locator}-{end}-{size}"
        return body

    def run_query(request: Request, include_deleted: bool) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        match = SOQL.match(request.query_params.get("q", "").strip())
        if match is None:
            return JSONResponse(
                [{"message": "unexpected token", "errorCode": "MALFORMED_QUERY"}], status_code=400
            )
        obj, fields = match["obj"], [f.strip() for f in match["fields"].split(",")]
        if obj in fake.missing:
            message = (
                f"\n{match['fields'][:20]} FROM {obj}\n ^\nERROR at Row:1:Column:1\n"
                f"sObject type '{obj}' is not supported. If you are attempting to use a "
                "custom object, be sure to append the '__c' after the entity name."
            )
            return JSONResponse(
                [{"message": message, "errorCode": "INVALID_TYPE"}], status_code=400
            )
        unknown = [f for f in fields if f not in FIELDS.get(obj, ())]
        if obj not in fake.store or unknown:
            message = f"No such column '{unknown[0] if unknown else obj}' on entity '{obj}'"
            return JSONResponse(
                [{"message": message, "errorCode": "INVALID_FIELD"}], status_code=400
            )
        # Archived activities (closed over a year ago) answer queryAll only.
        rows = [
            r
            for r in fake.store[obj]
            if include_deleted or not (r["IsDeleted"] or r.get("IsArchived"))
        ]
        if match["live"]:
            rows = [r for r in rows if not r["IsDeleted"]]
        if match["since"]:
            since = datetime.fromisoformat(match["since"])
            rows = [r for r in rows if datetime.fromisoformat(r["SystemModstamp"]) > since]
        locator = f"01g{next(fake._locators):015d}"
        fake.cursors[locator] = [fake.render(obj, r, fields) for r in rows]
        options = request.headers.get("sforce-query-options", "")
        asked = re.search(r"batchSize=(\d+)", options)
        size = min(max(200, int(asked[1])) if asked else 2000, 2000, PAGE_CAP)
        return page(locator, 0, size, len(rows))

    @app.get(f"/services/data/{VERSION}/query")
    def query(request: Request) -> Any:
        return run_query(request, include_deleted=False)

    @app.get(f"/services/data/{VERSION}/queryAll")
    def query_all(request: Request) -> Any:
        return run_query(request, include_deleted=True)

    @app.get(f"/services/data/{VERSION}/query/{{cursor}}")
    def query_more(cursor: str, request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        locator, start, size = cursor.split("-")
        if locator not in fake.cursors:
            return JSONResponse(
                [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}],
                status_code=400,
            )
        return page(locator, int(start), int(size), len(fake.cursors[locator]))

    @app.get(f"/services/data/{VERSION}/limits")
    def limits(request: Request) -> Any:
        if not authorised(request):
            return JSONResponse(AUTH_BODY, status_code=401)
        return {"DailyApiRequests": {"Max": 15000, "Remaining": 14990}}

    @app.post("/services/oauth2/token")
    async def token(request: Request) -> Any:
        form = {k: str(v) for k, v in (await request.form()).items()}
        fake.grants.append(form)
        grant = form.get("grant_type")
        ok = False
        if grant == "refresh_token":
            ok = (form.get("client_id"), form.get("client_secret"), form.get("refresh_token")) == (
                CLIENT_ID,
                CLIENT_SECRET,
                REFRESH,
            )
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" and fake.public_key:
            try:
                claims = jwt.decode(
                    form.get("assertion", ""),
                    fake.public_key,
                    algorithms=["RS256"],
                    audience="https://login.salesforce.com",
                    issuer=CLIENT_ID,
                )
                # Salesforce takes an assertion whose exp is at most 3 minutes away.
                ok = claims.get("sub") == USERNAME and claims["exp"] <= time.time() + 185
            except jwt.PyJWTError:
                ok = False
        if not ok:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "authentication failure"},
                status_code=400,
            )
        return {
            "access_token": fake.issue_token("00Dxx0000001gPL!AR8AQ"),
            "instance_url": str(request.base_url).rstrip("/"),
            "id": f"https://login.salesforce.com/id/00Dxx0000001gPL/{USERNAME}",
            "token_type": "Bearer",
            "issued_at": "1796083200000",
            "signature": "c2lnbmF0dXJl",
        }

    return FaultInjector(app, fake)
