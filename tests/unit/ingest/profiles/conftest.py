"""Vendor mapping profiles run through the real ingest pipeline on native-format fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings

FIXTURES = Path(__file__).parents[4] / "tests" / "data" / "profiles"


class Loaded:
    """The staging database after one ingest run of one fixture folder."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def rows(self, obj: str, columns: str) -> list[tuple[Any, ...]]:
        return self.con.execute(
            f"select {columns} from staging.{obj} where source = 'src' order by source_id"
        ).fetchall()

    def runs(self) -> dict[tuple[str, str | None], tuple[str, int, int, int, int]]:
        """(file, object) → (status, read, loaded, rejected, skipped); the counts balance."""
        out = {}
        for file, obj, status, read, loaded, rejected, skipped in self.con.execute(
            "select file, object, status, rows_read, rows_loaded, rows_rejected, rows_skipped "
            "from meta.ingest_run"
        ).fetchall():
            assert read == loaded + rejected + skipped, (file, obj)
            out[(file, obj)] = (status, read, loaded, rejected, skipped)
        return out

    def rejects(self) -> list[tuple[Any, ...]]:
        return self.con.execute("select file, line, reason from meta.reject").fetchall()


# load(system, folder=None): ingest the profile fixtures of `system` into a fresh staging.
Load = Callable[..., Loaded]


@pytest.fixture
def load(tmp_path: Path) -> Iterator[Load]:
    opened: list[duckdb.DuckDBPyConnection] = []

    def _load(system: str, folder: str | None = None) -> Loaded:
        settings = Settings(
            config_path=None,
            data_dir=tmp_path / "data",
            sources=[
                {
                    "name": "src",
                    "system": system,
                    "role": "erp",
                    "inbox": FIXTURES / (folder or system),
                }
            ],
        )
        result = ingest(settings)
        assert result.ok, [o.message for o in result.refused]
        con = connect(settings.staging_db, read_only=True)
        opened.append(con)
        return Loaded(con)

    yield _load
    for con in opened:
        con.close()
