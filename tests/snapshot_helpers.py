"""Reading the published snapshot in tests (read-only, closed after each question)."""

from __future__ import annotations

from kernel.connection import connect
from kernel.settings import Settings
from kernel.snapshots import current_snapshot


def published_xref(settings: Settings) -> dict[tuple[str, str], str]:
    """(source, source_id) → customer_id in the snapshot CURRENT names."""
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None, "nothing published"
    con = connect(path, read_only=True)
    try:
        rows = con.execute("select source, source_id, customer_id from core.customer_xref")
        return {(s, i): c for s, i, c in rows.fetchall()}
    finally:
        con.close()
