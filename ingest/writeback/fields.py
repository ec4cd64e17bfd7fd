"""Which CRM field each write-back value goes to, and how each vendor wants it.

Defaults per system (create these fields in the CRM, or map your own in c360.toml under
`[sources.writeback] fields = {...}`; "" leaves a value out):

| value | HubSpot (company property) | Salesforce (Account) | Dynamics 365 (account) | Odoo (res.partner) |
| --- | --- | --- | --- | --- |
| outstanding | c360_outstanding | C360_Outstanding__c | c360_outstanding | x_c360_outstanding |
| … | c360_<value> | C360_<Value>__c | c360_<value> | x_c360_<value> |

Values arrive as canonical text (money "1234.50", dates "2026-11-28", None = empty):
HubSpot takes every property as a string ("" empties it); Salesforce, Dynamics and Odoo
take JSON numbers for numbers, and Odoo `false` for an empty field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kernel.settings import WRITEBACK_KEYS, SourceConfig

# What each value is: decides the JSON type sent to the typed APIs.
KINDS: dict[str, str] = {
    "outstanding": "number",
    "overdue": "number",
    "oldest_overdue_days": "integer",
    "credit_limit": "number",
    "credit_utilisation": "number",
    "last_invoice_date": "text",
    "alert_summary": "text",
    "link": "text",
}
_SALESFORCE = {
    "outstanding": "C360_Outstanding__c",
    "overdue": "C360_Overdue__c",
    "oldest_overdue_days": "C360_Oldest_Overdue_Days__c",
    "credit_limit": "C360_Credit_Limit__c",
    "credit_utilisation": "C360_Credit_Utilisation__c",
    "last_invoice_date": "C360_Last_Invoice_Date__c",
    "alert_summary": "C360_Alerts__c",
    "link": "C360_Link__c",
}
DEFAULT_FIELDS: dict[str, dict[str, str]] = {
    "hubspot": {key: f"c360_{key}" for key in WRITEBACK_KEYS},
    "salesforce": _SALESFORCE,
    "dynamics365": {key: f"c360_{key}" for key in WRITEBACK_KEYS},
    "odoo": {key: f"x_c360_{key}" for key in WRITEBACK_KEYS},
}


def field_map(source: SourceConfig) -> dict[str, str]:
    """Value key -> CRM field for one source: the system's defaults, then the overrides."""
    chosen = dict(DEFAULT_FIELDS.get(source.system, {}))
    if source.writeback is not None:
        chosen.update(source.writeback.fields)
    return {key: name for key, name in chosen.items() if name}


def typed(key: str, text: str | None, *, empty: Any = None) -> Any:
    """A canonical text value as a JSON value for the typed APIs (exact to the cent:
    a 2-decimal amount survives the float's shortest round-trip form)."""
    if text is None:
        return empty
    kind = KINDS[key]
    if kind == "integer":
        return int(text)
    if kind == "number":
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else float(number)
    return text
