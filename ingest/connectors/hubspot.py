"""HubSpot CRM API v3 connector.

Objects (default): `companies`, `contacts`, `deals`, with their associations.

- Full extract: `GET /crm/v3/objects/{type}?limit=100&properties=…&associations=…`,
  following `paging.next.after` until it is absent.
- Incremental: `POST /crm/v3/objects/{type}/search` with one filter
  `hs_lastmodifieddate` (contacts: `lastmodifieddate`) `GT` the watermark, sorted
  ascending, 200 per page. Search returns no associations, so each page's associations
  are read with `POST /crm/v4/associations/{from}/{to}/batch/read`.
- Each record lands flat: `properties` merged with `id`, `createdAt`, `updatedAt`,
  `archived`, and `associated_<type>_ids` = ";"-joined ids.
Token: a private-app or OAuth access token, sent as `Authorization: Bearer`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ingest.connectors.base import Connector, Record, names
from ingest.connectors.errors import ConnectorProtocolError
from ingest.connectors.output import parse_timestamp

logger = logging.getLogger(__name__)

FIELDS: dict[str, tuple[str, ...]] = {
    "companies": names(
        """
        hs_object_id name domain hubspot_owner_id createdate hs_lastmodifieddate phone
        address city state zip country industry numberofemployees annualrevenue
        lifecyclestage notes_last_updated
        """
    ),
    "contacts": names(
        """
        hs_object_id firstname lastname email phone mobilephone hubspot_owner_id
        lifecyclestage hs_lead_status jobtitle company associatedcompanyid
        hs_marketable_status createdate lastmodifieddate notes_last_updated
        """
    ),
    "deals": names(
        """
        hs_object_id dealname amount closedate createdate hs_lastmodifieddate dealstage
        pipeline dealtype hubspot_owner_id hs_deal_stage_probability hs_is_closed_won
        hs_is_closed_lost closed_lost_reason hs_forecast_category amount_in_home_currency
        """
    ),
}
ASSOCIATIONS: dict[str, tuple[str, ...]] = {
    "companies": ("contacts", "deals"),
    "contacts": ("companies", "deals"),
    "deals": ("companies", "contacts"),
}
MODIFIED_PROPERTY = {"contacts": "lastmodifieddate"}  # others: hs_lastmodifieddate
SEARCH_PAGE_SIZE = 200
SEARCH_RESULT_CAP = 10_000  # the search API stops at 10k results per query


def flatten_hubspot(raw: dict[str, Any], assoc_types: tuple[str, ...]) -> Record:
    """`properties` merged with the envelope; associations as ";"-joined id lists."""
    record: Record = dict(raw.get("properties") or {})
    for key in ("id", "createdAt", "updatedAt", "archived"):
        record[key] = raw.get(key)
    associations = raw.get("associations") or {}
    for other in assoc_types:
        links = (associations.get(other) or {}).get("results") or []
        ids = dict.fromkeys(str(link["id"]) for link in links if "id" in link)
        record[f"associated_{other}_ids"] = ";".join(ids)
    return record


class HubSpotConnector(Connector):
    vendor = "HubSpot"
    default_objects = ("companies", "contacts", "deals")
    fields = FIELDS
    modified_field = "updatedAt"
    default_page_size = 100
    max_page_size = 100

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def _assoc_types(self, obj: str) -> tuple[str, ...]:
        configured = self.api.options.get("associations", {}).get(obj)
        return tuple(configured) if configured is not None else ASSOCIATIONS.get(obj, ())

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        if since is None:
            yield from self._list_pages(obj)
        else:
            yield from self._search_pages(obj, since)

    def _list_pages(self, obj: str) -> Iterator[list[Record]]:
        url = f"{self.base_url}/crm/v3/objects/{obj}"
        assoc = self._assoc_types(obj)
        params: dict[str, Any] = {
            "limit": self.page_size,
            "properties": ",".join(self.fields_for(obj)),
            "archived": "false",
        }
        if assoc:
            params["associations"] = ",".join(assoc)
        after: str | None = None
        while True:
            page_params = {**params, **({"after": after} if after else {})}
            body = self.session.json("GET", url, params=page_params, headers=self._headers())
            results = _results(body, url)
            yield [flatten_hubspot(item, assoc) for item in results]
            after = _next_after(body)
            if after is None:
                return

    def _search_pages(self, obj: str, since: datetime) -> Iterator[list[Record]]:
        url = f"{self.base_url}/crm/v3/objects/{obj}/search"
        prop = MODIFIED_PROPERTY.get(obj, "hs_lastmodifieddate")
        assoc = self._assoc_types(obj)
        floor_ms = int(since.timestamp() * 1000)
        operator = "GT"
        seen: set[str] = set()
        after: str | None = None
        while True:
            body: dict[str, Any] = {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": prop, "operator": operator, "value": str(floor_ms)}
                        ]
                    }
                ],
                "sorts": [{"propertyName": prop, "direction": "ASCENDING"}],
                "properties": self.fields_for(obj),
                "limit": SEARCH_PAGE_SIZE,
            }
            if after:
                body["after"] = after
            answer = self.session.json("POST", url, json=body, headers=self._headers())
            results = [r for r in _results(answer, url) if str(r.get("id")) not in seen]
            seen.update(str(r.get("id")) for r in results)
            links = self._associations(obj, [str(r["id"]) for r in results], assoc)
            for item in results:
                item["associations"] = links.get(str(item["id"]), {})
            yield [flatten_hubspot(item, assoc) for item in results]
            after = _next_after(answer)
            if after is None:
                return
            if after.isdigit() and int(after) + SEARCH_PAGE_SIZE > SEARCH_RESULT_CAP and results:
                # Past 10k the search refuses to page: restart from the newest value seen
                # (GTE, skipping ids already written) instead.
                newest = max(_epoch_ms(r["properties"].get(prop)) for r in results)
                floor_ms, operator, after = newest, "GTE", None

    def _associations(
        self, obj: str, ids: list[str], assoc: tuple[str, ...]
    ) -> dict[str, dict[str, Any]]:
        links: dict[str, dict[str, Any]] = {i: {} for i in ids}
        if not ids:
            return links
        for other in assoc:
            url = f"{self.base_url}/crm/v4/associations/{obj}/{other}/batch/read"
            for start in range(0, len(ids), 100):
                chunk = [{"id": i} for i in ids[start : start + 100]]
                answer = self.session.json(
                    "POST", url, json={"inputs": chunk}, headers=self._headers()
                )
                for row in _results(answer, url):
                    source_id = str((row.get("from") or {}).get("id"))
                    targets = [{"id": str(t["toObjectId"])} for t in row.get("to") or []]
                    if source_id in links:
                        links[source_id][other] = {"results": targets}
        return links


def _epoch_ms(value: Any) -> int:
    moment = parse_timestamp(value)
    return int(moment.timestamp() * 1000) if moment else 0


def _results(body: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ConnectorProtocolError(
            f"HubSpot answer from {url} has no 'results' list: {str(body)[:120]}"
        )
    return body["results"]


def _next_after(body: dict[str, Any]) -> str | None:
    after = ((body.get("paging") or {}).get("next") or {}).get("after")
    return str(after) if after not in (None, "") else None
