"""A fake Odoo external API: JSON-2 (`/json/2/<model>/<method>`) and JSON-RPC (`/jsonrpc`).

Speaks `fields_get` and `search_read` (domain subset, offset/limit, order id,
`active_test`), returns many2one as `[id, "name"]` and `false` for empty values, and
answers errors the Odoo way: JSON-2 with real HTTP statuses (401, 422), JSON-RPC with
HTTP 200 and an `error` envelope. Like Odoo 18+, res.partner has no `mobile` field.
Partner i (1-based id) has write_date BASE + i minutes; every 50th is archived.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fakes_common import BASE, FakeVendor, FaultInjector
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DB = "c360-test"
LOGIN = "api@example.com"
UID = 2
M2O = {
    "parent_id",
    "commercial_partner_id",
    "state_id",
    "country_id",
    "user_id",
    "property_payment_term_id",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "currency_id",
    "payment_term_id",
    "pricelist_id",
    "opportunity_id",
    "invoice_payment_term_id",
    "reversed_entry_id",
}
BOOLEAN = {"is_company", "active", "use_partner_credit_limit"}
OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "in": lambda a, b: a in b,
}


def odoo_time(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


class OdooFault(Exception):
    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(message)
        self.status, self.name, self.message = status, name, message


class FakeOdoo(FakeVendor):
    def __init__(self, partners: int = 250) -> None:
        super().__init__()
        self.build(partners)

    def reset(self) -> None:
        super().reset()
        self.build()

    def unlink(self, model: str, rid: int) -> None:
        self.store[model] = [r for r in self.store[model] if r["id"] != rid]

    def write(self, model: str, rid: int, minutes: float, **values: Any) -> None:
        """A write whose transaction started at BASE + minutes (Odoo's write_date)."""
        row = next(r for r in self.store[model] if r["id"] == rid)
        row |= values | {"write_date": odoo_time(minutes)}

    def create(self, model: str, rid: int, minutes: float, **values: Any) -> None:
        self._add(model, rid, **values)
        self.write(model, rid, minutes)

    def build(self, partners: int = 250) -> None:
        from ingest.systems.odoo.connector import FIELDS

        self.types = {
            model: {f: self._type(f) for f in fields if f != "mobile"}
            for model, fields in FIELDS.items()
        }
        self.store: dict[str, list[dict[str, Any]]] = {m: [] for m in FIELDS}
        for i in range(1, partners + 1):
            self._add(
                "res.partner",
                i,
                name=f"Partner {i}",
                is_company=True,
                country_id=False if i % 10 == 0 else [75, "France"],
                category_id=[1, 2] if i == 1 else [],
                active=i % 50 != 0,
                vat=False if i % 3 else f"FR{i:011d}",
            )
        for i in range(1, 31):
            self._add(
                "sale.order",
                i,
                name=f"S{i:05d}",
                partner_id=[i, f"Partner {i}"],
                state="sale",
                amount_total=100.0 * i,
            )
        for i in range(1, 41):
            kind = "in_invoice" if i % 4 == 0 else "out_invoice"
            self._add(
                "account.move",
                i,
                name=f"INV/2026/{i:05d}",
                move_type=kind,
                partner_id=[i, f"Partner {i}"],
                amount_residual=10.0 * i,
            )
        # res.users as Odoo ships them: the admin (id 2, login not an address), a
        # salesperson whose e-mail is blank (`false`) and an archived one.
        for uid, name, login, email, active in (
            (2, "Mitchell Admin", "admin", "admin@yourcompany.example.com", True),
            (7, "Julie Martin", "julie.martin@acme.fr", False, True),
            (8, "Ancien Commercial", "ancien@acme.fr", "ancien@acme.fr", False),
        ):
            self._add("res.users", uid, name=name, login=login, email=email, active=active)

    @staticmethod
    def _type(name: str) -> str:
        if name in M2O:
            return "many2one"
        if name in BOOLEAN:
            return "boolean"
        if name == "category_id":
            return "many2many"
        if name in ("id", "customer_rank", "supplier_rank"):
            return "integer"
        return "datetime" if name in ("create_date", "write_date") else "char"

    def _add(self, model: str, i: int, **values: Any) -> None:
        row: dict[str, Any] = {f: False for f in self.types[model]}
        row |= {"id": i, "create_date": odoo_time(0), "write_date": odoo_time(i), "active": True}
        self.store[model].append(row | values)

    def error_body(self, status: int) -> tuple[bytes, str]:
        names = {401: "werkzeug.exceptions.Unauthorized", 429: "TooManyRequests"}
        name = names.get(status, "werkzeug.exceptions.InternalServerError")
        body = {
            "name": name,
            "message": f"error {status}",
            "arguments": [],
            "context": {},
            "debug": "Traceback (most recent call last): ...",
        }
        return json.dumps(body).encode(), "application/json"

    def execute(self, model: str, method: str, args: list[Any], kw: dict[str, Any]) -> Any:
        if model not in self.store:
            raise OdooFault(404, "werkzeug.exceptions.NotFound", f"model {model} not found")
        if method == "fields_get":
            return {f: {"type": t, "string": f} for f, t in self.types[model].items()}
        if method != "search_read":
            raise OdooFault(422, "builtins.AttributeError", f"no method {method}")
        domain = args[0] if args else kw.get("domain", [])
        fields = kw.get("fields") or list(self.types[model])
        for name in fields + [leaf[0] for leaf in domain]:
            if name not in self.types[model]:
                raise OdooFault(
                    422, "builtins.ValueError", f"Invalid field {name!r} on model {model!r}"
                )
        rows = self.store[model]
        if (kw.get("context") or {}).get("active_test", True):
            rows = [r for r in rows if r["active"]]
        for field_name, op, value in domain:
            rows = [r for r in rows if OPS[op](r[field_name], value)]
        rows = sorted(rows, key=lambda r: r["id"])
        offset, limit = kw.get("offset", 0), kw.get("limit") or len(rows)
        return [{f: r[f] for f in ["id", *fields]} for r in rows[offset : offset + limit]]


def make_app(fake: FakeOdoo) -> FaultInjector:
    app = FastAPI()

    @app.post("/json/2/{model}/{method}")
    async def json2(model: str, method: str, request: Request) -> Any:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        db = request.headers.get("x-odoo-database", DB)
        try:
            if scheme.lower() != "bearer" or key != fake.token or db != DB:
                raise OdooFault(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
            return fake.execute(model, method, [], await request.json())
        except OdooFault as exc:
            body = {
                "name": exc.name,
                "message": exc.message,
                "arguments": [exc.message],
                "context": {},
                "debug": "Traceback (most recent call last): ...",
            }
            return JSONResponse(body, status_code=exc.status)

    @app.post("/jsonrpc")
    async def jsonrpc(request: Request) -> Any:
        call = await request.json()
        params = call["params"]
        try:
            if params["service"] == "common" and params["method"] == "authenticate":
                db, login, key, _ = params["args"]
                ok = (db, login, key) == (DB, LOGIN, fake.token)
                return {"jsonrpc": "2.0", "id": call.get("id"), "result": UID if ok else False}
            db, uid, key, model, method, args, kw = params["args"]
            if (db, uid, key) != (DB, UID, fake.token):
                raise OdooFault(200, "odoo.exceptions.AccessDenied", "Access Denied")
            result = fake.execute(model, method, args, kw)
            return {"jsonrpc": "2.0", "id": call.get("id"), "result": result}
        except OdooFault as exc:
            data = {
                "name": exc.name,
                "debug": "Traceback ...",
                "message": exc.message,
                "arguments": [exc.message],
                "context": {},
            }
            error = {"code": 200, "message": "Odoo Server Error", "data": data}
            return {"jsonrpc": "2.0", "id": call.get("id"), "error": error}

    return FaultInjector(app, fake)
