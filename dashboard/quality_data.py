"""Pure helpers of the quality page (no Streamlit calls): the label of a check, the reject
reasons per source, the builds as table rows."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from dashboard.i18n import format_number, value_label


def check_label(check: dict[str, Any], lang: str) -> str:
    name = value_label(check.get("check_name"), lang)
    severity = value_label(check.get("severity"), lang)
    count = format_number(check.get("count"), lang, 0)
    return f"{name} · {severity} · {count}"


def reject_summary(quality: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per source and reason, from ``/quality``'s rejects."""
    return [
        {"source": r.get("source"), "reason": x.get("reason"), "count": x.get("count")}
        for r in quality.get("rejects") or []
        for x in r.get("reasons") or []
    ]


def build_rows(builds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Builds as table rows: the counts and failed checks the API keeps as JSON text become
    columns (customers, alerts, open items…) instead of a raw JSON cell."""
    out = []
    for b in builds:
        counts = _json(b.get("counts"))
        checks = _json(b.get("checks"))
        row = {k: b.get(k) for k in ("build_id", "started_at", "finished_at", "status", "message")}
        row["failed_checks"] = len(checks) if isinstance(checks, list) else None
        if isinstance(counts, dict):
            row.update({k: v for k, v in counts.items() if not isinstance(v, dict | list)})
        out.append(row)
    return out


def _json(text: Any) -> Any:
    if isinstance(text, str):
        with contextlib.suppress(ValueError):
            return json.loads(text)
        return None
    return text
