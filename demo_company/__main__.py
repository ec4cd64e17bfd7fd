"""`python -m demo_company OUT [--customers N] [--seed S] [shape options]`: manual runs.

The real entry point is `c360 demo`; this one only writes the files and lists them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from demo_company import generate_demo
from demo_company.shape import DEFAULT_CODED_ACCOUNTS, LEDGER_KINDS, Shape


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_company", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the demo company into")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dirt", type=float, default=1.0)
    parser.add_argument("--ledger", choices=LEDGER_KINDS, default="auxiliary")
    parser.add_argument("--coded-accounts", type=float, default=DEFAULT_CODED_ACCOUNTS)
    parser.add_argument("--unlettered", type=float, default=0.0)
    parser.add_argument("--no-erp", dest="erp", action="store_false")
    args = parser.parse_args(argv)
    try:
        shape = Shape(args.ledger, args.unlettered, args.erp, args.coded_accounts)
    except ValueError as exc:
        parser.error(str(exc))
    started = time.perf_counter()  # duration shown to the user only, never in the files
    summary = generate_demo(
        args.out, customers=args.customers, seed=args.seed, dirt=args.dirt, shape=shape
    )
    elapsed = time.perf_counter() - started
    for key, rows in summary.counts.items():
        sys.stdout.write(f"{rows:>9}  {summary.files[key]}\n")
    sys.stdout.write(f"{summary.companies} companies in {elapsed:.1f}s -> {summary.out_dir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
