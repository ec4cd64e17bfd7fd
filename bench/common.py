"""Shared helpers: timing, peak memory, machine description, child runs, tables."""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def out_dir(*parts: str) -> Path:
    path = OUT.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _status_kib(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mib() -> float:
    """Peak resident memory of this process since the last reset_peak(), in MiB."""
    kib = _status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


def rss_mib() -> float:
    return _status_kib("VmRSS") / 1024


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    start_rss_mib: float
    result: Any = None


def measure(fn: Callable[[], Any]) -> Measure:
    """Time fn() and record the process's peak RSS while it ran."""
    reset_peak()
    start_rss = rss_mib()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    return Measure(seconds, peak_mib(), start_rss, result)


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - t0


def machine() -> str:
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import duckdb

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"load average at write time {load} (shared machine), "
        f"nproc={os.cpu_count()}, RAM={mem_kib / 1024 / 1024:.1f} GiB, {cpu}, "
        f"Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}"
    )


def one_row(con: Any, text: str, params: Any = None) -> tuple[Any, ...]:
    """The single row a benchmark's check query answers (a DuckDB connection)."""
    row: tuple[Any, ...] | None = con.execute(text, params or []).fetchone()
    assert row is not None, text
    return row


def run_child(
    module: str, args: list[str], timeout: float, log: Path | None = None
) -> dict[str, Any]:
    """Run `python -m module args` in a fresh process; it prints one JSON line last.

    A fresh process gives each size its own peak memory and a hard time limit.
    On timeout the child is killed and {"timeout": True} is returned.
    """
    cmd = [sys.executable, "-m", module, *args]
    t0 = time.perf_counter()
    log = log or OUT / "child.log"
    with open(log, "w") as err_fh:  # written live, so a long run can be watched
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err_fh,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            return {
                "timeout": True,
                "wall_seconds": time.perf_counter() - t0,
                "log_tail": log.read_text()[-1500:],
            }
    err = log.read_text()
    if proc.returncode != 0:
        tail = "\n".join(err.strip().splitlines()[-15:])
        return {
            "error": f"exit {proc.returncode}: {tail}",
            "wall_seconds": time.perf_counter() - t0,
        }
    last = out.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(last)
    return result


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    cells = [[str(h) for h in headers]] + [[fmt(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=False)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for r in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + " |")
    return "\n".join(lines)


def fmt(v: Any) -> str:
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}".replace(",", " ")
        return f"{v:.2f}" if abs(v) >= 1 else f"{v:.3f}"
    if isinstance(v, int):
        return f"{v:,}".replace(",", " ")
    return "—" if v is None else str(v)


# Repeated runs of an ingest benchmark, by kind ("pipeline", a bare baseline...): each run
# a dict with at least "seconds" and "peak_mib" ("steps" for the pipeline).
Runs = dict[str, list[dict[str, Any]]]


def median_seconds(runs: Runs) -> dict[str, float]:
    return {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}


def peak_by_kind(runs: Runs) -> dict[str, float]:
    return {k: max(r["peak_mib"] for r in v) for k, v in runs.items()}


def paired_ratios(runs: Runs, kind: str, baseline: str) -> list[float]:
    """kind ÷ baseline inside each run: the machine is shared, so each ratio compares two
    measures taken back to back (their median is the figure judged)."""
    return [a["seconds"] / b["seconds"] for a, b in zip(runs[kind], runs[baseline], strict=True)]


def median_steps(pipeline: list[dict[str, Any]]) -> dict[str, float]:
    """Median seconds of each step the first pipeline run reports."""
    return {
        k: statistics.median(r["steps"].get(k, 0.0) for r in pipeline) for k in pipeline[0]["steps"]
    }
