"""Why a source record belongs to a customer, in words a person understands.

`core.customer_xref.evidence` is JSON written by the matcher. Its keys depend on the rule;
the known ones are phrased here ("same SIRET 732 829 320 00074", "name 'Dupont SARL' ≈
'DUPONT' 0.94, same postcode 69003", "ERP code C00042 held in the CRM"), anything else is
shown as `key value` so no evidence is ever hidden.
"""

from __future__ import annotations

from typing import Any

_SAME = {
    "siret": "SIRET",
    "siren": "SIREN",
    "vat_number": "VAT number",
    "vat": "VAT number",
    "email_domain": "e-mail domain",
    "email": "e-mail",
    "phone": "phone",
    "postcode": "postcode",
    "city": "city",
    "website": "website",
}
_RULES = {
    "xref": "explicit cross-reference",
    "legal_id": "same legal identifier",
    "contact": "same contact details",
    "fuzzy": "similar name",
    "ledger_name": "same name as a ledger account",
    "anchor": "first record of this customer",
    "seed": "first record of this customer",
    "singleton": "no other record matched",
    "single": "no other record matched",
    "steward": "steward decision",
    "manual": "steward decision",
}
_HANDLED = {
    "rule",
    "match_rule",
    "score",
    "name_score",
    "left_name",
    "right_name",
    "names",
    "name",
    "other_name",
    "customer_code",
    "code",
    "erp_code",
    "held_by",
    "held_in",
    "code_source",
    "decision",
    "by",
    "same",
    "name_a",
    "name_b",
    "reason",
    "link",
}


def format_siret(value: str) -> str:
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) == 14:
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    if len(digits) == 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return str(value)


def _same(key: str, value: Any) -> str:
    label = _SAME.get(key, key.replace("_", " "))
    shown = format_siret(value) if key in ("siret", "siren") else value
    return f"same {label} {shown}"


def _score(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return str(value)


def evidence_text(rule: str | None, evidence: Any, score: float | None = None) -> str:
    """One line explaining a link, from its rule and evidence."""
    if isinstance(evidence, list):
        return "; ".join(evidence_text(rule, item, score) for item in evidence) or _rule(rule)
    if not isinstance(evidence, dict):
        return str(evidence) if evidence not in (None, "") else _rule(rule)
    if evidence.get("rule") == "ledger_name":
        return _ledger_name(evidence)
    parts: list[str] = []
    code = evidence.get("customer_code") or evidence.get("erp_code") or evidence.get("code")
    if code is not None:
        holder = evidence.get("held_in") or evidence.get("held_by") or "the CRM"
        holder = "the CRM" if str(holder).lower() == "crm" else holder
        parts.append(f"ERP code {code} held in {holder}")
    names = evidence.get("names")
    left = evidence.get("name_a") or evidence.get("left_name") or evidence.get("name")
    right = evidence.get("name_b") or evidence.get("right_name") or evidence.get("other_name")
    if isinstance(names, list) and len(names) >= 2:
        left, right = names[0], names[1]
    if left is not None and right is not None:
        name_score = evidence.get("name_score", evidence.get("score", score))
        text = f"name '{left}' ≈ '{right}'"
        parts.append(f"{text} {_score(name_score)}" if name_score is not None else text)
    same = evidence.get("same")
    if isinstance(same, dict):
        parts.extend(_same(k, v) for k, v in same.items())
    elif isinstance(same, list):
        parts.extend(f"same {_SAME.get(str(k), str(k))}" for k in same)
    for key, value in evidence.items():
        if key in _HANDLED or value in (None, ""):
            continue
        if key in _SAME:
            parts.append(_same(key, value))
        else:
            parts.append(f"{key.replace('_', ' ')} {value}")
    if evidence.get("reason"):
        parts.insert(0, str(evidence["reason"]))
    if isinstance(evidence.get("link"), dict):
        link = evidence["link"]
        parts.append(f"({evidence_text(link.get('rule'), link, score)})")
    decision = evidence.get("decision")
    if decision:
        by = evidence.get("by")
        parts.append(f"steward decision '{decision}'" + (f" by {by}" if by else ""))
    return ", ".join(parts) if parts else _rule(rule)


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _ledger_name(evidence: dict[str, Any]) -> str:
    """A ledger account known by its name only (core/pass_ledger_name.sql)."""
    account = evidence.get("account")
    left = f"'{evidence.get('name_a')}'"
    right = f"'{evidence.get('name_b')}'"
    who = f"ledger account {account} {left}" if account else f"ledger account {left}"
    match = evidence.get("match")
    if match == "approximate":
        score = evidence.get("score")
        close = f"{who} has a name close to {right}"
        close += f" ({_score(score)})" if score is not None else ""
        return close + "; a name alone is not enough, a steward decides"
    same = f"{who} has the same name as {right}"
    customers, accounts = _count(evidence.get("customers")), _count(evidence.get("accounts"))
    if match == "exact" or (customers <= 1 and accounts <= 1):
        return same + ", the only customer of that name"
    doubts = []
    if customers > 1:
        doubts.append(f"one of {customers} customers of that name")
    if accounts > 1:
        doubts.append(f"{accounts} records of the same books bear it")
    return f"{same}, {' and '.join(doubts)}; a steward decides"


def _rule(rule: str | None) -> str:
    if not rule:
        return "no evidence recorded"
    return _RULES.get(rule, rule.replace("_", " "))
