"""Point lookup of one JSON document by key among 1M rows: DuckDB PRIMARY KEY (ART index)
against an SQLite table keyed by id. `python -m bench.serving_lookup` (about a minute);
the measurement that chose SQLite for the serving file (docs/benchmarks.md)."""

from __future__ import annotations

import os
import random
import sqlite3
import time

import duckdb

from bench.common import out_dir

N = 1_000_000
LOOKUPS = 2000


def main() -> None:
    folder = out_dir("serving_lookup")
    dpath, spath = folder / "m.duckdb", folder / "m.sqlite"
    for f in (dpath, spath):
        f.unlink(missing_ok=True)
    d = duckdb.connect(str(dpath))
    t = time.perf_counter()
    d.execute("create table doc (customer_id varchar primary key, doc varchar)")
    d.execute(
        "insert into doc select 'C' || lpad(i::varchar, 8, '0'), "
        'repeat(\'{"x":1234.50,"name":"Dupont SARL"}\', 40) from range(?) t(i)',
        [N],
    )
    d.execute("checkpoint")
    print(f"duckdb write {time.perf_counter() - t:.2f}s")
    s = sqlite3.connect(spath)
    t = time.perf_counter()
    s.execute("pragma journal_mode = off")
    s.execute("pragma synchronous = off")
    s.execute("create table doc (customer_id text primary key, doc text)")
    cur = d.execute("select * from doc order by customer_id")
    while rows := cur.fetchmany(50_000):
        s.executemany("insert into doc values (?, ?)", rows)
    s.commit()
    print(f"sqlite copy {time.perf_counter() - t:.2f}s")
    d.close()
    s.close()
    ids = [f"C{random.randrange(N):08d}" for _ in range(LOOKUPS)]
    d = duckdb.connect(str(dpath), read_only=True)
    d.execute("select doc from doc where customer_id = ?", [ids[0]]).fetchone()
    t = time.perf_counter()
    for i in ids:
        d.execute("select doc from doc where customer_id = ?", [i]).fetchone()
    print(f"duckdb PK lookup {(time.perf_counter() - t) / LOOKUPS * 1000:.3f} ms")
    s = sqlite3.connect(f"file:{spath}?mode=ro&immutable=1", uri=True)
    t = time.perf_counter()
    for i in ids:
        s.execute("select doc from doc where customer_id = ?", (i,)).fetchone()
    print(f"sqlite PK lookup {(time.perf_counter() - t) / LOOKUPS * 1000:.3f} ms")
    print(
        f"sizes MiB: duckdb {os.path.getsize(dpath) >> 20}, sqlite {os.path.getsize(spath) >> 20}"
    )


if __name__ == "__main__":
    main()
