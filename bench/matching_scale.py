"""Issue 4: identity resolution at 10k → 100k → 1M records per side (CRM vs ERP).

staging.customer is generated with SQL (bench/scale_data.py) in a staging.duckdb made by
`warehouse.connection.init_staging`; each size runs `warehouse.build.build` in a fresh
process (own peak memory, hard time limit).
"""

from __future__ import annotations

import sys
from typing import Any

from bench import scale_runner
from bench.common import table
from bench.report import write_section

TARGET_S = 180
LIMITS = {2_000: 300, 20_000: 300, 10_000: 600, 100_000: 900, 1_000_000: 900}


def run(quick: bool = False) -> list[dict[str, Any]]:
    sizes = scale_runner.scale_sizes(quick)
    results = scale_runner.run_sizes("matching", sizes, LIMITS)
    tab = scale_runner.growth_table("per side", results, per_side=True)
    acc = table(
        [
            "per side",
            "links xref",
            "links legal_id",
            "links contact",
            "links fuzzy",
            "review",
            "golden customers (expected)",
            "true CRM–ERP pairs linked (expected)",
            "largest postcode block",
            "fuzzy candidate pairs (upper bound)",
        ],
        [
            [
                r["n"],
                r["counts"].get("links_xref"),
                r["counts"].get("links_legal_id"),
                r["counts"].get("links_contact"),
                r["counts"].get("links_fuzzy"),
                r["counts"].get("review_pending"),
                f"{r['counts']['customers']:,} ({r['expected_customers']:,})",
                f"{r['true_pairs_linked']:,} ({r['expected_pairs']:,})",
                r["staging"]["largest_postcode_block"],
                r["staging"].get("fuzzy_pairs_upper_bound"),
            ]
            for r in results
            if "counts" in r
        ],
    )
    last = [r for r in results if "build_s" in r]
    big = last[-1] if last else None
    verdict = ""
    if big and big["n"] == 1_000_000:
        verdict = (
            f"Target ≤ {TARGET_S}s at 1M per side: "
            f"{'MET' if big['build_s'] <= TARGET_S else 'NOT MET'} ({big['build_s']:.0f}s)."
        )
    elif scale_runner.failure(results):
        verdict = (
            "1M per side did NOT complete: "
            + scale_runner.failure(results)
            + " A growth-factor extrapolation is not valid here: the fuzzy pass's "
            "candidate pairs grow quadratically (see the last column below)."
        )
    else:
        verdict = "1M per side not measured in this run. " + scale_runner.estimate(
            results, 1_000_000
        )
    body = f"""
Sizes: {", ".join(f"{n:,}" for n in sizes)} records per side (CRM `crm`/hubspot and ERP
`erp`/odoo); 85 % of CRM records are the same company as an ERP record, the rest are
prospects. Matched pairs: 60 % share a valid SIRET, 30 % only the ERP code in the CRM
record, 10 % no key (fuzzy pass only); ERP name variants (case, dotted or missing legal
form, "Ets", typo); 6,000 skewed postcodes. Generator: `bench/scale_data.py` (SQL,
cached in `bench/out/scale/`). Time = `warehouse.build.build` (full build: matching,
golden records, marts, checks, publish) in a fresh process; peak = that process's VmHWM
during the build. Per-size logs: `bench/out/logs/matching_n*.log`.

{tab}

{verdict}

Build phases (from the build's progress messages):

{scale_runner.phase_table(results)}

Matching outcome (sanity check of the synthetic truth):

{acc}
"""
    sys.stdout.write(
        tab + "\n\n" + scale_runner.phase_table(results) + "\n\n" + acc + "\n" + verdict + "\n"
    )
    write_section("matching_scale", "matching_scale (issue 4)", body, quick)
    return results
