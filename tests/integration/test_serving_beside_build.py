"""The serving contract is written while the build goes on (warehouse/serving.py,
ServingWrite): its sub-lists from the core tables as soon as they are committed, the rest
once the marts are built and checked, the build log's table last. What it wrote must be
exactly what the same SQL makes afterwards from the published snapshot: a table started
before what it reads was final would differ (or be left empty)."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from kernel.serving_contract import serving_files, serving_path
from kernel.snapshots import current_snapshot
from warehouse.serving import TABLES, serving_for_snapshot

if TYPE_CHECKING:
    from tests.conftest import BuiltDemo


def _digests(main: Path) -> dict[tuple[str, str], tuple[int, str]]:
    """(file, table) → (rows, hash of its sorted rows), over a serving file set; a
    sub-list's Arrow file → (rows, hash of its rows in order)."""
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for path in serving_files(main.with_name(main.name.partition(".serving")[0])):
        part = path.name.partition(".serving")[2]
        if path.suffix == ".arrow":  # a sub-list's items or index (or the keys), as stored
            table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
            rows = [repr(r) for r in table.to_pylist()]
            found[(part, "items")] = (
                len(rows),
                hashlib.sha256("\n".join(rows).encode()).hexdigest(),
            )
            continue
        with closing(sqlite3.connect(path)) as lite:
            names = [
                str(r[0])
                for r in lite.execute(
                    "select name from sqlite_master where type = 'table'"
                    " and name not like 'sqlite_%' and sql not like 'create virtual%'"
                    " and name not like 'search_text_%' and name not like 'search_owned_%'"
                )
            ]
            for name in names:
                rows = sorted(repr(r) for r in lite.execute(f'select * from "{name}"'))
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                found[(part, name)] = (len(rows), digest)
    return found


def test_contract_written_beside_the_build_is_the_one_made_after(
    built_demo: BuiltDemo, tmp_path: Path
) -> None:
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    during = _digests(serving_path(snapshot))
    # The same SQL, from the published snapshot, nothing else running.
    target = serving_for_snapshot(snapshot, tmp_path)
    after = _digests(tmp_path / target.name)
    assert during.keys() == after.keys()
    differing = sorted(k for k in during if during[k] != after[k])
    assert differing == []
    # Every served table is there, and the lists and pages that read the core tables,
    # the marts and the build log all hold rows.
    served = {t.name for t in TABLES if t.file is None and not t.is_list}
    assert served <= {name for _, name in during}
    assert during[(".keys.arrow", "items")][0] > 0
    for name in ("customer_search", "alert", "run_build"):
        rows = [n for (_, t), (n, _) in during.items() if t == name]
        assert rows and rows[0] > 0, name
    for name in ("customer_invoice", "customer_timeline", "customer_profile"):
        assert during[(f".list.{name}.arrow", "items")][0] > 0, name
        assert during[(f".index.{name}.arrow", "items")][0] > 0, name
