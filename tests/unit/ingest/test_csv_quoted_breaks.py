"""Line breaks inside quoted cells and nothing rejected (a notes column): rows keep their
physical line numbers, computed in one window over the scan."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.readers import csv_reader


def test_quoted_breaks_without_rejects_keep_physical_lines(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        '"Record ID","Call notes","Call status"\n'  # 1
        '"1","intéressé,\n""à rappeler""\nen avril","Completed"\n'  # 2-4
        '"2","","Scheduled"\n'  # 5
        '"3","une\nligne de plus","Completed"\n'  # 6-7
        '"4","fin","Completed"\n',  # 8
        encoding="utf-8",
    )
    con = duckdb.connect()
    rr = csv_reader.read(con, path, "t", work_dir=tmp_path / "w")
    assert rr.rows == 4
    assert con.execute('select "Record ID", _line from t order by _line').fetchall() == [
        ("1", 2),
        ("2", 5),
        ("3", 6),
        ("4", 8),
    ]
    assert con.execute('select "Call notes" from t where "Record ID" = \'1\'').fetchone() == (
        'intéressé,\n"à rappeler"\nen avril',
    )
    assert con.execute(f"select count(*) from {rr.rejects_table}").fetchone() == (0,)
