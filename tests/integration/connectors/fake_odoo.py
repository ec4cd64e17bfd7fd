"""A fake Odoo external API: JSON-2 (`/json/2/<model>/<method>`) and JSON-RPC (`/jsonrpc`).

Speaks `fields_get` and `search_read` (domain subset, offset/limit, order id,
`active_test`), returns many2one as `[id, "name"]` and `false` for empty values, and
answers errors the Odoo way: JSON-2 with real HTTP statuses (401, 422), JSON-RPC with
HTTP 200 and an `error` envelope. Like Odoo 18+, res.partner has no `mobile` field.
Partner i (1-based id) has write_date BASE + i minutes; every 50th is archived. Order
lines, products, payments, activities, messages and tickets are written by hand
(`build_relationship`); like Odoo 17, account.payment has no `memo`. A model missing
from `store` (helpdesk.ticket without the Helpdesk app) answers NotFound.
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
    "order_id",
    "product_id",
    "categ_id",
    "payment_method_line_id",
    "journal_id",
    "activity_type_id",
    "subtype_id",
    "author_id",
    "stage_id",
    "team_id",
}
BOOLEAN = {"is_company", "active", "use_partner_credit_limit", "fold"}
MANY2MANY = {"category_id", "reconciled_invoice_ids"}
# Like Odoo 17: account.payment has `ref` (renamed `memo` in 18).
ABSENT = {"res.partner": {"mobile"}, "account.payment": {"memo"}}
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

        self.denied: set[str] = set()  # models the API user's groups may not read
        self.types = {
            model: {f: self._type(f) for f in fields if f not in ABSENT.get(model, ())}
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

        self.build_relationship()

    def build_relationship(self) -> None:
        """Order lines, products, payments, activities, messages and tickets written by
        hand in Odoo's shape: many2one `[id, "name"]`, `false` for empty."""
        eur = [1, "EUR"]
        admin = [2, "Mitchell Admin"]
        rows: list[tuple[str, int, dict[str, Any]]] = [
            # Quotations: one sent (the quote of an opportunity, in EUR), one draft in USD
            # with no validity date (Odoo's `false`); both stay sale.order rows.
            ("sale.order", 41, {
                "name": "S00041", "partner_id": [7, "Partner 7"],
                "date_order": "2026-03-02 10:30:00", "validity_date": "2026-04-01",
                "state": "sent", "amount_untaxed": 2083.33, "amount_tax": 416.67,
                "amount_total": 2500.0, "currency_id": eur, "user_id": [7, "Julie Martin"],
                "opportunity_id": [3, "Lampes bureau Lyon"]}),
            ("sale.order", 42, {
                "name": "S00042", "partner_id": [8, "Partner 8"],
                "date_order": "2026-03-05 14:00:00", "state": "draft",
                "amount_untaxed": 99.99, "amount_tax": 20.0, "amount_total": 119.99,
                "currency_id": [2, "USD"], "user_id": admin}),
            ("sale.order.line", 90, {
                "order_id": [1, "S00001"], "sequence": 10,
                "product_id": [21, "[FURN_8888] Office Lamp"], "name": "[FURN_8888] Office Lamp",
                "product_uom_qty": 20.0, "price_unit": 125.0, "discount": 0.0,
                "price_subtotal": 2500.0, "price_total": 3000.0, "currency_id": eur,
                "state": "sale"}),
            ("sale.order.line", 91, {
                "order_id": [1, "S00001"], "sequence": 20, "product_id": [22, "Installation"],
                "name": "Installation sur site", "product_uom_qty": 1.0, "price_unit": 2777.78,
                "discount": 10.0, "price_subtotal": 2500.0, "price_total": 3000.0,
                "currency_id": eur, "state": "sale"}),
            # A section line: no product, left out by the connector's domain.
            ("sale.order.line", 92, {
                "order_id": [1, "S00001"], "sequence": 30, "name": "Options",
                "display_type": "line_section", "currency_id": eur, "state": "sale"}),
            ("product.product", 21, {
                "default_code": "FURN_8888", "name": "Office Lamp",
                "categ_id": [5, "All / Saleable / Office Furniture"], "list_price": 125.0,
                "currency_id": eur}),
            ("product.product", 22, {
                "name": "Installation", "categ_id": [6, "All / Services"], "list_price": 0.0,
                "currency_id": eur, "active": False}),
            # One receipt settling two invoices, one settling one, a draft receipt (skipped
            # by the profile) and a supplier payment (not read: the connector's domain).
            ("account.payment", 201, {
                "name": "PBNK1/2026/00012", "partner_id": [8, "Partner 8"], "date": "2026-02-20",
                "amount": 6000.0, "currency_id": eur, "payment_type": "inbound",
                "partner_type": "customer", "state": "posted",
                "payment_method_line_id": [1, "Manual Payment"], "journal_id": [7, "Bank"],
                "reconciled_invoice_ids": [7, 9], "ref": "Facture 7 et 9"}),
            ("account.payment", 202, {
                "name": "PBNK1/2026/00013", "partner_id": [7, "Partner 7"], "date": "2026-03-01",
                "amount": 1250.5, "currency_id": eur, "payment_type": "inbound",
                "partner_type": "customer", "state": "posted",
                "payment_method_line_id": [3, "SEPA Credit Transfer"], "journal_id": [7, "Bank"],
                "reconciled_invoice_ids": [11]}),
            ("account.payment", 203, {
                "name": "PBNK1/2026/00014", "partner_id": [7, "Partner 7"], "date": "2026-03-05",
                "amount": 99.99, "currency_id": eur, "payment_type": "inbound",
                "partner_type": "customer", "state": "draft",
                "payment_method_line_id": [1, "Manual Payment"], "journal_id": [7, "Bank"],
                "reconciled_invoice_ids": []}),
            ("account.payment", 204, {
                "name": "PBNK1/2026/00015", "partner_id": [30, "Partner 30"],
                "date": "2026-03-06", "amount": 450.0, "currency_id": eur,
                "payment_type": "outbound", "partner_type": "supplier", "state": "posted",
                "journal_id": [7, "Bank"], "reconciled_invoice_ids": [4]}),
            ("mail.activity", 301, {
                "res_model": "res.partner", "res_id": 7, "res_name": "Partner 7",
                "activity_type_id": [2, "Call"], "summary": "Rappeler pour le devis",
                "date_deadline": "2026-03-06", "user_id": admin}),
            # Done: archived with its date_done (Odoo 17+).
            ("mail.activity", 302, {
                "res_model": "res.partner", "res_id": 8, "res_name": "Partner 8",
                "activity_type_id": [1, "Email"], "date_deadline": "2026-02-26",
                "date_done": "2026-02-26 10:12:00", "user_id": admin, "active": False}),
            ("mail.activity", 303, {
                "res_model": "sale.order", "res_id": 12, "res_name": "S00012",
                "activity_type_id": [4, "To-Do"], "summary": "Relancer signature",
                "date_deadline": "2026-03-10", "user_id": [7, "Julie Martin"]}),
            ("mail.message", 501, {
                "model": "res.partner", "res_id": 7, "record_name": "Partner 7",
                "message_type": "comment", "subtype_id": [2, "Note"],
                "body": "<p>Client rappelé : attend le devis <b>révisé</b></p>",
                "date": "2026-03-02 09:15:00", "author_id": [3, "Mitchell Admin"]}),
            ("mail.message", 502, {
                "model": "sale.order", "res_id": 12, "record_name": "S00012",
                "message_type": "email", "subtype_id": [1, "Discussions"],
                "subject": "Re: S00012", "body": "<p>Bon pour accord.</p>",
                "date": "2026-03-03 16:40:12", "author_id": [12, "Partner 12"]}),
            ("mail.message", 503, {
                "model": "account.move", "res_id": 5, "record_name": "INV/2026/00005",
                "message_type": "comment", "subtype_id": [1, "Discussions"],
                "body": "<p>Relance envoyée</p>", "date": "2026-03-04 08:00:00",
                "author_id": [3, "Mitchell Admin"]}),
            # Tracking notifications and other models' chatter are not read.
            ("mail.message", 504, {
                "model": "res.partner", "res_id": 7, "message_type": "notification",
                "body": "", "date": "2026-03-04 09:00:00", "author_id": [3, "Mitchell Admin"]}),
            ("mail.message", 505, {
                "model": "crm.lead", "res_id": 3, "message_type": "comment",
                "subtype_id": [2, "Note"], "body": "<p>Lead</p>", "date": "2026-03-04 10:00:00",
                "author_id": [3, "Mitchell Admin"]}),
            ("helpdesk.ticket", 11, {
                "name": "Imprimante bloquée", "ticket_ref": "11", "partner_id": [7, "Partner 7"],
                "commercial_partner_id": [7, "Partner 7"], "stage_id": [1, "New"],
                "priority": "3", "team_id": [1, "Support"], "user_id": admin,
                "create_date": "2026-03-04 08:15:00"}),
            ("helpdesk.ticket", 13, {
                "name": "Mot de passe", "ticket_ref": "13", "partner_id": [8, "Partner 8"],
                "commercial_partner_id": [8, "Partner 8"], "stage_id": [4, "Solved"],
                "priority": "0", "team_id": [1, "Support"], "close_date": "2026-01-15 12:00:00",
                "fold": True, "create_date": "2026-01-15 09:00:00"}),
        ]  # fmt: skip
        for model, rid, values in rows:
            self._add(model, rid, **values)

    @staticmethod
    def _type(name: str) -> str:
        if name in M2O:
            return "many2one"
        if name in BOOLEAN:
            return "boolean"
        if name in MANY2MANY:
            return "many2many"
        if name in ("id", "customer_rank", "supplier_rank", "res_id", "sequence"):
            return "integer"
        return "datetime" if name in ("create_date", "write_date") else "char"

    def _add(self, model: str, i: int, /, **values: Any) -> None:
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
        if model in self.denied and method == "search_read":
            raise OdooFault(
                403,
                "odoo.exceptions.AccessError",
                f"You are not allowed to access '{model}' ({model}) records.\n\n"
                "This operation is allowed for the following groups:\n"
                "\t- Accounting/Billing\n\n"
                "Contact your administrator to request access if necessary.",
            )
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
