"""Odoo external API connector: JSON-2 (Odoo 19+) or JSON-RPC (older versions).

Objects (default, model names): `res.partner`, `sale.order`, `sale.order.line` (not the
section / note rows), `account.move` (customer invoices and credit notes only),
`account.payment` (customer payments), `product.product`, `mail.activity` (done ones
too), `mail.message` (comments and e-mails logged on partners, orders and invoices),
`helpdesk.ticket` and `res.users` (the owners); `options.domains` replaces a model's
domain. Each activity and message row gets `record_partner_id`, the partner of the
partner, order or invoice it is logged on (one `search_read` per model and page).

- JSON-2 (default, `options.protocol = "json2"`): `POST /json/2/<model>/search_read`
  with `Authorization: bearer <API key>` and `X-Odoo-Database` when `api.database` is set.
- JSON-RPC (`options.protocol = "jsonrpc"`): `POST /jsonrpc`, `common.authenticate`
  (db, `options.login`, key) for the uid, then `object.execute_kw`; errors come back in
  the `error` envelope with HTTP 200.
- Keyset paging: `[('id', '>', last id read)]` added to the domain, ordered by `id`,
  `limit` rows a page, until a page comes back empty or short. An `offset` would skip a
  live record whenever one before it is deleted (or leaves the domain) between two
  pages, and in a full extract that record would then look deleted.
- Incremental on `write_date >= watermark - margin` (`>=` because Odoo stores whole
  seconds). Margin (default 15 min): `write_date` is the transaction's start time
  (PostgreSQL `now()`), so a long transaction, a cron job say, commits rows stamped
  before newer rows already read.
- `fields_get` first: fields the server does not know are skipped (versions differ);
  many2one `[id, "name"]` → `<field>` = id and `<field>__name` = name; x2many → ";"-joined
  ids; Odoo's `false` for an empty value → JSON null (booleans keep true/false).
A model whose app is not installed (404 / NotFound: `helpdesk.ticket` without Helpdesk,
`sale.order` without Sales), or one the API user's groups may not read (403 / AccessError:
`account.payment` for a sales-only user), is skipped with a warning when it is a default
object, an error when `objects` names it.
Archived records are read too (`active_test: false`), so deactivation (`active = false`)
is read incrementally like any edit; a record deleted outright (`unlink`) leaves no
trace the API can list: only a full extract sees it go.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from ingest.connectors.base import Connector, Record, describe_error_body, names
from ingest.connectors.errors import (
    ConnectorAuthError,
    ConnectorConfigError,
    ConnectorObjectMissing,
    ConnectorProtocolError,
    ConnectorRequestError,
)

logger = logging.getLogger(__name__)

_AUDIT = ("create_date", "write_date")
FIELDS: dict[str, tuple[str, ...]] = {
    "res.partner": names(
        """
        id name display_name is_company company_type parent_id commercial_partner_id ref vat
        company_registry email phone mobile street street2 zip city state_id country_id lang
        user_id property_payment_term_id credit_limit use_partner_credit_limit customer_rank
        supplier_rank category_id active
        """
    )
    + _AUDIT,
    "sale.order": names(
        """
        id name partner_id partner_invoice_id partner_shipping_id date_order validity_date
        state amount_untaxed amount_tax amount_total currency_id invoice_status
        client_order_ref payment_term_id pricelist_id user_id opportunity_id
        """
    )
    + _AUDIT,
    "account.move": names(
        """
        id name move_type state partner_id commercial_partner_id invoice_date
        invoice_date_due amount_untaxed amount_tax amount_total amount_residual
        amount_total_signed amount_residual_signed currency_id payment_state
        invoice_payment_term_id invoice_origin ref payment_reference reversed_entry_id
        """
    )
    + _AUDIT,
    # Order lines without the section / note rows (display_type set, no product).
    "sale.order.line": names(
        """
        id order_id sequence product_id name product_uom_qty price_unit discount
        price_subtotal price_total currency_id display_type state
        """
    )
    + _AUDIT,
    # Variants: what sale.order.line.product_id names.
    "product.product": names("id default_code name categ_id list_price currency_id active")
    + _AUDIT,
    # Customer receipts; reconciled_invoice_ids lists the invoices each settles.
    "account.payment": names(
        """
        id name partner_id date amount currency_id payment_type partner_type state
        payment_method_line_id journal_id reconciled_invoice_ids memo ref
        """
    )
    + _AUDIT,
    # Planned activities; done ones are archived with date_done (v17+), read too.
    "mail.activity": names(
        """
        id res_model res_id res_name activity_type_id summary date_deadline date_done
        user_id active
        """
    )
    + _AUDIT,
    # The chatter's logged notes, sent messages and e-mails on customers, orders and
    # invoices; `record_partner_id` is added by the connector (see _document_partners).
    "mail.message": names(
        "id model res_id record_name message_type subtype_id subject body date author_id"
    )
    + _AUDIT,
    # Helpdesk (Enterprise): absent from a database without the app.
    "helpdesk.ticket": names(
        """
        id name ticket_ref partner_id commercial_partner_id stage_id priority team_id
        user_id close_date fold
        """
    )
    + _AUDIT,
    # The salespeople `user_id` names; archived users are read.
    "res.users": names("id name login email active") + _AUDIT,
}
# The documents whose chatter is read, and where each keeps its customer.
MESSAGE_MODELS = {"res.partner": "id", "sale.order": "partner_id", "account.move": "partner_id"}
# The models whose rows are logged on a document, and the field naming its model.
ON_DOCUMENT = {"mail.message": "model", "mail.activity": "res_model"}
DOMAINS: dict[str, list[Any]] = {
    "account.move": [["move_type", "in", ["out_invoice", "out_refund"]]],
    "sale.order.line": [["display_type", "=", False]],
    "account.payment": [["partner_type", "=", "customer"]],
    "mail.message": [
        ["model", "in", list(MESSAGE_MODELS)],
        ["message_type", "in", ["comment", "email"]],
    ],
}
# Added to each mail.message and mail.activity row: the partner of its document.
RECORD_PARTNER = "record_partner_id"
AUTH_ERRORS = ("AccessDenied", "AccessError", "SessionExpired")
MISSING_MODEL = ("NotFound", "KeyError")  # a model whose app is not installed
# The API user's groups do not allow reading the model (a sales user and account.payment):
# the key is good, that one object is out of reach.
NO_RIGHTS = "AccessError"


def flatten_odoo(raw: dict[str, Any], types: dict[str, str]) -> Record:
    record: Record = {}
    for key, value in raw.items():
        kind = types.get(key, "")
        if kind == "many2one":
            pair = value if isinstance(value, list | tuple) and len(value) == 2 else None
            record[key] = pair[0] if pair else None
            record[f"{key}__name"] = pair[1] if pair else None
        elif kind in ("one2many", "many2many"):
            record[key] = ";".join(str(v) for v in value) if isinstance(value, list) else None
        elif kind == "boolean":
            record[key] = bool(value)
        else:
            record[key] = None if value is False else value
    return record


def odoo_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class OdooConnector(Connector):
    vendor = "Odoo"
    default_objects = (
        "res.partner",
        "sale.order",
        "sale.order.line",
        "account.move",
        "account.payment",
        "product.product",
        "mail.activity",
        "mail.message",
        "helpdesk.ticket",
        "res.users",
    )
    fields = FIELDS
    modified_field = "write_date"
    id_field = "id"
    default_page_size = 500
    max_page_size = 5000
    default_margin = timedelta(minutes=15)
    auth_scheme = "bearer"

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        if "/json/2/" not in str(response.request.url):
            return None
        if response.status_code == 404:
            return ConnectorObjectMissing(
                f"the database has no such model ({describe_error_body(response)})"
            )
        if response.status_code == 403 and NO_RIGHTS in response.text:
            return ConnectorObjectMissing(
                f"the API user may not read it ({_first_line(describe_error_body(response))})"
            )
        return None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.protocol = self.api.options.get("protocol", "json2")
        if self.protocol not in ("json2", "jsonrpc"):
            raise ConnectorConfigError(
                f"Odoo options.protocol must be 'json2' or 'jsonrpc', not {self.protocol!r}"
            )
        self._uid: int | None = None
        self._ids = itertools.count(1)

    # --- transport ---------------------------------------------------------------------
    def call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if self.protocol == "json2":
            headers = {"Accept": "application/json"}
            if self.api.database:
                headers["X-Odoo-Database"] = self.api.database
            url = f"{self.base_url}/json/2/{model}/{method}"
            return self.session.json("POST", url, json=kwargs, headers=headers)
        uid = self._authenticate()
        db = self.api.database
        key = self._key()
        return self._rpc("object", "execute_kw", [db, uid, key, model, method, args, kwargs])

    def _key(self) -> str:
        # JSON-RPC carries the API key inside the call, not in a header.
        assert self.session.auth is not None
        return self.session.auth.token()

    def _authenticate(self) -> int:
        if self._uid is None:
            login = self.api.options.get("login")
            if not self.api.database or not login:
                raise ConnectorConfigError(
                    "Odoo JSON-RPC needs api.database and options.login (the API user)"
                )
            uid = self._rpc("common", "authenticate", [self.api.database, login, self._key(), {}])
            if not isinstance(uid, int) or isinstance(uid, bool):
                raise ConnectorAuthError(
                    f"Odoo refused the login {login!r} with the key in "
                    f"{self.session.token_env} (authenticate returned {uid!r})"
                )
            self._uid = uid
        return self._uid

    def _rpc(self, service: str, method: str, args: list[Any]) -> Any:
        url = f"{self.base_url}/jsonrpc"
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        body = self.session.json("POST", url, json=payload, auth=False)
        if not isinstance(body, dict):
            raise ConnectorProtocolError(f"Odoo JSON-RPC answer is not an object: {body!r:.120}")
        if "error" in body:
            error = body["error"] or {}
            data = error.get("data") or {}
            name = str(data.get("name", ""))
            message = f"{data.get('message') or error.get('message')} [{name or error.get('code')}]"
            if name.rsplit(".", 1)[-1] in MISSING_MODEL and method == "execute_kw":
                raise ConnectorObjectMissing(f"the database has no such model: {message}")
            if name.rsplit(".", 1)[-1] == NO_RIGHTS and method == "execute_kw":
                raise ConnectorObjectMissing(
                    f"the API user may not read it: {_first_line(message)}"
                )
            if name.rsplit(".", 1)[-1] in AUTH_ERRORS:
                raise ConnectorAuthError(
                    f"Odoo refused the key in {self.session.token_env}: {message}"
                )
            raise ConnectorRequestError(f"Odoo {service}.{method} failed: {message}")
        if "result" not in body:
            raise ConnectorProtocolError(f"Odoo JSON-RPC answer has no result: {body!r:.120}")
        return body["result"]

    # --- reading -----------------------------------------------------------------------
    def _field_types(self, model: str) -> dict[str, str]:
        answer = self.call(model, "fields_get", [], {"attributes": ["type"]})
        if not isinstance(answer, dict):
            raise ConnectorProtocolError(f"Odoo fields_get on {model} returned {answer!r:.120}")
        return {name: str((meta or {}).get("type", "")) for name, meta in answer.items()}

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        types = self._field_types(obj)
        wanted = self.fields_for(obj)
        fields = [f for f in wanted if f in types]
        missing = sorted(set(wanted) - set(fields))
        if missing:
            logger.warning("Odoo %s has no field(s) %s; reading without them", obj, missing)
        domain = list(self.api.options.get("domains", {}).get(obj, DOMAINS.get(obj, [])))
        if since is not None:
            domain.append(["write_date", ">=", odoo_datetime(since)])
        if "id" not in fields:
            fields.insert(0, "id")
        last_id = 0
        while True:
            page_domain = [*domain, ["id", ">", last_id]]
            kwargs: dict[str, Any] = {
                "fields": fields,
                "limit": self.page_size,
                "order": "id",
                "context": {"active_test": False},
            }
            if self.protocol == "jsonrpc":  # the FORMATS shape: domain positional
                rows = self.call(obj, "search_read", [page_domain], kwargs)
            else:
                rows = self.call(obj, "search_read", [], {"domain": page_domain, **kwargs})
            if not isinstance(rows, list):
                raise ConnectorProtocolError(f"Odoo search_read on {obj} returned {rows!r:.120}")
            page = [flatten_odoo(r, types) for r in rows]
            if obj in ON_DOCUMENT:
                self._document_partners(page, ON_DOCUMENT[obj])
            yield page
            if len(rows) < self.page_size:
                return
            last_id = max(int(r["id"]) for r in rows)

    def _document_partners(self, page: list[Record], model_field: str) -> None:
        """Set each row's `record_partner_id`: the partner of the document it is logged on
        (`model_field` names the document's model, `res_id` its id).

        One `search_read` per document model and page (never one per row): a note or an
        activity on an order or an invoice then reaches the customer as one on the partner
        does; on another model (a lead) it stays null.
        """
        for record in page:
            record.setdefault(RECORD_PARTNER, None)
        for model, partner_field in MESSAGE_MODELS.items():
            ids = sorted(
                {int(r["res_id"]) for r in page if r.get(model_field) == model and r.get("res_id")}
            )
            if not ids:
                continue
            if partner_field == "id":
                partners = {i: i for i in ids}
            else:
                kwargs: dict[str, Any] = {
                    "fields": [partner_field],
                    "context": {"active_test": False},
                }
                domain = [["id", "in", ids]]
                try:
                    if self.protocol == "jsonrpc":
                        rows = self.call(model, "search_read", [domain], kwargs)
                    else:
                        rows = self.call(model, "search_read", [], {"domain": domain, **kwargs})
                except ConnectorObjectMissing as exc:
                    # The user may read the chatter but not the invoices: those rows keep
                    # no customer rather than costing the whole object.
                    logger.warning("Odoo: no customer for rows on %s: %s", model, exc)
                    continue
                if not isinstance(rows, list):
                    raise ConnectorProtocolError(
                        f"Odoo search_read on {model} returned {rows!r:.120}"
                    )
                partners = {
                    int(r["id"]): (r.get(partner_field) or [None])[0]
                    for r in rows
                    if isinstance(r.get(partner_field), list)
                }
            for record in page:
                if record.get(model_field) == model and record.get("res_id"):
                    record[RECORD_PARTNER] = partners.get(int(record["res_id"]))


def _first_line(text: str) -> str:
    """Odoo's access errors list the groups that may read, over several lines."""
    return text.strip().splitlines()[0] if text.strip() else text


CONNECTOR = OdooConnector
