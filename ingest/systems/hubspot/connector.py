"""HubSpot CRM API v3 connector.

Objects (default): `companies`, `contacts`, `deals`; the engagements `calls`, `meetings`,
`emails`, `notes`, `tasks` (CRM v3 objects, associated to companies, contacts and deals);
`tickets`, `quotes` (associated to companies and deals), `line_items` (to their deal),
with their associations; `owners` (CRM v3 `GET /crm/v3/owners`, live and archived, always
read in full).

- Full extract: `GET /crm/v3/objects/{type}?limit=100&properties=…&associations=…`,
  following `paging.next.after` until it is absent. Each record's association lists are
  paged too: a list that carries its own `paging.next` is read again in full through the
  v4 batch read.
- Incremental: `POST /crm/v3/objects/{type}/search`, keyset-paged: filters
  `hs_lastmodifieddate` (contacts: `lastmodifieddate`) `GTE` the window's start (`LT` its
  end) and `hs_object_id GT` the last id read, sorted by `hs_object_id`, 200 per page and
  never an `after` offset (an offset skips a live row when one before it leaves the
  results between two pages). A window whose `total` passes 10,000 (the search API's
  cap) is split in two by time until each fits. Search returns no associations: each
  page's are read with `POST /crm/v4/associations/{from}/{to}/batch/read`, following
  each result's `paging.next.after` (`inputs: [{id, after}]`) to the end.
- Deletions: an incremental read also lists `archived=true` records archived since the
  window start (`archivedAt`); they land with `archived = true`.
- A default object the app has no scope for (403 `MISSING_SCOPES`: tickets without the
  `tickets` scope, line items without `e-commerce`) is skipped with one warning naming
  the required scopes; the other objects load. Named in `objects`, it fails the source.
- Watermark margin (default 10 min): the search index trails writes, so a record can
  appear in search after newer ones were read.
- Each record lands flat: `properties` merged with `id`, `createdAt`, `updatedAt`,
  `archived`, `archivedAt` and `associated_<type>_ids` = ";"-joined ids.
Token: a private-app token (static), or OAuth access tokens renewed from a refresh
token (auth.py), sent as `Authorization: Bearer`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from ingest.connectors.base import Connector, Record, describe_error_body, names
from ingest.connectors.errors import ConnectorObjectMissing, ConnectorProtocolError
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
# Engagements (CRM v3 objects since the v1 engagements API was retired), tickets, quotes
# and line items: the properties the hubspot profile maps (docs/profiles.md). Every
# engagement keeps `hs_timestamp` (when it happened, a task's due date) and its owner.
_ENGAGEMENT = "hs_object_id hs_timestamp hubspot_owner_id hs_createdate hs_lastmodifieddate "
FIELDS |= {
    "calls": names(
        _ENGAGEMENT
        + "hs_call_title hs_call_status hs_call_disposition hs_call_direction hs_call_duration"
    ),
    "meetings": names(
        _ENGAGEMENT
        + "hs_meeting_title hs_meeting_start_time hs_meeting_end_time hs_meeting_outcome"
    ),
    "emails": names(_ENGAGEMENT + "hs_email_subject hs_email_direction hs_email_status"),
    "notes": names(_ENGAGEMENT + "hs_note_body"),
    "tasks": names(_ENGAGEMENT + "hs_task_subject hs_task_status hs_task_priority hs_task_type"),
    "tickets": names(
        """
        hs_object_id subject content hs_pipeline hs_pipeline_stage hs_ticket_priority
        createdate closed_date hubspot_owner_id hs_lastmodifieddate
        """
    ),
    "quotes": names(
        """
        hs_object_id hs_title hs_quote_number hs_status hs_quote_amount hs_currency
        hs_expiration_date hs_createdate hubspot_owner_id hs_lastmodifieddate
        """
    ),
    "line_items": names(
        """
        hs_object_id name hs_sku hs_product_id quantity price discount
        hs_discount_percentage amount hs_line_item_currency_code createdate
        hs_lastmodifieddate
        """
    ),
}
# Owners: `GET /crm/v3/owners`, not a CRM object (no properties, search or associations).
# They are few and have no modified filter, so every read lists them all, archived ones
# too (they still own their records).
OWNERS = "owners"
FIELDS[OWNERS] = names("id email firstName lastName userId archived createdAt updatedAt")
ENGAGEMENTS = ("calls", "meetings", "emails", "notes", "tasks")
OWNERS_PAGE_SIZE = 500  # the endpoint's maximum
ASSOCIATIONS: dict[str, tuple[str, ...]] = {
    "companies": ("contacts", "deals"),
    "contacts": ("companies", "deals"),
    "deals": ("companies", "contacts"),
    **{e: ("companies", "contacts", "deals") for e in ENGAGEMENTS},
    "tickets": ("companies", "contacts", "deals"),
    "quotes": ("companies", "deals"),
    "line_items": ("deals",),
}
MODIFIED_PROPERTY = {"contacts": "lastmodifieddate"}  # others: hs_lastmodifieddate
SEARCH_PAGE_SIZE = 200
SEARCH_RESULT_CAP = 10_000  # the search API stops at 10k results per query
ASSOC_BATCH = 1000  # v4 batch read inputs per call


def flatten_hubspot(raw: dict[str, Any], assoc_types: tuple[str, ...]) -> Record:
    """`properties` merged with the envelope; associations as ";"-joined id lists."""
    record: Record = dict(raw.get("properties") or {})
    for key in ("id", "createdAt", "updatedAt", "archived", "archivedAt"):
        record[key] = raw.get(key)
    associations = raw.get("associations") or {}
    for other in assoc_types:
        links = (associations.get(other) or {}).get("results") or []
        ids = dict.fromkeys(str(link["id"]) for link in links if "id" in link)
        record[f"associated_{other}_ids"] = ";".join(ids)
    return record


class HubSpotConnector(Connector):
    vendor = "HubSpot"
    default_objects = (
        "companies",
        "contacts",
        "deals",
        *ENGAGEMENTS,
        "tickets",
        "quotes",
        "line_items",
        OWNERS,
    )
    fields = FIELDS
    modified_field = "updatedAt"
    id_field = "id"
    default_page_size = 100
    max_page_size = 100
    default_margin = timedelta(minutes=10)

    @classmethod
    def error_hook(cls, response: httpx.Response) -> Exception | None:
        # A private app or OAuth install without an object's scope (tickets, quotes, e-commerce
        # line items, owners): 403 category MISSING_SCOPES. It costs that object only.
        if response.status_code == 403 and "MISSING_SCOPES" in response.text:
            return ConnectorObjectMissing(
                f"the app lacks the scope to read it ({_missing_scopes(response)})"
            )
        return None

    def _headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def _assoc_types(self, obj: str) -> tuple[str, ...]:
        configured = self.api.options.get("associations", {}).get(obj)
        return tuple(configured) if configured is not None else ASSOCIATIONS.get(obj, ())

    def pages(self, obj: str, since: datetime | None) -> Iterator[list[Record]]:
        if obj == OWNERS:
            if since is not None:
                self.full_reads.add(obj)
            for archived in (False, True):
                yield from self._owner_pages(archived)
            return
        if since is None:
            yield from self._list_pages(obj, archived=False)
        else:
            yield from self._search_pages(obj, since)
            yield from self._archived_pages(obj, since)

    def _list_pages(self, obj: str, *, archived: bool) -> Iterator[list[Record]]:
        url = f"{self.base_url}/crm/v3/objects/{obj}"
        assoc = () if archived else self._assoc_types(obj)
        params: dict[str, Any] = {
            "limit": self.page_size,
            "properties": ",".join(self.fields_for(obj)),
            "archived": "true" if archived else "false",
        }
        if assoc:
            params["associations"] = ",".join(assoc)
        after: str | None = None
        while True:
            page_params = {**params, **({"after": after} if after else {})}
            body = self.session.json("GET", url, params=page_params, headers=self._headers())
            results = _results(body, url)
            self._complete_associations(obj, results, assoc)
            yield [flatten_hubspot(item, assoc) for item in results]
            after = _next_after(body)
            if after is None:
                return

    def _owner_pages(self, archived: bool) -> Iterator[list[Record]]:
        url = f"{self.base_url}/crm/v3/owners"
        fields = self.fields_for(OWNERS)
        params: dict[str, Any] = {
            "limit": OWNERS_PAGE_SIZE,
            "archived": "true" if archived else "false",
        }
        after: str | None = None
        while True:
            page_params = {**params, **({"after": after} if after else {})}
            body = self.session.json("GET", url, params=page_params, headers=self._headers())
            results = _results(body, url)
            # Teams and the other nested lists are left out: one flat row per owner.
            page = [{f: item.get(f) for f in fields} for item in results]
            yield page
            after = _next_after(body)
            if after is None:
                return

    def _complete_associations(
        self, obj: str, results: list[dict[str, Any]], assoc: tuple[str, ...]
    ) -> None:
        """Re-read through v4 every association list the list endpoint cut at a page."""
        for other in assoc:
            cut = [
                str(item["id"])
                for item in results
                if ((item.get("associations") or {}).get(other) or {}).get("paging")
            ]
            if not cut:
                continue
            full = self._associations(obj, cut, (other,))
            for item in results:
                if str(item["id"]) in full:
                    item.setdefault("associations", {})[other] = full[str(item["id"])].get(
                        other, {"results": []}
                    )

    def _archived_pages(self, obj: str, since: datetime) -> Iterator[list[Record]]:
        # The list of archived records has no filter: keep those archived in the window.
        for page in self._list_pages(obj, archived=True):
            kept = [r for r in page if (parse_timestamp(r.get("archivedAt")) or since) >= since]
            if kept:
                yield kept

    def _search(
        self, obj: str, lo: int, hi: int | None, last_id: int
    ) -> tuple[list[dict[str, Any]], int, bool]:
        url = f"{self.base_url}/crm/v3/objects/{obj}/search"
        prop = MODIFIED_PROPERTY.get(obj, "hs_lastmodifieddate")
        filters = [{"propertyName": prop, "operator": "GTE", "value": str(lo)}]
        if hi is not None:
            filters.append({"propertyName": prop, "operator": "LT", "value": str(hi)})
        filters.append({"propertyName": "hs_object_id", "operator": "GT", "value": str(last_id)})
        body = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": self.fields_for(obj),
            "limit": SEARCH_PAGE_SIZE,
        }
        answer = self.session.json("POST", url, json=body, headers=self._headers())
        results = _results(answer, url)
        total = answer.get("total")
        more = _next_after(answer) is not None
        return results, int(total) if isinstance(total, int) else len(results), more

    def _search_pages(self, obj: str, since: datetime) -> Iterator[list[Record]]:
        assoc = self._assoc_types(obj)
        windows: list[tuple[int, int | None]] = [(int(since.timestamp() * 1000), None)]
        while windows:
            lo, hi = windows.pop(0)
            last_id, first = 0, True
            while True:
                results, total, more = self._search(obj, lo, hi, last_id)
                top = hi if hi is not None else max(lo + 2, int(time.time() * 1000))
                if first and total > SEARCH_RESULT_CAP and top - lo > 1:
                    mid = (lo + top) // 2
                    logger.info("HubSpot %s: %d rows in one search window, splitting", obj, total)
                    windows[0:0] = [(lo, mid), (mid, hi)]
                    break
                first = False
                if not results:
                    break
                links = self._associations(obj, [str(r["id"]) for r in results], assoc)
                for item in results:
                    item["associations"] = links.get(str(item["id"]), {})
                yield [flatten_hubspot(item, assoc) for item in results]
                last_id = max(int(r["id"]) for r in results)
                if not more:
                    break

    def _associations(
        self, obj: str, ids: list[str], assoc: tuple[str, ...]
    ) -> dict[str, dict[str, Any]]:
        """Every association of `ids`, each list followed through its `paging.next.after`."""
        links: dict[str, dict[str, Any]] = {i: {} for i in ids}
        for other in assoc:
            url = f"{self.base_url}/crm/v4/associations/{obj}/{other}/batch/read"
            found: dict[str, dict[str, None]] = {i: {} for i in ids}
            pending: list[dict[str, str]] = [{"id": i} for i in ids]
            while pending:
                chunk, pending = pending[:ASSOC_BATCH], pending[ASSOC_BATCH:]
                answer = self.session.json(
                    "POST", url, json={"inputs": chunk}, headers=self._headers()
                )
                for row in _results(answer, url):
                    source_id = str((row.get("from") or {}).get("id"))
                    if source_id not in found:
                        continue
                    for target in row.get("to") or []:
                        found[source_id][str(target["toObjectId"])] = None
                    after = _next_after(row)
                    if after is not None:
                        pending.append({"id": source_id, "after": after})
            for source_id, targets in found.items():
                links[source_id][other] = {"results": [{"id": t} for t in targets]}
        return links


def _missing_scopes(response: httpx.Response) -> str:
    """The scopes HubSpot says are required (`errors[].context.requiredGranularScopes`, or
    `requiredScopes` on older answers), else its message."""
    try:
        body = response.json()
    except ValueError:
        return describe_error_body(response)
    scopes: list[str] = []
    for error in (body.get("errors") or []) if isinstance(body, dict) else []:
        context = (error or {}).get("context") or {}
        for key in ("requiredGranularScopes", "requiredScopes"):
            scopes += [str(v) for v in context.get(key) or [] if str(v) not in scopes]
    return "required scopes: " + ", ".join(scopes) if scopes else describe_error_body(response)


def _epoch_ms(value: Any) -> int:
    moment = parse_timestamp(value)
    return int(moment.timestamp() * 1000) if moment else 0


def _results(body: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ConnectorProtocolError(
            f"HubSpot answer from {url} has no 'results' list: {str(body)[:120]}"
        )
    results: list[dict[str, Any]] = body["results"]
    return results


def _next_after(body: dict[str, Any]) -> str | None:
    after = ((body.get("paging") or {}).get("next") or {}).get("after")
    return str(after) if after not in (None, "") else None


CONNECTOR = HubSpotConnector
