"""One build at one size in a fresh process: `python -m bench.scale_child KIND N`.

Prints progress on stderr and one JSON line on stdout: generation time, build time per
phase, peak RSS of the build (VmHWM reset after generation), counts.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from typing import Any

from bench.common import one_row, out_dir, peak_mib, reset_peak, rss_mib
from bench.scale_data import make_staging, true_pairs_sql

KINDS = {
    # kind: (data set, crm matched share, invoices per customer, orders per customer, passes)
    "matching": ("matching", 0.85, 0, 0, None),
    "build": ("build", 0.85, 10, 2, None),
    # Same data as "build", matching configured without the fuzzy pass (a setting).
    "build_nofuzzy": ("build", 0.85, 10, 2, ["xref", "legal_id", "contact"]),
}


def main(kind: str, n: int) -> dict[str, Any]:
    import duckdb

    from kernel.settings import Settings, SourceConfig
    from warehouse.build import build

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    dataset, share, inv, orders, passes = KINDS[kind]
    folder = out_dir("scale", f"{dataset}_n{n}")
    t0 = time.perf_counter()
    counts = make_staging(folder, n, share, inv, orders)
    gen_s = time.perf_counter() - t0
    sys.stderr.write(f"staging ready in {gen_s:.1f}s: {counts}\n")
    data = folder / f"data_{kind}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    (data / "staging.duckdb").symlink_to(folder / "staging.duckdb")
    settings = Settings(
        data_dir=data,
        as_of="2026-11-28",
        sources=[
            SourceConfig(name="crm", system="hubspot", role="crm"),
            SourceConfig(name="erp", system="odoo", role="erp"),
        ],
    )
    if passes:
        settings.matching.passes = passes
    phases: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(msg: str) -> None:
        phases.append((msg, time.perf_counter() - start))
        sys.stderr.write(f"{time.perf_counter() - start:8.1f}s {msg}\n")
        sys.stderr.flush()

    reset_peak()
    base_rss = rss_mib()
    result = build(settings, progress=progress)
    seconds = time.perf_counter() - start
    peak = peak_mib()
    phase_s: dict[str, float] = {}
    for (msg, at), nxt in zip(phases, phases[1:] + [("end", seconds)], strict=False):
        label = msg.split(":")[0] if msg.startswith("build ") else msg
        label = "prepare" if label.startswith("build ") else label
        label = "publish" if label.startswith("published") else label
        phase_s[label] = phase_s.get(label, 0.0) + nxt[1] - at
    linked = None
    if result.snapshot:
        con = duckdb.connect(str(result.snapshot), read_only=True)
        linked = one_row(con, true_pairs_sql())[0]
        con.close()
    shutil.rmtree(data, ignore_errors=True)
    return {
        "kind": kind,
        "n": n,
        "gen_s": gen_s,
        "build_s": seconds,
        "peak_mib": peak,
        "base_rss_mib": base_rss,
        "published": result.published,
        "message": result.message,
        "counts": result.counts,
        "staging": counts,
        "phases": phase_s,
        "true_pairs_linked": linked,
        "expected_pairs": int(n * share),
        "expected_customers": n + n - int(n * share),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
