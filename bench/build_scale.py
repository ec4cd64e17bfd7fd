"""Issue 5: the full build (matching included) at 10k, 100k and 1M customers.

Each size: ERP customers + CRM records (85 % matched, prospects on top), 10 invoices per
ERP customer and 2 orders for half of them, generated with SQL (bench/scale_data.py);
`warehouse.build.build` runs in a fresh process per size.
"""

from __future__ import annotations

import sys
from typing import Any

from bench import scale_runner
from bench.common import table
from bench.report import write_section

TARGET_S = 300
LIMITS = {2_000: 300, 20_000: 300, 10_000: 600, 100_000: 900, 1_000_000: 600}


def run(quick: bool = False) -> list[dict[str, Any]]:
    sizes = scale_runner.scale_sizes(quick)
    # Same data, matching without the fuzzy pass (`[matching] passes` is configuration):
    # isolates the cost of everything but the fuzzy pass.
    nofuzzy = scale_runner.run_sizes("build_nofuzzy", sizes, LIMITS)
    results = scale_runner.run_sizes("build", sizes, LIMITS)
    tab = scale_runner.growth_table("customers (ERP)", results, per_side=False)
    tab_nf = scale_runner.growth_table("customers (ERP)", nofuzzy, per_side=False)
    vol = table(
        ["passes", "customers", "invoices", "orders", "open items", "alerts", "golden customers"],
        [
            [
                "all" if r["kind"] == "build" else "no fuzzy",
                r["n"],
                r["staging"]["invoice"],
                r["staging"]["sales_order"],
                r["counts"].get("open_items"),
                r["counts"].get("alerts"),
                r["counts"].get("customers"),
            ]
            for r in results + nofuzzy
            if "counts" in r
        ],
    )
    last = [r for r in results if "build_s" in r]
    big = last[-1] if last else None
    if big and big["n"] == 1_000_000:
        verdict = (
            f"Target ≤ {TARGET_S}s at 1M customers: "
            f"{'MET' if big['build_s'] <= TARGET_S else 'NOT MET'} ({big['build_s']:.0f}s)."
        )
    elif scale_runner.failure(results):
        verdict = "1M customers did NOT complete with all passes: " + scale_runner.failure(results)
    else:
        verdict = "1M customers not measured in this run. " + scale_runner.estimate(
            results, 1_000_000
        )
    body = f"""
Sizes: {", ".join(f"{n:,}" for n in sizes)} ERP customers, each with 10 invoices (5 % credit
notes, 75 % open), 2 orders for half of them; CRM records for 85 % of them plus 15 %
prospects; same key coverage as matching_scale. Time = `warehouse.build.build` in a fresh
process; peak = its VmHWM during the build. Logs: `bench/out/logs/build_n*.log`.

All matching passes (the default configuration):

{tab}

{verdict}

Same data, `matching.passes = ["xref", "legal_id", "contact"]` (fuzzy pass off):

{tab_nf}

{vol}

Build phases (s), all passes:

{scale_runner.phase_table(results)}

Build phases (s), fuzzy pass off:

{scale_runner.phase_table(nofuzzy)}
"""
    sys.stdout.write(
        tab
        + "\n\n"
        + tab_nf
        + "\n\n"
        + vol
        + "\n\n"
        + scale_runner.phase_table(results)
        + "\n"
        + verdict
        + "\n"
    )
    write_section("build_scale", "build_scale (issue 5)", body, quick)
    return results
