"""Which dashboard pages exist and which roles may see them (hidden otherwise)."""

from __future__ import annotations

# page file (in app_pages/) → (title string key, icon, roles that may open it)
PAGES: dict[str, tuple[str, str, frozenset[str]]] = {
    "customers": (
        "page_customers",
        ":material/person_search:",
        frozenset({"sales", "finance", "executive", "admin"}),
    ),
    "receivables": (
        "page_receivables",
        ":material/account_balance:",
        frozenset({"finance", "admin"}),
    ),
    "kpis": ("page_kpis", ":material/monitoring:", frozenset({"executive", "admin"})),
    "quality": ("page_quality", ":material/fact_check:", frozenset({"admin"})),
    "writeback": ("page_writeback", ":material/sync_alt:", frozenset({"admin"})),
}


def visible_pages(role: str | None) -> list[str]:
    """Pages a role may use; an unknown role sees all and the API answers 403 if needed."""
    return [name for name, (_, _, roles) in PAGES.items() if role is None or role in roles]
