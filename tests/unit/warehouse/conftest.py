"""Fixtures of the warehouse tests (helpers live in warehouse_fixtures.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import make_settings, snapshot, write_staging

from kernel.settings import Settings


@pytest.fixture
def staging_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Create data/staging.duckdb seeded with the reference dataset; return its Settings."""

    def factory(with_seed: bool = True, **overrides: Any) -> Settings:
        settings = make_settings(tmp_path / "data", **overrides)
        write_staging(settings, with_seed)
        return settings

    return factory


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The reference dataset built once per session; a read-only connection to its snapshot."""
    from warehouse.build import build

    settings = make_settings(tmp_path_factory.mktemp("reference") / "data")
    write_staging(settings)
    result = build(settings)
    assert result.published, result.message
    assert result.snapshot is not None
    con = snapshot(result.snapshot)
    yield con
    con.close()
