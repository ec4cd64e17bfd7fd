"""Ingest then build hand-made inboxes that hold no bad row, as the tests that read the
published snapshot need: every file's rows accounted for, none rejected, a snapshot out."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import ingest
from kernel.settings import Settings
from warehouse.build import build


def ingest_and_publish(settings: Settings) -> Path:
    """The published snapshot; fails the test on a refused source, a reject or no publish."""
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    for o in result.outcomes:
        # Rows accounted for, and these inboxes hold no reject (an orphan is not one).
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
        assert o.rows_rejected == 0, (o.file, o.object)
    built = build(settings)
    assert built.published, built.message
    assert built.snapshot is not None
    return built.snapshot
