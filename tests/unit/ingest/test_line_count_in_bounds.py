"""The bounds check counts a file's lines on its way (`limits.check_text`), so the one-pass
read needs no pass of its own: its count must be `_physical_lines`' count, whatever the
file's end (no final break, blank lines after the last record, a run of breaks across the
check's chunks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import csv_reader
from ingest.readers import limits as bounds
from kernel.settings import LimitsConfig

SMALL = LimitsConfig(max_line_bytes=1024)  # the check reads chunks of the line limit

ENDINGS = [
    b"a;b\n1;2",
    b"a;b\n1;2\n",
    b"a;b\n1;2\n\n\n",
    b"a;b\n\n1;2\n",  # a blank line between records counts: it is a line of the file
    b"\n",
    b"a;b",
    b"a;b\n" + b"x" * 1000 + b"\n" * 3000,  # trailing breaks over several chunks
    b"a;b\n" + (b"y" * 1000 + b"\n") * 5,  # records ending on chunk boundaries
    b"a;b\n" + b"z" * 1023 + b"\n\n",
]


@pytest.mark.parametrize("data", ENDINGS)
def test_the_bounds_check_counts_the_lines_the_reader_counts(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    breaks = bounds.check_text(path, path, SMALL)
    got = csv_reader._line_count(breaks.count, breaks.trailing, empty=breaks.empty)
    assert got == csv_reader._physical_lines(path)
    assert breaks.count == data.count(b"\n")


def test_prepare_carries_the_count(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(b'"a","b"\n"1","x\ny"\n"2","z"\n\n')
    tf = csv_reader.prepare(path, work_dir=tmp_path / "w")
    assert tf.lines == 4 == csv_reader._physical_lines(path)
    assert not tf.utf8_unproven  # nothing presumed unless asked
