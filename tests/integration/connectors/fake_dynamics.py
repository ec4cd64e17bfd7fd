"""A fake Dataverse Web API (OData v4): $select, $filter on modifiedon, server-driven paging.

Honours `Prefer: odata.maxpagesize=N` (echoed in `Preference-Applied`) and answers
`@odata.nextLink` URLs whose `$skiptoken` is an opaque, URL-encoded paging cookie. Account
i (0-based) has accountid `00000000-0000-0000-0000-<i:012d>` and modifiedon BASE + i min.

Like Dataverse, the paging cookie holds the last primary key read (rows are served in key
order after it), so a row deleted between two pages shifts nothing. Entra ID's
`GET /{tenant}/v2.0/.well-known/openid-configuration` (what MSAL reads first) and
`POST /{tenant}/oauth2/v2.0/token` grant client credentials (`expires_in` = `lifetime`);
served over HTTPS by a second server (MSAL accepts only an https authority). An expired
token answers 401 `ExpiredAuthTicket`.

Quotes, order lines, products, the activities (phonecalls, appointments, emails, tasks) and
incidents are written by hand (`HAND`); lookups answer their
`@Microsoft.Dynamics.CRM.lookuplogicalname` when `odata.include-annotations` asks for it.

Change tracking as the Dataverse Web API documents it: `Prefer: odata.track-changes` on a
read without `$filter` is echoed in `Preference-Applied`, and its last page carries an
`@odata.deltaLink` whose `$deltatoken` is the store's version when the read began. GETting
that link answers the rows created or edited since (key order, paged the same way) and,
for each row deleted since, only `{"@odata.context": "…#<set>/$deletedEntity", "id": …,
"reason": "deleted"}`. A token older than `oldest_token` answers 410 Gone (expired).
As documented, a tracked read refuses `$filter`, `$orderby`, `$expand` and `$top` (400
`The "$expand" query parameter isn't supported when Change Tracking is enabled.`).

`$expand` of the single-valued `transactioncurrencyid` (the record's currency) with a
nested `$select` answers, as Dataverse does, the selected columns plus the currency's key
(`"transactioncurrencyid": {"isocurrencycode": "USD", "transactioncurrencyid": "<guid>"}`),
null when the lookup is; `@odata.context` names it (`quotes(…,transactioncurrencyid(
isocurrencycode))`) and the nextLink keeps it. Another navigation property is a 400.
The org's currencies (`transactioncurrencies`): EUR, USD and GBP, `CURRENCIES`.
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

from ingest.systems.dynamics365.connector import FIELDS

API = "/api/data/v9.2"
MAX_PAGE = 5000
KEYS = {
    "accounts": "accountid",
    "contacts": "contactid",
    "opportunities": "opportunityid",
    "salesorders": "salesorderid",
    "invoices": "invoiceid",
    "systemusers": "systemuserid",
    "quotes": "quoteid",
    "salesorderdetails": "salesorderdetailid",
    "products": "productid",
    "phonecalls": "activityid",
    "appointments": "activityid",
    "emails": "activityid",
    "tasks": "activityid",
    "incidents": "incidentid",
    "transactioncurrencies": "transactioncurrencyid",
}
# The org's currencies: ISO code → the number of its GUID.
CURRENCIES = {"EUR": 901, "USD": 902, "GBP": 903}
CURRENCY_COLUMNS = ("transactioncurrencyid", "isocurrencycode", "currencyname", "modifiedon")
COLUMNS = {**FIELDS, "transactioncurrencies": CURRENCY_COLUMNS}
# Single-valued navigation properties `$expand` knows: name → (lookup column, entity set).
NAVIGATION = {"transactioncurrencyid": ("_transactioncurrencyid_value", "transactioncurrencies")}
LOGICAL = "@Microsoft.Dynamics.CRM.lookuplogicalname"
FORMATTED_VALUE = "@OData.Community.Display.V1.FormattedValue"
# Written by hand (`build_relationship`): one dict per row, lookups as (GUID, table).
HAND: dict[str, list[dict[str, Any]]] = {
    "quotes": [
        {"quoteid": 101, "quotenumber": "QUO-01001-A1B2", "revisionnumber": 0,
         "name": "Devis ligne 3", "_customerid_value": (1, "account"),
         "_opportunityid_value": (2, "opportunity"), "totalamount": 14400.6,
         "totaltax": 2400.1, "effectiveto": "2026-04-30", "statecode": 1, "statuscode": 3,
         "_transactioncurrencyid_value": (CURRENCIES["USD"], "transactioncurrency"),
         "createdon": "2026-03-01T09:30:00Z"},
        {"quoteid": 102, "quotenumber": "QUO-01002-C3D4", "revisionnumber": 1,
         "name": "Devis options", "_customerid_value": (2, "account"), "totalamount": 960.0,
         "totaltax": 160.0, "statecode": 0, "statuscode": 1,
         "createdon": "2026-03-04T11:00:00Z"},
    ],
    "salesorderdetails": [
        {"salesorderdetailid": 201, "_salesorderid_value": (0, "salesorder"),
         "_productid_value": (301, "product"), "quantity": 4.0, "priceperunit": 1250.0,
         "baseamount": 5000.0, "manualdiscountamount": 500.0, "volumediscountamount": 0.0,
         "tax": 900.0, "extendedamount": 5400.0, "lineitemnumber": 1, "sequencenumber": 1,
         "_transactioncurrencyid_value": (CURRENCIES["GBP"], "transactioncurrency")},
        # A write-in product: no product lookup, its description only.
        {"salesorderdetailid": 202, "_salesorderid_value": (0, "salesorder"),
         "productdescription": "Forfait installation", "quantity": 2.0,
         "priceperunit": 850.13, "baseamount": 1700.26, "tax": 340.05,
         "extendedamount": 2040.31, "lineitemnumber": 2, "sequencenumber": 2},
    ],
    "products": [
        {"productid": 301, "productnumber": "HSK63", "name": "Broche HSK-63",
         "producttypecode": 1, "price": 1250.0, "statecode": 0, "statuscode": 1,
         "_transactioncurrencyid_value": (CURRENCIES["GBP"], "transactioncurrency")},
        {"productid": 302, "productnumber": "INST-01", "name": "Forfait installation",
         "producttypecode": 3, "price": 850.13, "statecode": 1, "statuscode": 2},
    ],
    "phonecalls": [
        {"activityid": 401, "activitytypecode": "phonecall", "subject": "Relance",
         "_regardingobjectid_value": (1, "account"), "phonenumber": "+33 4 78 00 00 00",
         "directioncode": True, "scheduledstart": "2026-03-02T09:00:00Z",
         "scheduledend": "2026-03-02T09:30:00Z", "actualend": "2026-03-02T09:20:00Z",
         "_ownerid_value": (5, "systemuser"), "statecode": 1, "statuscode": 2,
         "createdon": "2026-03-01T08:00:00Z"},
    ],
    "appointments": [
        {"activityid": 402, "activitytypecode": "appointment", "subject": "Démo",
         "_regardingobjectid_value": (2, "contact"), "location": "Lyon",
         "scheduledstart": "2026-12-10T12:00:00Z", "scheduledend": "2026-12-10T13:00:00Z",
         "_ownerid_value": (5, "systemuser"), "statecode": 3, "statuscode": 5,
         "createdon": "2026-11-20T08:00:00Z"},
    ],
    "emails": [
        {"activityid": 403, "activitytypecode": "email", "subject": "Votre devis",
         "_regardingobjectid_value": (3, "opportunity"), "directioncode": True,
         "sender": "ventes@acme.fr", "torecipients": "achats@client.fr;",
         "actualend": "2026-03-01T10:00:00Z", "_ownerid_value": (5, "systemuser"),
         "statecode": 1, "statuscode": 3, "createdon": "2026-03-01T09:58:00Z"},
    ],
    "tasks": [
        {"activityid": 404, "activitytypecode": "task", "subject": "Envoyer contrat",
         "_regardingobjectid_value": (2, "account"), "percentcomplete": 0,
         "prioritycode": 2, "scheduledend": "2026-02-28T17:00:00Z",
         "_ownerid_value": (6, "systemuser"), "statecode": 0, "statuscode": 2,
         "createdon": "2026-02-20T08:00:00Z"},
    ],
    "incidents": [
        {"incidentid": 501, "ticketnumber": "CAS-01001-A1B2C3", "title": "Machine à l'arrêt",
         "_customerid_value": (1, "account"), "prioritycode": 1, "caseorigincode": 1,
         "_ownerid_value": (5, "systemuser"), "statecode": 0, "statuscode": 1,
         "createdon": "2026-03-04T08:00:00Z"},
        {"incidentid": 502, "ticketnumber": "CAS-01002-D4E5F6", "title": "Question tarif",
         "_customerid_value": (2, "contact"), "prioritycode": 3, "caseorigincode": 2,
         "statecode": 1, "statuscode": 5, "createdon": "2026-01-05T08:00:00Z",
         "modifiedon": "2026-01-07T15:30:00Z"},
    ],
}  # fmt: skip
SIZES = {"accounts": 250, "contacts": 40, "opportunities": 10, "salesorders": 5, "invoices": 5}
FILTER = re.compile(r"^modifiedon gt (\S+)$")
COOKIE = re.compile(r'pagingcookie="([^"]+)"')
VERSION = re.compile(r'version="(\d+)"')
TRACK = re.compile(r"(^|[,\s])odata\.track-changes($|[,\s])")
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
        self.denied: set[str] = set()  # entity sets the application user may not read
        self.lifetime = 3599
        self.discoveries: list[str] = []  # tenants whose OpenID configuration was read
        # Change tracking: every write bumps the version; a row keeps the version of its
        # last write (`_v`, never served), a deletion is kept as (id, version).
        self.version = 0
        self.oldest_token = 0
        self.deleted: dict[str, list[tuple[str, int]]] = {e: [] for e in SIZES}
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
                row["_v"] = 0
                rows.append(row)
            self.store[entity] = rows
        self.store["accounts"][1]["_primarycontactid_value"] = guid(1)
        # systemusers (read when `objects` names them): a user, a disabled one, SYSTEM.
        self.deleted["systemusers"] = []
        self.store["systemusers"] = []
        for i, fullname, email, disabled in (
            (5, "Thomas Nguyen", "thomas.nguyen@acme.fr", False),
            (6, "Élodie Roux", "elodie.roux@acme.fr", True),
            (7, "SYSTEM", None, False),
        ):
            row = {f: None for f in FIELDS["systemusers"]}
            row |= {
                "systemuserid": guid(i),
                "fullname": fullname,
                "internalemailaddress": email,
                "isdisabled": disabled,
                "createdon": "2026-10-01T00:00:00Z",
                "modifiedon": (BASE + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "_v": 0,
            }
            self.store["systemusers"].append(row)

        self.deleted["transactioncurrencies"] = []
        self.store["transactioncurrencies"] = [
            {"transactioncurrencyid": guid(n), "isocurrencycode": code,
             "currencyname": code, "modifiedon": "2026-10-01T00:00:00Z", "_v": 0}
            for code, n in CURRENCIES.items()
        ]  # fmt: skip
        self.build_relationship()

    def build_relationship(self) -> None:
        """The HAND rows as the org stores them: key and lookups as GUIDs, each lookup's
        table kept as its `@Microsoft.Dynamics.CRM.lookuplogicalname` annotation."""
        for n, (entity, rows) in enumerate(HAND.items()):
            self.deleted[entity] = []
            self.store[entity] = []
            for m, hand in enumerate(rows):
                row: dict[str, Any] = {f: None for f in FIELDS[entity]}
                stamp = (BASE + timedelta(minutes=300 + 10 * n + m)).strftime("%Y-%m-%dT%H:%M:%SZ")
                row |= {"createdon": "2026-10-01T00:00:00Z", "modifiedon": stamp, "_v": 0}
                for column, value in hand.items():
                    if column == KEYS[entity]:
                        row[column] = guid(value)
                    elif isinstance(value, tuple):
                        row[column] = guid(value[0])
                        row[column + LOGICAL] = value[1]
                    else:
                        row[column] = value
                self.store[entity].append(row)

    def delete(self, entity: str, i: int) -> None:
        self.version += 1
        self.store[entity] = [r for r in self.store[entity] if r[KEYS[entity]] != guid(i)]
        self.deleted[entity].append((guid(i), self.version))

    def edit(self, entity: str, i: int, minutes: float, **values: Any) -> None:
        self.version += 1
        row = next(r for r in self.store[entity] if r[KEYS[entity]] == guid(i))
        row |= values | {
            "modifiedon": (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "_v": self.version,
        }

    def add(self, entity: str, i: int, minutes: float, **values: Any) -> None:
        self.version += 1
        row: dict[str, Any] = {f: None for f in FIELDS[entity]}
        stamp = (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        row |= {KEYS[entity]: guid(i), "name": f"{entity} {i}", "statecode": 0}
        row |= {"createdon": stamp, "modifiedon": stamp, "_v": self.version} | values
        self.store[entity].append(row)

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


def shown(row: dict[str, Any], columns: list[str], prefer: str) -> dict[str, Any]:
    """A row's selected columns, each lookup with its annotations when the Prefer header's
    `odata.include-annotations` asks for them (as Dataverse: only for non-null lookups)."""
    asked = re.search(r'odata\.include-annotations="([^"]*)"', prefer)
    wanted = asked[1].split(",") if asked else []
    out: dict[str, Any] = {}
    for c in columns:
        for annotation in (LOGICAL, FORMATTED_VALUE):
            name = annotation.lstrip("@")
            if (name in wanted or "*" in wanted) and row.get(c + annotation) is not None:
                out[c + annotation] = row[c + annotation]
        out[c] = row[c]
    return out


def _table(entity: str) -> str:
    """The table (logical name) of an entity set."""
    return "transactioncurrency" if entity == "transactioncurrencies" else entity[:-1]


def _no_property(name: str, entity: str) -> JSONResponse:
    message = (
        f"Could not find a property named '{name}' on type "
        f"'Microsoft.Dynamics.CRM.{_table(entity)}'."
    )
    return _odata_error(400, "0x80060888", message)


EXPAND_ITEM = re.compile(r"(\w+)(?:\(([^()]*)\))?(?:,|$)")


def parse_expand(text: str) -> dict[str, list[str]] | str:
    """`nav($select=a,b),other`: each navigation property and its selected columns (all of
    them when no $select); an error message for what the fake does not take."""
    found: dict[str, list[str]] = {}
    position = 0
    while position < len(text):
        item = EXPAND_ITEM.match(text, position)
        if item is None:
            return f"Syntax error at position {position} in '{text}'."
        nav, options = item[1], item[2]
        selected: list[str] = []
        for option in (options or "").split(";"):
            if not option:
                continue
            name, _, value = option.partition("=")
            if name != "$select":
                return f"The query option '{name}' is not supported in this fake's $expand."
            selected = value.split(",")
        found[nav] = selected
        position = item.end()
    return found


def expanded(fake: FakeDynamics, row: dict[str, Any], expand: dict[str, list[str]]) -> Any:
    """Each expanded single-valued navigation property: the related row's selected columns
    and its key (Dataverse always adds the key), null when the lookup is."""
    out: dict[str, Any] = {}
    for nav, columns in expand.items():
        lookup, target = NAVIGATION[nav]
        related = next(
            (t for t in fake.store[target] if row.get(lookup) and t[KEYS[target]] == row[lookup]),
            None,
        )
        wanted = columns or list(COLUMNS[target])
        out[nav] = (
            None
            if related is None
            else {c: related[c] for c in wanted} | {KEYS[target]: related[KEYS[target]]}
        )
    return out


def described(select: str, expand: dict[str, list[str]]) -> str:
    """The `@odata.context` column list: `quoteid,…,transactioncurrencyid(isocurrencycode)`."""
    parts = [select] if select else []
    parts += [f"{nav}({','.join(columns)})" for nav, columns in expand.items()]
    return ",".join(parts)


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
        if entity in fake.denied:
            table = _table(entity)
            message = (
                f"Principal user (Id={guid(9)}, type=8, roleCount=1, privilegeCount=312, "
                f"accessMode=4), is missing prvRead{table.capitalize()} privilege "
                f"(Id={guid(10)}) on OTC=112 for entity '{table}'."
            )
            return _odata_error(403, "0x80040220", message)
        q = request.query_params
        select = q.get("$select", "")
        columns = select.split(",") if select else list(COLUMNS[entity])
        unknown = [c for c in columns if c not in COLUMNS[entity]]
        if unknown:
            return _no_property(unknown[0], entity)
        asks_tracking = TRACK.search(request.headers.get("prefer", "")) is not None
        refused = [o for o in ("$filter", "$orderby", "$expand", "$top") if q.get(o)]
        if asks_tracking and refused:
            return _odata_error(
                400,
                "0x80060888",
                f'The "{refused[0]}" query parameter isn\'t supported when Change Tracking '
                "is enabled.",
            )
        expand = parse_expand(q.get("$expand", ""))
        if isinstance(expand, str):
            return _odata_error(400, "0x80060888", expand)
        for nav, nav_columns in expand.items():
            lookup, target = NAVIGATION.get(nav, ("", ""))
            if lookup not in COLUMNS[entity]:
                return _no_property(nav, entity)
            wrong = [c for c in nav_columns if c not in COLUMNS[target]]
            if wrong:
                return _no_property(wrong[0], target)
        rows: list[dict[str, Any]] = fake.store[entity]
        key = KEYS[entity]
        token = q.get("$skiptoken")
        delta = q.get("$deltatoken")
        # The version a tracked read started at travels in the paging cookie.
        found = VERSION.search(token) if token else None
        started = int(found[1]) if found else None
        if delta is not None:
            since_version = int(delta.split("!")[0])
            if since_version < fake.oldest_token:
                return _odata_error(
                    410,
                    "0x80072491",
                    "Version stamp associated with the "
                    "client has expired. Please perform a full sync.",
                )
            rows = [r for r in rows if r["_v"] > since_version]
            live = {r[key] for r in fake.store[entity]}
            rows = rows + [
                {key: gone, "@deleted": True}
                for gone, version in fake.deleted[entity]
                if version > since_version and gone not in live
            ]
        if q.get("$filter"):
            match = FILTER.match(q["$filter"])
            if match is None:
                return _odata_error(400, "0x8006088a", "Syntax error in $filter")
            since = datetime.fromisoformat(match[1])
            rows = [r for r in rows if datetime.fromisoformat(r["modifiedon"]) > since]
        prefer_header = request.headers.get("prefer", "")
        prefer = re.search(r"odata\.maxpagesize=(\d+)", prefer_header)
        size = min(int(prefer[1]), MAX_PAGE) if prefer else MAX_PAGE
        # A delta link is tracked by nature (its token says since when).
        tracking = delta is not None or asks_tracking
        if tracking and started is None:
            started = fake.version
        rows = sorted(rows, key=lambda r: r[key])
        last = COOKIE.search(token)[1] if token else ""  # type: ignore[index]
        after = [r for r in rows if r[key] > last]
        page = after[:size]
        base = f"{request.base_url}{API.lstrip('/')}/{entity}"
        body: dict[str, Any] = {
            "@odata.context": f"{base}/$metadata#{entity}({described(select, expand)})"
            + ("/$delta" if tracking else ""),
            "value": [
                {
                    "@odata.context": f"{base}/$metadata#{entity}/$deletedEntity",
                    "id": r[key],
                    "reason": "deleted",
                }
                if r.get("@deleted")
                else {
                    "@odata.etag": f'W/"{1000 + i}"',
                    **shown(r, columns, prefer_header),
                    **expanded(fake, r, expand),
                }
                for i, r in enumerate(page)
            ],
        }
        if len(after) > size:
            number = int(re.search(r'pagenumber="(\d+)"', token)[1]) + 1 if token else 2  # type: ignore[index]
            tracked = f'istracking="True" version="{started}"' if tracking else 'istracking="False"'
            cookie = f'<cookie pagenumber="{number}" pagingcookie="{page[-1][key]}" {tracked} />'
            params = {k: v for k, v in q.items() if k != "$skiptoken"} | {"$skiptoken": cookie}
            body["@odata.nextLink"] = f"{base}?{urlencode(params, quote_via=quote)}"
        elif tracking:
            params = {"$select": select} if select else {}
            params["$deltatoken"] = f"{started}!12/06/2026 06:00:00"
            body["@odata.deltaLink"] = f"{base}?{urlencode(params, quote_via=quote)}"
        headers = {"OData-Version": "4.0"}
        applied = [f"odata.maxpagesize={size}"] if prefer else []
        if tracking:
            applied.append("odata.track-changes")
        if applied:
            headers["Preference-Applied"] = ",".join(applied)
        return JSONResponse(body, headers=headers)

    @app.get("/{tenant}/v2.0/.well-known/openid-configuration")
    def openid_configuration(tenant: str, request: Request) -> Any:
        # What Entra ID publishes for a tenant (the fields MSAL reads); served over HTTPS.
        fake.discoveries.append(tenant)
        if tenant != TENANT:
            body = {
                "error": "invalid_tenant",
                "error_description": f"AADSTS90002: Tenant '{tenant}' not found.",
            }
            return JSONResponse(body, status_code=400)
        base = f"{str(request.base_url).rstrip('/')}/{tenant}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "issuer": f"{base}/v2.0",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        }

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
