"""Shared driver of the two scale benchmarks: one fresh child process per size."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from bench.common import out_dir, run_child, table

FULL = [10_000, 100_000, 1_000_000]
QUICK = [2_000, 20_000]
GROWTH_HEAD = [
    "staging.customer rows",
    "build s",
    "growth per ×10",
    "peak RSS MiB",
    "result",
    "memory growth",
]


def scale_sizes(quick: bool) -> list[int]:
    """The sizes of a scale run: QUICK or FULL, capped by BENCH_MAX_SIZE when set."""
    sizes = QUICK if quick else FULL
    cap = int(os.environ.get("BENCH_MAX_SIZE", "0"))
    return [n for n in sizes if n <= cap] if cap else sizes


def growth_table(size_label: str, results: list[dict[str, Any]], per_side: bool) -> str:
    return table([size_label, *GROWTH_HEAD], growth_rows(results, per_side=per_side))


def run_sizes(kind: str, sizes: list[int], timeouts: Mapping[int, float]) -> list[dict[str, Any]]:
    results = []
    for n in sizes:
        sys.stdout.write(f"  {kind} n={n:,}: running (limit {timeouts[n]:.0f}s)…\n")
        sys.stdout.flush()
        log = out_dir("logs") / f"{kind}_n{n}.log"
        r = run_child("bench.scale_child", [kind, str(n)], timeouts[n], log)
        r.setdefault("n", n)
        results.append(r)
        if r.get("timeout") or r.get("error"):
            sys.stdout.write(f"  n={n:,}: {'TIMEOUT' if r.get('timeout') else r['error']}\n")
            break  # larger sizes would only be slower
        sys.stdout.write(
            f"  n={n:,}: build {r['build_s']:.1f}s, peak {r['peak_mib']:.0f} MiB, {r['message']}\n"
        )
        sys.stdout.flush()
    return results


def growth_rows(results: list[dict[str, Any]], per_side: bool) -> list[list[Any]]:
    rows, prev = [], None
    for r in results:
        if r.get("timeout") or r.get("error"):
            rows.append(
                [
                    r["n"],
                    None,
                    None,
                    None,
                    None,
                    f"TIMEOUT after {r['wall_seconds']:.0f}s"
                    if r.get("timeout")
                    else "ERROR (see log)",
                    None,
                ]
            )
            continue
        growth = r["build_s"] / prev["build_s"] if prev else None
        mem_growth = r["peak_mib"] / prev["peak_mib"] if prev else None
        rows.append(
            [
                r["n"],
                r["staging"]["customer"],
                r["build_s"],
                f"×{growth:.1f}" if growth else "—",
                r["peak_mib"],
                r["message"],
                f"×{mem_growth:.1f}" if mem_growth else "—",
            ]
        )
        prev = r
    return rows


def phase_table(results: list[dict[str, Any]]) -> str:
    done = [r for r in results if "phases" in r]
    if not done:
        return ""
    names = list(done[-1]["phases"])
    rows = [[name] + [r["phases"].get(name) for r in done] for name in names]
    return table(["build phase (s)"] + [f"n={r['n']:,}" for r in done], rows)


def failure(results: list[dict[str, Any]]) -> str:
    """One sentence on a size that did not finish, with the last log lines."""
    bad = [r for r in results if r.get("timeout") or r.get("error")]
    if not bad:
        return ""
    r = bad[0]
    what = "hit its time limit" if r.get("timeout") else "stopped with an error"
    tail = r.get("log_tail") or r.get("error", "")
    last = [ln for ln in tail.strip().splitlines() if ln.strip()][-3:]
    return (
        f"n={r['n']:,} {what} after {r['wall_seconds']:.0f}s (including data generation); "
        f"last log lines: `{' / '.join(x.strip() for x in last)}`."
    )


def estimate(results: list[dict[str, Any]], target_n: int) -> str:
    done = [r for r in results if "build_s" in r]
    if len(done) < 2 or done[-1]["n"] >= target_n:
        return ""
    a, b = done[-2], done[-1]
    g = b["build_s"] / a["build_s"] / (b["n"] / a["n"]) * 10  # growth per ×10
    steps = 0
    n, t = b["n"], b["build_s"]
    while n < target_n:
        n, t, steps = n * 10, t * g, steps + 1
    return (
        f"Estimate for n={target_n:,}: ≈ {t:.0f}s ({t / 60:.1f} min), extrapolating the last "
        f"growth factor ×{g:.1f} per ×10 — an estimate, not a measurement."
    )
