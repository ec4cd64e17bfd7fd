"""`python -m bench [--quick] [--only NAME ...]`: run the benchmarks, update docs/benchmarks.md."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only NAME")
    parser.add_argument(
        "--max-size",
        type=int,
        default=None,
        help="scale benchmarks: skip sizes above N (and extrapolate to 1M instead)",
    )
    args = parser.parse_args(argv)
    if args.max_size:
        os.environ["BENCH_MAX_SIZE"] = str(args.max_size)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    failed = []
    for name in args.only or BENCHMARKS:
        sys.stdout.write(f"\n=== {name} ({'quick' if args.quick else 'full'}) ===\n")
        sys.stdout.flush()
        t0 = time.perf_counter()
        try:
            sys.stdout.write(f"load average before: {os.getloadavg()}\n")
            importlib.import_module(f"bench.{name}").run(quick=args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others
            logging.exception("benchmark %s failed", name)
            failed.append(f"{name}: {exc}")
        sys.stdout.write(f"=== {name} done in {time.perf_counter() - t0:.0f}s ===\n")
        sys.stdout.flush()
    if failed:
        sys.stdout.write("FAILED: " + "; ".join(failed) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
