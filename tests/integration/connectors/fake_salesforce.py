"""A fake Salesforce REST query API: SOQL subset, nextRecordsUrl cursors, query/queryAll.

Account i (0-based) has Id `001` + 12 digits + `AAA` and SystemModstamp BASE + i minutes;
5 more Accounts are deleted (IsDeleted=true, modified after all the others) and only
`queryAll` returns them. Pages are capped at 100 rows ("smaller for wide rows").

Like a live org: a query's cursor is a snapshot taken when the query runs (edits made
while it is read show in the next query); `POST /services/oauth2/token` answers the
refresh-token grant and the JWT bearer grant (RS256 assertion checked against
`public_key`), with no `expires_in`; objects in `missing` answer `INVALID_TYPE`;
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
    r"^SELECT (?P<fields>.+?) FROM (?P<obj>\w+)(?: WHERE SystemModstamp > (?P<since>\S+))?$",
    re.IGNORECASE,
)
PREFIX = {"Account": "001", "Contact": "003", "Opportunity": "006", "Order": "801", "User": "005"}
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
        self.cursors: dict[str, list[dict[str, Any]]] = {}
        self._locators = itertools.count(1)

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
            if name.startswith("Account."):
                parent = next(
                    (a for a in self.store["Account"] if a["Id"] == rec["AccountId"]), None
                )
                out["Account"] = (
                    None
                    if parent is None
                    else {
                        "attributes": {
                            "type": "Account",
                            "url": f"/sobjects/Account/{parent['Id']}",
                        },
                        "Name": parent["Name"],
                    }
                )
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
        rows = [r for r in fake.store[obj] if include_deleted or not r["IsDeleted"]]
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
