"""What the served snapshot says about freshness, for /health and /metrics: its age and
each source's last successful load (from the serving file's health_source, made from the
snapshot's meta.ingest_run).

Read once per snapshot and kept: a snapshot never changes, so a health probe or a scrape
costs a `stat` of CURRENT and a clock read."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from api import serving
from api.schemas import as_utc
from api.snapshot import Snapshot, SnapshotManager
from kernel.settings import Settings

logger = logging.getLogger(__name__)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))


class Freshness:
    def __init__(self, settings: Settings, snapshots: SnapshotManager) -> None:
        self.settings = settings
        self.snapshots = snapshots
        self._lock = threading.Lock()
        self._cached: tuple[str, list[dict[str, Any]]] | None = None

    def snapshot(self) -> Snapshot | None:
        return self.snapshots.current()

    @staticmethod
    def age_seconds(snap: Snapshot | None, now: datetime | None = None) -> float | None:
        published = _utc(snap.published_at) if snap else None
        if published is None:
            return None
        return max(0.0, ((now or datetime.now(UTC)) - published).total_seconds())

    def sources(self, snap: Snapshot | None) -> list[dict[str, Any]]:
        """Every configured source (and any other the snapshot names) with its last success."""
        loaded = self._loaded(snap)
        now = datetime.now(UTC)
        names = [s.name for s in self.settings.sources]
        names += sorted(set(loaded) - set(names))
        out = []
        for name in names:
            row = loaded.get(name, {})
            last = _utc(row.get("last_success"))
            try:
                hours = self.settings.source(name).expected_frequency_hours
            except KeyError:
                hours = 24
            out.append(
                {
                    "source": name,
                    "last_success": last,
                    "rows_loaded": int(row.get("rows_loaded") or 0),
                    "rows_rejected": int(row.get("rows_rejected") or 0),
                    # Twice the expected period: one missed night is not yet stale.
                    "stale": last is None or now - last > timedelta(hours=2 * hours),
                }
            )
        return out

    def _loaded(self, snap: Snapshot | None) -> dict[str, dict[str, Any]]:
        if snap is None:
            return {}
        with self._lock:
            if self._cached is not None and self._cached[0] == snap.build_id:
                return {r["source"]: r for r in self._cached[1]}
        try:
            with self.snapshots.reader() as reader:
                if reader.build_id != snap.build_id:  # switched meanwhile: next call
                    return {}
                rows = [
                    serving.loads(r[0])
                    for r in reader.lite.execute("select doc from health_source order by source")
                ]
        except Exception:  # health must answer even when the snapshot cannot be read
            logger.warning("cannot read the sources' last loads", exc_info=True)
            return {}
        with self._lock:
            self._cached = (snap.build_id, rows)
        return {r["source"]: r for r in rows}
