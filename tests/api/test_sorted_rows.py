"""Exact-key lookups in a sorted Arrow file (api/sorted_rows.py): every row of a key, its
run crossing batch edges or not, and none for a key between two others; checked against a
scan of the same rows."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa

from api.sorted_rows import SortedRows


def _write(path: Path, rows: list[tuple[str, str, str]], batch: int) -> None:
    schema = pa.schema([("source", pa.string()), ("source_id", pa.string()), ("v", pa.string())])
    with pa.ipc.new_file(str(path), schema) as writer:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            writer.write_batch(
                pa.record_batch([pa.array(c) for c in zip(*part, strict=True)], schema)
            )


def test_every_key_finds_its_rows_across_batches(tmp_path: Path) -> None:
    rng = random.Random(3)
    # Runs of one to forty rows per key (the longest span several batches of 16), accents
    # and case sorted as code points, as DuckDB sorts UTF-8 text.
    keys = sorted(
        {(rng.choice(["crm", "erp", "Éco"]), f"{rng.randrange(500):04d}") for _ in range(300)}
    )
    rows = sorted((s, i, f"{s}/{i}/{n}") for s, i in keys for n in range(rng.randrange(1, 41)))
    path = tmp_path / "sorted.arrow"
    _write(path, rows, 16)
    found = SortedRows(path, 2)
    for key in keys:
        assert found.find(*key) == [r for r in rows if r[:2] == key], key
    for missing in (("crm", "9999"), ("aaa", "0000"), ("zzz", "0000"), ("erp", "")):
        assert found.find(*missing) == []


def test_an_empty_file_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.arrow"
    with pa.ipc.new_file(str(path), pa.schema([])):
        pass
    assert SortedRows(path, 1).find("x") == []
