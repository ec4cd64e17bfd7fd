"""Fetching from vendor APIs before an ingest run: pages become files like any extract.

For each source with an `[sources.api]` section, its connector writes JSON pages into
`data/fetched/<source>/<timestamp>/`; those files then go through landing, reading and
typing exactly like files dropped in an inbox. The watermark of an incremental source
is saved only after its pages were ingested, so a failed run fetches the same window
again next night; so are the change cursors some vendors hand out (Dynamics 365 delta
links, one per object), kept in the same state file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.connectors import ConnectorError, check_connection, fetch
from kernel.settings import Settings, SourceConfig

logger = logging.getLogger(__name__)


@dataclass
class FetchOutcome:
    files: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    watermarks: dict[str, datetime | None] = field(default_factory=dict)
    cursors: dict[str, dict[str, str]] = field(default_factory=dict)
    # Objects a tenant does not have (skipped, not fatal), per source: object -> reason.
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)


def _load_state(settings: Settings, source: str) -> dict[str, Any]:
    path = settings.state_file(source)
    if not path.exists():
        return {}
    state = json.loads(path.read_text(encoding="utf-8"))
    return state if isinstance(state, dict) else {}


def load_watermark(settings: Settings, source: str) -> datetime | None:
    value = _load_state(settings, source).get("watermark")
    return datetime.fromisoformat(value) if value else None


def load_cursors(settings: Settings, source: str) -> dict[str, str]:
    """The change cursors (per object) the last saved run handed on; none before it."""
    cursors = _load_state(settings, source).get("cursors")
    return {str(k): str(v) for k, v in cursors.items()} if isinstance(cursors, dict) else {}


def save_watermark(
    settings: Settings,
    source: str,
    value: datetime | None,
    cursors: Mapping[str, str] | None = None,
) -> None:
    if value is None:
        return
    path = settings.state_file(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    state: dict[str, Any] = {"watermark": value.isoformat()}
    if cursors:
        state["cursors"] = dict(cursors)
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def save_watermarks(
    settings: Settings, fetched: FetchOutcome, refused: Collection[str]
) -> list[str]:
    """Save each fetched source's watermark (and change cursors) unless the source was
    refused in this run: a refused source fetches the same window again next night, so
    nothing it sent is skipped for good. Returns the sources whose state was saved."""
    saved = []
    for name, watermark in fetched.watermarks.items():
        if name in refused or watermark is None:
            continue
        save_watermark(settings, name, watermark, fetched.cursors.get(name))
        saved.append(name)
    return saved


def fetch_sources(
    settings: Settings, only: list[str] | None = None, env: Mapping[str, str] | None = None
) -> FetchOutcome:
    """Run the connector of every API source; a failing API is reported, not fatal."""
    outcome = FetchOutcome()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for source in settings.sources:
        if source.api is None or (only and source.name not in only):
            continue
        out_dir = settings.fetched_dir / source.name / stamp
        out_dir.mkdir(parents=True, exist_ok=True)
        try:
            result = fetch(
                source,
                out_dir,
                watermark=_watermark_for(settings, source),
                env=env if env is not None else os.environ,
                cursors=load_cursors(settings, source.name),
            )
        except ConnectorError as exc:
            logger.error("fetching %s failed: %s", source.name, exc)
            outcome.errors[source.name] = str(exc)
            continue
        outcome.files[source.name] = [(p, result.kind_of(p)) for p in result.files]
        if result.skipped:
            outcome.skipped[source.name] = result.skipped
        outcome.watermarks[source.name] = result.watermark
        outcome.cursors[source.name] = result.cursors
    return outcome


def check_connections(
    settings: Settings, env: Mapping[str, str] | None = None
) -> list[tuple[str, bool, str]]:
    """For each API source: (name, ok, one line) after obtaining a token and one read."""
    lines = []
    for source in settings.sources:
        if source.api is None:
            continue
        try:
            line = check_connection(source, env if env is not None else os.environ)
        except ConnectorError as exc:
            lines.append((source.name, False, str(exc).splitlines()[0]))
        else:
            lines.append((source.name, True, line))
    return lines


def _watermark_for(settings: Settings, source: SourceConfig) -> datetime | None:
    return load_watermark(settings, source.name) if source.extract == "incremental" else None
