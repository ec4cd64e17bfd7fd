"""The watermark rule: a fetched source's watermark (and its change cursors) is saved
only when the source was not refused, so a refused night fetches the same window again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.fetch import FetchOutcome, load_cursors, load_watermark, save_watermarks
from kernel.settings import Settings

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_only_sources_not_refused_move_their_watermark(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    fetched = FetchOutcome(
        watermarks={"crm": MONDAY, "erp": MONDAY, "books": None},
        cursors={"crm": {"contacts": "delta-1"}, "erp": {"orders": "delta-9"}},
    )
    assert save_watermarks(settings, fetched, refused=set()) == ["crm", "erp"]

    tuesday = FetchOutcome(
        watermarks={"crm": TUESDAY, "erp": TUESDAY},
        cursors={"crm": {"contacts": "delta-2"}, "erp": {"orders": "delta-10"}},
    )
    assert save_watermarks(settings, tuesday, refused={"erp"}) == ["crm"]

    assert load_watermark(settings, "crm") == TUESDAY
    assert load_cursors(settings, "crm") == {"contacts": "delta-2"}
    # erp was refused on Tuesday: it keeps Monday's window and cursor.
    assert load_watermark(settings, "erp") == MONDAY
    assert load_cursors(settings, "erp") == {"orders": "delta-9"}
    # No watermark handed out (a full extract): nothing saved.
    assert load_watermark(settings, "books") is None
