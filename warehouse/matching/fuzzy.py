"""Pass 4: normalised-name similarity inside blocks, scored in batches with rapidfuzz."""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from warehouse.sqlfiles import run_file

logger = logging.getLogger(__name__)

# Pairs one block may produce (alone records × block records); larger blocks are skipped.
MAX_BLOCK_PAIRS = 250_000
BATCH_ROWS = 500_000


def score_pairs(con: duckdb.DuckDBPyConnection, table: str = "work.fuzzy_pair") -> pa.Table:
    """token_sort_ratio / 100 for every pair of `table` (rid_a, rid_b, name_a, name_b),
    one rapidfuzz call per batch. `table` is a constant of this package."""
    reader = con.sql(f"select rid_a, rid_b, name_a, name_b from {table}").to_arrow_reader(
        BATCH_ROWS
    )
    parts: list[pa.Table] = []
    for batch in reader:
        scores = cpdist(
            batch.column("name_a").to_pylist(),
            batch.column("name_b").to_pylist(),
            scorer=fuzz.token_sort_ratio,
            workers=-1,
        )
        # Wrapped as a buffer, not through pa.array: that imports pandas (half a second
        # of every `c360 nightly` that resolves a fuzzy pair).
        score = np.ascontiguousarray(scores / 100.0, dtype=np.float64)
        parts.append(
            pa.Table.from_arrays(
                [
                    batch.column("rid_a"),
                    batch.column("rid_b"),
                    pa.Array.from_buffers(pa.float64(), len(score), [None, pa.py_buffer(score)]),
                ],
                names=["rid_a", "rid_b", "score"],
            )
        )
    if not parts:
        schema = pa.schema([("rid_a", pa.int64()), ("rid_b", pa.int64()), ("score", pa.float64())])
        return pa.Table.from_batches([], schema=schema)
    return pa.concat_tables(parts)


def fuzzy_pass_links(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Fill work.pass_link with auto-merge pairs and work.review with the review band."""
    run_file(con, "core/fuzzy_pair", {**params, "max_block_pairs": MAX_BLOCK_PAIRS})
    scores = score_pairs(con)
    logger.info("fuzzy pass: %d candidate pairs scored", scores.num_rows)
    con.register("fuzzy_score", scores)
    try:
        run_file(con, "core/fuzzy_link", params)
        run_file(con, "core/fuzzy_review", params)
    finally:
        con.unregister("fuzzy_score")
