"""A served sub-list's seq is each customer's item positions 1..n (warehouse/sql/serving/
list_chunks.sql reads an item's chunk off it): a list built otherwise fails the copy with
one clear line instead of serving pages with holes or items twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from warehouse.serving import TABLES, _copy, _start, load_macros

INVOICES = next(t for t in TABLES if t.name == "customer_invoice")


def _copy_seqs(tmp_path: Path, seqs: dict[str, list[int]]) -> sqlite3.Connection:
    con = duckdb.connect()
    con.execute("attach ':memory:' as serving")
    con.execute(
        "create table serving.customer_invoice "
        "(seq bigint, customer_id varchar, source_id varchar, amount_incl_tax decimal(18,2))"
    )
    for customer_id, numbers in seqs.items():
        for seq in numbers:
            con.execute(
                "insert into serving.customer_invoice values (?, ?, ?, ?)",
                (seq, customer_id, f"INV-{customer_id}-{seq}", "12.50"),
            )
    lite = sqlite3.connect(tmp_path / "serving.sqlite")
    _start(lite, INVOICES.part)
    try:
        cursor = con.cursor()
        load_macros(cursor)
        _copy(cursor, lite, INVOICES, True)
    finally:
        con.close()
    return lite


@pytest.mark.parametrize(
    "seqs",
    [
        {"C-1": [1, 2, 3], "C-2": [1, 3]},  # a hole
        {"C-1": [2, 3]},  # not from 1
        {"C-1": [3, 6, 9]},  # the list's order, not its positions
        {"C-1": list(range(1, 51)) + [52]},  # a hole at a chunk's edge
    ],
)
def test_a_list_whose_seq_is_not_positions_fails_the_copy(
    tmp_path: Path, seqs: dict[str, list[int]]
) -> None:
    with pytest.raises(duckdb.InvalidInputException, match="seq is not each customer"):
        _copy_seqs(tmp_path, seqs)


def test_positions_copy_with_their_count_and_cents(tmp_path: Path) -> None:
    lite = _copy_seqs(tmp_path, {"C-1": list(range(1, 52)), "C-2": [1]})
    rows = lite.execute(
        "select customer_id, chunk, total, json_array_length(doc), doc"
        " from customer_invoice order by customer_id, chunk"
    ).fetchall()
    assert [r[:4] for r in rows] == [("C-1", 0, 51, 50), ("C-1", 1, 51, 1), ("C-2", 0, 1, 1)]
    assert rows[1][4] == '[["INV-C-1-51",12.50]]'
    assert rows[2][4] == '[["INV-C-2-1",12.50]]'
