"""Salesforce REST query connector.

Objects (default): `Account`, `Contact`, `Opportunity`, `Order`, `OrderItem` (with
`Product2.ProductCode` / `Product2.Name`), `Product2`, `Quote`, `Task`, `Event`, `Case` and
`User` (the owners).

- `GET {instance_url}/services/data/vXX.X/query?q=SELECT … FROM <object>`, then
  `GET nextRecordsUrl` until `done` is true; `Sforce-Query-Options: batchSize=N` asks
  for smaller pages (200–2000).
- Incremental: `WHERE SystemModstamp > <watermark>` through `/queryAll`, so deleted
  rows come back with `IsDeleted = true` (option `query_all` forces either way).
- Records drop `attributes`; relations such as `Account.Name` become flat keys.
- The answer's `totalSize` is checked against the records received.
- A query cursor (`nextRecordsUrl`) is a server-side snapshot, so rows edited or deleted
  during the read do not shift its pages; it outlives a token renewal (same user).
- Watermark margin (default 15 min): `SystemModstamp` is stamped when the transaction
  writes, and a long transaction (synchronous Apex may run up to 10 minutes) commits
  later, after newer stamps were already readable.
- `403 REQUEST_LIMIT_EXCEEDED` is two things: "ConcurrentRequests / ConcurrentPerOrgLongTxn
  Limit exceeded" (too many long requests at once: retried with backoff) and
  "TotalRequests Limit exceeded" (the 24-hour allocation: `ConnectorQuotaError`).
- `INVALID_TYPE` on a default object (an org without Orders or Quotes enabled, a user
  without access to Case) skips that object with a warning instead of failing the source.
- Task and Event are always read through `queryAll`: activities closed over a year ago
  are archived and only `queryAll` returns them (a full read adds `IsDeleted = false`).
Token: OAuth (auth.py: JWT bearer or refresh token), or a static access token;
`base_url` is the org's `instance_url`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from ingest.connectors.base import Connector, Record, describe_error_body, names
from ingest.connectors.errors import (
    ConnectorObjectMissing,
    ConnectorProtocolError,
    ConnectorQuotaError,
    ConnectorTransientError,
)

logger = logging.getLogger(__name__)

API_VERSION = "v66.0"
_AUDIT = ("CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted")
FIELDS: dict[str, tuple[str, ...]] = {
    "Account": names(
        """
        Id Name AccountNumber Type Industry AnnualRevenue NumberOfEmployees Phone Website
        ParentId BillingStreet BillingCity BillingState BillingPostalCode BillingCountry
        ShippingStreet ShippingCity ShippingState ShippingPostalCode ShippingCountry Sic
        Description OwnerId
        """
    )
    + _AUDIT,
    "Contact": names(
        """
        Id AccountId Account.Name FirstName LastName Name Salutation Email Phone MobilePhone
        Title Department MailingStreet MailingCity MailingPostalCode MailingCountry
        ReportsToId LeadSource HasOptedOutOfEmail OwnerId
        """
    )
    + _AUDIT,
    "Opportunity": names(
        """
        Id AccountId Account.Name Name StageName Amount Probability ExpectedRevenue
        CloseDate Type LeadSource IsClosed IsWon ForecastCategory ForecastCategoryName
        NextStep Pricebook2Id HasOpportunityLineItem FiscalQuarter FiscalYear ContactId
        OwnerId
        """
    )
    + _AUDIT,
    "Order": names(
        """
        Id AccountId Account.Name OrderNumber EffectiveDate EndDate Status StatusCode
        TotalAmount ContractId OpportunityId QuoteId PoNumber PoDate Type BillToContactId
        ActivatedDate BillingStreet BillingCity BillingPostalCode BillingCountry OwnerId
        """
    )
    + _AUDIT,
    # Lines of the orders, with their product's code and name (relationship fields).
    "OrderItem": names(
        """
        Id OrderId OrderItemNumber Product2Id Product2.ProductCode Product2.Name
        PricebookEntryId Quantity UnitPrice ListPrice TotalPrice Description ServiceDate
        EndDate
        """
    )
    + _AUDIT,
    "Product2": names(
        """
        Id Name ProductCode Family IsActive Description QuantityUnitOfMeasure
        StockKeepingUnit
        """
    )
    + _AUDIT,
    # Quote is the detail of its Opportunity: no OwnerId (the opportunity's owner owns it).
    "Quote": names(
        """
        Id Name QuoteNumber OpportunityId AccountId ContactId Status ExpirationDate
        Subtotal TotalPrice Discount Tax GrandTotal IsSyncing
        """
    )
    + _AUDIT,
    # Activities: AccountId is Salesforce's own derived account (WhatId, else WhoId's).
    "Task": names(
        """
        Id WhoId WhatId AccountId Subject ActivityDate Status Priority IsClosed TaskSubtype
        Type CallType CallDisposition CallDurationInSeconds CompletedDateTime OwnerId
        IsArchived
        """
    )
    + _AUDIT,
    "Event": names(
        """
        Id WhoId WhatId AccountId Subject StartDateTime EndDateTime ActivityDateTime
        ActivityDate DurationInMinutes IsAllDayEvent EventSubtype Type Location OwnerId
        IsArchived
        """
    )
    + _AUDIT,
    "Case": names(
        """
        Id CaseNumber AccountId ContactId Subject Status Priority Origin Type Reason
        IsClosed ClosedDate OwnerId
        """
    )
    + _AUDIT,
    # The people OwnerId names. A user is deactivated, never deleted: User has no
    # IsDeleted.
    "User": names(
        """
        Id Username FirstName LastName Name Email IsActive UserType CreatedDate
        LastModifiedDate SystemModstamp
        """
    ),
}


# Task and Event rows closed more than a year ago are archived: `query` no longer returns
# them, only `queryAll` does (with the deleted ones), so a full read goes through
# queryAll with `WHERE IsDeleted = false` and keeps them.
ARCHIVED_ACTIVITIES = frozenset({"Task", "Event"})


def flatten_salesforce(raw: dict[str, Any], fields: list[str]) -> Record:
    """Drop `attributes`, turn nested relations into dotted keys; every field present."""
    flat: Record = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            if key == "attributes":
                continue
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = value

    walk("", raw)
    relations = {f.rsplit(".", 1)[0] for f in fields if "." in f}
    record = {f: flat.get(f) for f in fields}
    for key, value in flat.items():
        if key not in record and key not in relations:
            record[key] = value
    return record


def soql_datetime(moment: datetime) -> str:
    # Floored to the second: `>` then re-reads that second rather than missing a record.
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class SalesforceConnector(Connector):
    vendor = "Salesforce"
    default_objects = (
        "Account",
        "Contact",
        "Opportunity",
        "Order",
        "OrderItem",
        "Product2",
        "Quote",
        "Task",
        "Event",
        "Case",
        "User",
    )
    fields = FIELDS
    modified_field = "SystemModstamp"
    id_field = "Id"
    default_page_size = 2000
    max_page_size = 2000
    default_margin = timedelta(minutes=15)

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        text = response.text
        if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in text:
            detail = describe_error_body(response)
            if "TotalRequests" in text:
                # The org's 24-hour API allocation, not a token problem and not transient.
                return ConnectorQuotaError(
                    f"Salesforce daily API request allocation used up (403 "
                    f"REQUEST_LIMIT_EXCEEDED: {detail}); it recovers over the next 24 hours "
                    "(Setup > Company Information shows the usage)"
                )
            return ConnectorTransientError(
                f"Salesforce concurrent request limit (403 REQUEST_LIMIT_EXCEEDED: {detail})"
            )
        if response.status_code == 400 and "INVALID_TYPE" in text:
            return ConnectorObjectMissing(
                f"the org has no such object ({describe_error_body(response)})"
            )
        return None

    def probe(self) -> str:
        version = self.api.options.get("api_version", API_VERSION)
        url = f"{self.base_url}/services/data/{version}/limits"
        body = self.session.json("GET", url, headers={"Accept": "application/json"})
        daily = body.get("DailyApiRequests") if isinstance(body, dict) else None
        if isinstance(daily, dict):
            return f"daily API requests {daily.get('Remaining')} of {daily.get('Max')} left"
        return "limits readable"

    def _headers(self) -> dict[str, str]:
        batch = max(200, self.page_size)
        return {
            "Accept": "application/json",
            "Sforce-Query-Options": f"batchSize={batch}",
        }

    def soql(self, obj: str, since: datetime | None) -> str:
        query = f"SELECT {', '.join(self.fields_for(obj))} FROM {obj}"
        if since is not None:
            query += f" WHERE SystemModstamp > {soql_datetime(since)}"
        elif obj in ARCHIVED_ACTIVITIES:
            query += " WHERE IsDeleted = false"
        return query

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        version = self.api.options.get("api_version", API_VERSION)
        use_all = obj in ARCHIVED_ACTIVITIES or bool(
            self.api.options.get("query_all", since is not None)
        )
        endpoint = "queryAll" if use_all else "query"
        fields = self.fields_for(obj)
        url = f"{self.base_url}/services/data/{version}/{endpoint}"
        params: dict[str, str] | None = {"q": self.soql(obj, since)}
        received = 0
        while True:
            body = self.session.json("GET", url, params=params, headers=self._headers())
            if not isinstance(body, dict) or not isinstance(body.get("records"), list):
                raise ConnectorProtocolError(
                    f"Salesforce answer from {url} has no 'records' list: {str(body)[:120]}"
                )
            received += len(body["records"])
            yield [flatten_salesforce(r, fields) for r in body["records"]]
            if body.get("done", True):
                break
            next_url = body.get("nextRecordsUrl")
            if not next_url:
                raise ConnectorProtocolError(
                    f"Salesforce said done=false without a nextRecordsUrl ({obj})"
                )
            # nextRecordsUrl is a path on the same instance; the cursor carries the query.
            url = next_url if next_url.startswith("http") else f"{self.base_url}{next_url}"
            params = None
        total = body.get("totalSize")
        if isinstance(total, int) and total != received:
            raise ConnectorProtocolError(
                f"Salesforce announced totalSize={total} for {obj} but sent {received} records"
            )


CONNECTOR = SalesforceConnector
