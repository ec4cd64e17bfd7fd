"""The serving contract's identity, shared by its writer (the build) and its reader (the API).

Each published snapshot `<build_id>.duckdb` has beside it `<build_id>.duckdb.serving.sqlite`
(written by warehouse/serving.py, read by api/). Its table `contract` holds the version
below; a reader refuses a file of another version.
"""

from __future__ import annotations

from pathlib import Path

SERVING_SUFFIX = ".serving.sqlite"
# Bumped when a table or document of the contract changes shape.
CONTRACT_VERSION = 8
# Items per stored chunk of a customer sub-list (warehouse/sql/serving/list_chunks.sql): a
# page of the default 50 is one or two chunk reads, located by position alone.
CHUNK_SIZE = 50


def serving_path(snapshot: Path) -> Path:
    """`<build_id>.duckdb.serving.sqlite` beside `<build_id>.duckdb` (or its temp file)."""
    return snapshot.with_name(snapshot.name + SERVING_SUFFIX)
