"""Salesforce REST query connector.

Objects (default): `Account`, `Contact`, `Opportunity`, `Order`.

- `GET {instance_url}/services/data/vXX.X/query?q=SELECT … FROM <object>`, then
  `GET nextRecordsUrl` until `done` is true; `Sforce-Query-Options: batchSize=N` asks
  for smaller pages (200–2000).
- Incremental: `WHERE SystemModstamp > <watermark>` through `/queryAll`, so deleted
  rows come back with `IsDeleted = true` (option `query_all` forces either way).
- Records drop `attributes`; relations such as `Account.Name` become flat keys.
- The answer's `totalSize` is checked against the records received.
Token: an OAuth access token for the org (`base_url` = its `instance_url`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from ingest.connectors.base import Connector, Record, names
from ingest.connectors.errors import ConnectorProtocolError, ConnectorUnavailableError

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
}


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
    default_objects = ("Account", "Contact", "Opportunity", "Order")
    fields = FIELDS
    modified_field = "SystemModstamp"
    default_page_size = 2000
    max_page_size = 2000

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        # The org's 24-hour API allocation answers 403, which is not a token problem.
        if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text:
            return ConnectorUnavailableError(
                f"Salesforce API request limit exceeded (403 REQUEST_LIMIT_EXCEEDED) on "
                f"{response.request.url}; wait for the 24-hour allocation to recover"
            )
        return None

    def _headers(self) -> dict[str, str]:
        batch = max(200, self.page_size)
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Sforce-Query-Options": f"batchSize={batch}",
        }

    def soql(self, obj: str, since: datetime | None) -> str:
        query = f"SELECT {', '.join(self.fields_for(obj))} FROM {obj}"
        if since is not None:
            query += f" WHERE SystemModstamp > {soql_datetime(since)}"
        return query

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        version = self.api.options.get("api_version", API_VERSION)
        use_all = bool(self.api.options.get("query_all", since is not None))
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
