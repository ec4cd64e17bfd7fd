"""Microsoft Dynamics 365 Sales / Dataverse Web API (OData v4) connector.

Objects (default, entity-set names): `accounts`, `contacts`, `opportunities`, `quotes`,
`salesorders`, `salesorderdetails`, `invoices`, `products`, the activities `phonecalls`,
`appointments`, `emails`, `tasks` (one set per type, key `activityid`), `incidents` (cases)
and `systemusers` (the owners).

- `GET {org}/api/data/v9.2/<set>?$select=…` with `Prefer: odata.maxpagesize=N`
  (max 5,000) and the OData headers; follow `@odata.nextLink` verbatim (it carries the
  `$skiptoken`) until it is absent.
- Change tracking (option `change_tracking`, on by default): a full read sends
  `Prefer: odata.track-changes`; its last page carries an `@odata.deltaLink`, kept per
  entity set as the run's cursor. The next incremental read GETs that link verbatim and
  receives only the rows changed since, plus one `$deletedEntity` entry per deleted row
  (`{"@odata.context": "…#accounts/$deletedEntity", "id": "<guid>", "reason": "deleted"}`):
  it becomes a tombstone, the key and `is_deleted = true` (other columns null).
- Incremental without a delta link (the table does not track changes, or no full run
  kept one yet): `$filter=modifiedon gt <watermark>`, which cannot see deletions. A link
  the org no longer honours (expired token, 410 Gone) is replaced by a full read of that
  entity set (a full extract: records missing from it become deleted) that keeps a new
  link.
- Records keep their columns (lookups stay `_<name>_value` GUIDs) and drop `@odata.*`
  annotations such as `@odata.etag`. Every read asks for the lookups'
  `…@Microsoft.Dynamics.CRM.lookuplogicalname` (which table a regarding or customer
  lookup names); option `formatted_values = true` also asks for the
  `…@OData.Community.Display.V1.FormattedValue` labels.
- Money is in the record's own currency, a lookup (`_transactioncurrencyid_value`, a
  GUID). Every entity set that selects that lookup also gets the currency's ISO code as
  the single-valued navigation property expanded,
  `"transactioncurrencyid": {"isocurrencycode": "USD", "transactioncurrencyid": "<guid>"}`
  (null when the record names no currency): an untracked read asks for it
  (`$expand=transactioncurrencyid($select=isocurrencycode)`); a change-tracking read may
  not (Dataverse refuses `$expand`, like `$filter`, `$orderby` and `$top`, with
  `Prefer: odata.track-changes`), so the connector reads `transactioncurrencies` once,
  when a page first names a currency, and writes the same object itself.
- An entity set the org lacks (404 "Resource not found for the segment": `incidents`
  without Customer Service, `quotes` / `salesorderdetails` without Sales), or whose read
  privilege the application user's role lacks (403 `missing prvRead<Table> privilege`), is
  skipped with a warning when it is a default, an error when `objects` names it.
- Watermark margin (default 5 min): `modifiedon` is stamped inside the transaction, and
  synchronous plug-ins may hold it open for up to 2 minutes before it commits.
Token: an Entra ID access token for the org (auth.py: client credentials, scope
`{org}/.default`, renewed before `expires_in` and on a 401 `ExpiredAuthTicket`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from ingest.connectors.base import ApiSession, Connector, Record, describe_error_body, names
from ingest.connectors.errors import (
    ConnectorObjectMissing,
    ConnectorProtocolError,
    ConnectorRequestError,
)
from kernel.settings import SourceConfig

logger = logging.getLogger(__name__)

API_PATH = "/api/data/v9.2"
_AUDIT = ("statecode", "statuscode", "createdon", "modifiedon")
FIELDS: dict[str, tuple[str, ...]] = {
    "accounts": names(
        """
        accountid name accountnumber revenue creditlimit creditonhold paymenttermscode
        _primarycontactid_value _parentaccountid_value telephone1 emailaddress1 websiteurl
        address1_line1 address1_line2 address1_line3 address1_city address1_postalcode
        address1_stateorprovince address1_country numberofemployees industrycode
        customertypecode sic _transactioncurrencyid_value _ownerid_value
        """
    )
    + _AUDIT,
    "contacts": names(
        """
        contactid firstname lastname fullname emailaddress1 telephone1 mobilephone jobtitle
        _parentcustomerid_value address1_line1 address1_city address1_postalcode
        address1_country _ownerid_value
        """
    )
    + _AUDIT,
    "opportunities": names(
        """
        opportunityid name _customerid_value _parentaccountid_value _parentcontactid_value
        estimatedvalue estimatedclosedate actualvalue actualclosedate closeprobability
        stepname salesstagecode _transactioncurrencyid_value _ownerid_value
        """
    )
    + _AUDIT,
    "salesorders": names(
        """
        salesorderid ordernumber name _customerid_value _quoteid_value _opportunityid_value
        totalamount totaltax datefulfilled requestdeliveryby _transactioncurrencyid_value
        """
    )
    + _AUDIT,
    "invoices": names(
        """
        invoiceid invoicenumber name _customerid_value _salesorderid_value
        _opportunityid_value totalamount totaltax totalamountlessfreight discountamount
        duedate datedelivered paymenttermscode _transactioncurrencyid_value
        """
    )
    + _AUDIT,
    "quotes": names(
        """
        quoteid quotenumber revisionnumber name _customerid_value _opportunityid_value
        totalamount totaltax effectivefrom effectiveto closedon
        _transactioncurrencyid_value _ownerid_value
        """
    )
    + _AUDIT,
    # Order lines: no statecode of their own (the order's applies).
    "salesorderdetails": names(
        """
        salesorderdetailid _salesorderid_value _productid_value productdescription
        description quantity priceperunit baseamount manualdiscountamount
        volumediscountamount tax extendedamount lineitemnumber sequencenumber
        _transactioncurrencyid_value createdon modifiedon
        """
    ),
    "products": names(
        """
        productid productnumber name _parentproductid_value producttypecode price
        _defaultuomid_value _transactioncurrencyid_value
        """
    )
    + _AUDIT,
    "incidents": names(
        """
        incidentid ticketnumber title _customerid_value _primarycontactid_value
        prioritycode caseorigincode _ownerid_value
        """
    )
    + _AUDIT,
    # The users `_ownerid_value` names; no statecode/statuscode.
    "systemusers": names(
        """
        systemuserid fullname firstname lastname internalemailaddress domainname isdisabled
        createdon modifiedon
        """
    ),
}
# Activities, one entity set per type: each tracks changes (activitypointer does not)
# and carries `activitytypecode`, which the profile reads the type from.
_ACTIVITY = (
    "activityid activitytypecode subject _regardingobjectid_value scheduledstart "
    "scheduledend actualend _ownerid_value "
)
ACTIVITIES = ("phonecalls", "appointments", "emails", "tasks")
FIELDS |= {
    "phonecalls": names(_ACTIVITY + "phonenumber directioncode") + _AUDIT,
    "appointments": names(_ACTIVITY + "location") + _AUDIT,
    "emails": names(_ACTIVITY + "directioncode sender torecipients") + _AUDIT,
    "tasks": names(_ACTIVITY + "percentcomplete prioritycode") + _AUDIT,
}
KEYS = {
    **dict.fromkeys(ACTIVITIES, "activityid"),
    "accounts": "accountid",
    "contacts": "contactid",
    "opportunities": "opportunityid",
    "salesorders": "salesorderid",
    "invoices": "invoiceid",
}
# The record's currency: the lookup's navigation property, expanded to the ISO code.
CURRENCY_LOOKUP = "_transactioncurrencyid_value"
CURRENCY_NAV = "transactioncurrencyid"
CURRENCY_SET = "transactioncurrencies"
CURRENCY_CODE = "isocurrencycode"
CURRENCY_EXPAND = "transactioncurrencyid($select=isocurrencycode)"
FORMATTED = "OData.Community.Display.V1.FormattedValue"
# Which table a polymorphic lookup names (regarding: account, contact, opportunity…;
# an incident's customer: account or contact): the profile links by it.
LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname"
TRACK = "odata.track-changes"
# The flag a tombstone carries; the profile maps it to staging's `is_deleted`.
DELETED_FLAG = "is_deleted"


def flatten_dynamics(raw: dict[str, Any]) -> Record:
    """Columns as they come; only the `@odata.*` record annotations go."""
    return {k: v for k, v in raw.items() if not k.startswith("@odata.")}


def is_deleted_entry(raw: dict[str, Any]) -> bool:
    """A delta response's deleted row: Dataverse's `$deletedEntity` context, or the OData
    4.01 `@removed` annotation."""
    context = str(raw.get("@odata.context") or "")
    return context.endswith("$deletedEntity") or "@removed" in raw


def currency_of(lookup: Any, codes: dict[str, str]) -> dict[str, Any] | None:
    """The currency navigation property as `$expand` returns it (the key comes too)."""
    if not lookup:
        return None
    code = codes.get(str(lookup).lower())
    return None if code is None else {CURRENCY_CODE: code, CURRENCY_NAV: lookup}


def tombstone(raw: dict[str, Any], key: str, columns: list[str]) -> Record:
    """A deleted row carries only its id: the same columns as a live row (so the page
    reads like any other), null but for the key and the deletion flag."""
    return {c: None for c in columns} | {key: raw.get("id"), DELETED_FLAG: True}


def odata_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Dynamics365Connector(Connector):
    vendor = "Dynamics 365"
    default_objects = (
        "accounts",
        "contacts",
        "opportunities",
        "quotes",
        "salesorders",
        "salesorderdetails",
        "invoices",
        "products",
        *ACTIVITIES,
        "incidents",
        "systemusers",
    )
    fields = FIELDS
    modified_field = "modifiedon"
    id_field = "accountid"
    default_margin = timedelta(minutes=5)
    default_page_size = 5000
    max_page_size = 5000

    def __init__(self, source: SourceConfig, session: ApiSession) -> None:
        super().__init__(source, session)
        # Currency GUID (lower-cased) → ISO code: read once per run, when a tracked page
        # first names a currency (an untracked read has them expanded).
        self._codes: dict[str, str] | None = None

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        # An entity set the org does not have (salesorders / invoices without the Sales app).
        if response.status_code == 404 and "Resource not found for the segment" in response.text:
            return ConnectorObjectMissing(
                f"the org has no such entity set ({describe_error_body(response)})"
            )
        # The application user's security role lacks the table's read privilege
        # (0x80040220 "… is missing prvReadIncident privilege …"): that table only.
        if response.status_code == 403 and "prvRead" in response.text:
            return ConnectorObjectMissing(
                f"the application user may not read it ({describe_error_body(response)})"
            )
        return None

    def key_for(self, obj: str) -> str:
        return KEYS.get(obj) or f"{obj.removesuffix('s')}id"

    def _api_root(self) -> str:
        if "/api/data/" in self.base_url:
            return self.base_url
        return self.base_url + str(self.api.options.get("api_path", API_PATH))

    def _headers(self, *, track: bool = False) -> dict[str, str]:
        prefer = [f"odata.maxpagesize={self.page_size}"]
        annotations = [LOGICAL_NAME]
        if self.api.options.get("formatted_values"):
            annotations.insert(0, FORMATTED)
        prefer.append(f'odata.include-annotations="{",".join(annotations)}"')
        if track:
            prefer.append(TRACK)
        return {
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
            "Prefer": ",".join(prefer),
        }

    def _tracks(self) -> bool:
        return bool(self.api.options.get("change_tracking", True))

    def _priced(self, obj: str) -> bool:
        """Its money needs its currency: the entity set selects the currency lookup."""
        return CURRENCY_LOOKUP in self.fields_for(obj)

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        link = self.cursors.get(obj) if self._tracks() and since is not None else None
        if link:
            pages = self._read(obj, link, None, track=True)
            try:
                first = next(pages, None)
            except ConnectorRequestError as exc:
                # Delta tokens expire (the org's change-tracking retention): the first
                # call of the link fails, before any page was kept. `modifiedon` would
                # not show the rows deleted since: read the set in full (a full extract
                # sees them go) and start a new link.
                logger.warning(
                    "Dynamics 365 %s: the delta link is refused (%s); reading it in full, "
                    "so deletions since the last run are seen",
                    obj,
                    exc,
                )
                self.full_reads.add(obj)
                since = None
            else:
                if first is not None:
                    yield first
                yield from pages
                return
        url = f"{self._api_root()}/{obj}"
        params = {"$select": ",".join(self.fields_for(obj))}
        track = self._tracks() and since is None
        if since is not None:
            # Change tracking takes no $filter: a filtered read cannot start a delta link.
            params["$filter"] = f"modifiedon gt {odata_datetime(since)}"
        if self._priced(obj) and not track:
            # Nor $expand: a tracked read's currencies come from `_add_currencies`.
            params["$expand"] = CURRENCY_EXPAND
        yield from self._read(obj, url, params, track=track)

    def _read(
        self, obj: str, url: str, params: dict[str, str] | None, *, track: bool
    ) -> Iterator[list[Record]]:
        key, columns = self.key_for(obj), self.fields_for(obj)
        priced = self._priced(obj)
        if priced:  # a tombstone has the expanded currency's column too (null)
            columns = [*columns, CURRENCY_NAV]
        while True:
            body = self._get_page(url, params, track=track)
            records = [
                tombstone(r, key, columns) if is_deleted_entry(r) else flatten_dynamics(r)
                for r in body["value"]
            ]
            if priced:
                self._add_currencies(records)
            yield records
            next_link = body.get("@odata.nextLink")
            if not next_link:
                delta = body.get("@odata.deltaLink")
                if track and delta:
                    self.next_cursors[obj] = str(delta)
                return
            # Verbatim: the link already holds $select, $filter, $expand and the $skiptoken.
            url, params = next_link, None

    def _get_page(self, url: str, params: dict[str, str] | None, *, track: bool) -> Any:
        body = self.session.json("GET", url, params=params, headers=self._headers(track=track))
        if not isinstance(body, dict) or not isinstance(body.get("value"), list):
            raise ConnectorProtocolError(
                f"Dynamics 365 answer from {url} has no 'value' list: {str(body)[:120]}"
            )
        return body

    def _add_currencies(self, records: list[Record]) -> None:
        """The expanded currency a tracked read could not ask for, in the same shape."""
        bare = [r for r in records if CURRENCY_NAV not in r]
        if self._codes is None and any(r.get(CURRENCY_LOOKUP) for r in bare):
            self._codes = self._currency_codes()
        for record in bare:
            record[CURRENCY_NAV] = currency_of(record.get(CURRENCY_LOOKUP), self._codes or {})

    def _currency_codes(self) -> dict[str, str]:
        """Every currency of the org (a few rows): GUID → ISO code. A role that may not
        read them leaves the tracked records' amounts in the settings' currency."""
        url = f"{self._api_root()}/{CURRENCY_SET}"
        params: dict[str, str] | None = {"$select": f"{CURRENCY_NAV},{CURRENCY_CODE}"}
        codes: dict[str, str] = {}
        try:
            while True:
                body = self._get_page(url, params, track=False)
                for row in body["value"]:
                    if row.get(CURRENCY_NAV) and row.get(CURRENCY_CODE):
                        codes[str(row[CURRENCY_NAV]).lower()] = str(row[CURRENCY_CODE])
                next_link = body.get("@odata.nextLink")
                if not next_link:
                    return codes
                url, params = next_link, None
        except ConnectorObjectMissing as exc:
            logger.warning(
                "Dynamics 365: %s cannot be read (%s); amounts read with change tracking "
                "take the settings' currency",
                CURRENCY_SET,
                " ".join(str(exc).split()),
            )
            return {}


CONNECTOR = Dynamics365Connector
