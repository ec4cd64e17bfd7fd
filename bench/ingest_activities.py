"""Issue 13: 1M HubSpot calls (an index-page export) through ingest.

Compares, in the same run, the real `ingest.pipeline.ingest` (the hubspot profile: kind,
status from Call status, associations split, datetimes typed, into `staging.activity`)
with a bare DuckDB `read_csv(all_varchar=true)` of the same file into a file-backed
table. Median of the ratios taken within each run, pipeline and bare back to back.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import measure, out_dir, table
from bench.ingest_invoices import StepClock
from bench.report import write_section

FULL_ROWS, QUICK_ROWS = 1_000_000, 50_000
REPEAT = 3
TARGET_RATIO = 2.0
SEED = 13

TITLES = ["Point trimestriel", "Relance devis", "Suivi livraison", "Appel découverte",
          'Rappel "urgent", ligne 2']  # fmt: skip
OUTCOMES = ["Connected", "Left voicemail", "No answer", "Busy"]
OWNERS = ["Camille Martin", "Julien Lefebvre", "Sophie Bernard", "Thomas Petit"]

# The HubSpot export's shape: UTF-8, every field quoted, label headers, `YYYY-MM-DD HH:mm`.
GENERATE_SQL = """
copy (
    select
        cast(40000000000 + i as varchar) as "Record ID",
        $titles[1 + cast(hash(i, $seed, 1) % len($titles) as integer)] as "Call Title",
        strftime(
            timestamp '2024-01-01 08:00' + to_minutes(cast(hash(i, $seed, 2) % 1000000 as bigint)),
            '%Y-%m-%d %H:%M'
        ) as "Activity date",
        $outcomes[1 + cast(hash(i, $seed, 3) % len($outcomes) as integer)] as "Call outcome",
        case when hash(i, $seed, 4) % 20 = 0 then 'Scheduled' else 'Completed' end
            as "Call status",
        case when hash(i, $seed, 5) % 4 = 0
            then cast(20000000000 + hash(i, $seed, 6) % 300000 as varchar) else '' end
            as "Associated Contact IDs",
        cast(10000000000 + hash(i, $seed, 7) % 200000 as varchar)
            || case when hash(i, $seed, 8) % 10 = 0
                then ';' || cast(10000000000 + hash(i, $seed, 9) % 200000 as varchar) else '' end
            as "Associated Company IDs",
        $owners[1 + cast(hash(i, $seed, 10) % len($owners) as integer)] as "Activity assigned to"
    from range(1, $rows + 1) as t(i)
    order by i
) to '{path}' (format csv, header true, delimiter ',', quote '"', force_quote *)
"""


def generate(rows: int) -> tuple[Path, dict[str, Any]]:
    folder = out_dir("ingest_activities", f"rows{rows}_seed{SEED}")
    path = folder / "calls.csv"
    meta_path = folder / "expected.json"
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    con = duckdb.connect()
    con.execute(
        GENERATE_SQL.replace("{path}", str(path)),
        {"rows": rows, "seed": SEED, "titles": TITLES, "outcomes": OUTCOMES, "owners": OWNERS},
    )
    found = con.execute(
        "select count(*), count(*) filter (where \"Call status\" = 'Scheduled') "
        "from read_csv(?, header=true, all_varchar=true)",
        [str(path)],
    ).fetchone()
    con.close()
    assert found is not None
    meta = {"rows": found[0], "open": found[1], "bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta))
    return path, meta


def run_pipeline(src: Path, work: Path) -> dict[str, Any]:
    from ingest.pipeline import ingest
    from warehouse.connection import connect
    from warehouse.settings import Settings, SourceConfig

    if work.exists():
        shutil.rmtree(work)
    inbox = work / "inbox"
    inbox.mkdir(parents=True)
    shutil.copyfile(src, inbox / src.name)  # an inbox refuses links
    settings = Settings(
        data_dir=work / "data",
        sources=[SourceConfig(name="crm", system="hubspot", role="crm", inbox=inbox)],
    )
    with StepClock() as clock:
        m = measure(lambda: ingest(settings))
    outcome = [o for o in m.result.outcomes if o.object == "activity"][0]
    con = connect(settings.staging_db, read_only=True)
    check = con.execute(
        "select count(*), count(*) filter (where status = 'open'), "
        "count(*) filter (where occurred_at is null or kind <> 'call') from staging.activity"
    ).fetchone()
    con.close()
    assert check is not None
    return {
        "seconds": m.seconds,
        "peak_mib": m.peak_mib,
        "read": outcome.rows_read,
        "loaded": outcome.rows_loaded,
        "rejected": outcome.rows_rejected,
        "skipped": outcome.rows_skipped,
        "staged": check[0],
        "open": check[1],
        "bad": check[2],
        "steps": clock.seconds,
    }


def bare_read(src: Path, work: Path) -> dict[str, Any]:
    db = work / "bare.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)

    def go() -> int:
        con = duckdb.connect(str(db))
        con.execute(
            "create table t as select * from read_csv(?, header=true, all_varchar=true)",
            [str(src)],
        )
        row = con.execute("select count(*) from t").fetchone()
        assert row is not None
        n = row[0]
        con.close()
        return int(n)

    m = measure(go)
    return {"seconds": m.seconds, "peak_mib": m.peak_mib, "rows": m.result}


def run(quick: bool = False) -> dict[str, Any]:
    rows = QUICK_ROWS if quick else FULL_ROWS
    t0 = time.perf_counter()
    src, expected = generate(rows)
    sys.stdout.write(
        f"file: {src} ({expected['bytes'] / 1e6:.0f} MB, {rows} rows; "
        f"ready in {time.perf_counter() - t0:.1f}s)\n"
    )
    work = out_dir("ingest_activities", "work")
    runs: dict[str, list[dict[str, Any]]] = {"pipeline": [], "bare": []}
    for i in range(REPEAT):
        runs["pipeline"].append(run_pipeline(src, work / "pipeline"))
        runs["bare"].append(bare_read(src, work / "bare"))
        sys.stdout.write(
            f"  run {i + 1}: pipeline {runs['pipeline'][-1]['seconds']:.2f}s, "
            f"bare {runs['bare'][-1]['seconds']:.2f}s\n"
        )
        sys.stdout.flush()
    shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mib"] for r in v) for k, v in runs.items()}
    paired = [
        p["seconds"] / b["seconds"] for p, b in zip(runs["pipeline"], runs["bare"], strict=True)
    ]
    ratio = statistics.median(paired)
    p = runs["pipeline"][-1]
    accounted = p["read"] == p["loaded"] + p["rejected"] + p["skipped"]
    correct = (
        accounted
        and p["staged"] == expected["rows"]
        and p["loaded"] == expected["rows"]
        and p["open"] == expected["open"]
        and p["bad"] == 0
    )
    tab = table(
        ["step", "median s", "runs s", "peak RSS MiB", "pipeline ÷ this"],
        [
            ["ingest.pipeline.ingest (calls.csv → staging.activity)", med["pipeline"],
             " / ".join(f"{r['seconds']:.2f}" for r in runs["pipeline"]), peak["pipeline"], 1.0],
            ["bare read_csv of the same file", med["bare"],
             " / ".join(f"{r['seconds']:.2f}" for r in runs["bare"]), peak["bare"], ratio],
        ],
    )  # fmt: skip
    steps = {
        k: statistics.median(r["steps"].get(k, 0.0) for r in runs["pipeline"])
        for k in runs["pipeline"][0]["steps"]
    }
    step_tab = table(
        ["pipeline step (median s)", "seconds", "share of pipeline"],
        [[k, v, f"{100 * v / med['pipeline']:.0f} %"] for k, v in steps.items()],
    )
    verdict = "MET" if ratio <= TARGET_RATIO else "NOT MET"
    body = f"""
Sizes: {rows:,} HubSpot call rows, {expected["bytes"] / 1e6:.0f} MB, the calls index-page
export's shape (UTF-8, every field quoted, label headers, `YYYY-MM-DD HH:mm`, one or two
associated company ids, a contact id on a quarter of them), hubspot profile. Generated by
DuckDB SQL (`range()` + `hash()`), cached under `bench/out/ingest_activities/`. Each step
run {REPEAT} times interleaved; the bare read writes to a fresh file-backed DuckDB.

{tab}

**Ratio pipeline ÷ bare read_csv: {ratio:.2f}** (median of the ratios within each run:
{" / ".join(f"{x:.2f}" for x in paired)}; target ≤ {TARGET_RATIO}: {verdict}).
Correctness: {"OK" if correct else "MISMATCH"} — read {p["read"]:,} = loaded {p["loaded"]:,}
+ rejected {p["rejected"]} + skipped {p["skipped"]}; {p["staged"]:,} rows staged (expected
{expected["rows"]:,}), {p["open"]:,} open (scheduled) calls (expected {expected["open"]:,}),
{p["bad"]} without a date or not calls. Pipeline peak RSS {peak["pipeline"]:.0f} MiB.

{step_tab}
"""
    sys.stdout.write(tab + "\n\n" + step_tab + "\n")
    sys.stdout.write(f"ratio {ratio:.2f} ({verdict}); correct={correct}\n")
    write_section("ingest_activities", "ingest_activities (issue 13)", body, quick)
    return {"ratio": ratio, "median": med, "peak": peak, "correct": correct, "rows": rows}
