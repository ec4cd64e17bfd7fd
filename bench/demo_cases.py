"""The demo companies the accuracy benchmarks measure, and how each is built.

Three companies: seed 42 with the default dirt and books, seed 1234 with twice the dirt,
and seed 42 again with the books of a small company (issue 8): one 411 account per
customer (70 % embedding the customer code, the others linked by name), 30 % of the
year's payments and credit notes unlettered, and no ERP at all. Each is generated once
per size into bench/out/<benchmark>/ and built through the production pipeline.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import measure, out_dir
from demo_company.shape import Shape

CUSTOMERS, QUICK_CUSTOMERS = 2000, 300
BOOKS_SHAPE = Shape(ledger="per-account", unlettered=0.3, erp=False)


@dataclass(frozen=True)
class Case:
    label: str
    seed: int
    dirt: float
    shape: Shape

    @property
    def option_text(self) -> str:
        """The `c360 demo` options that generate this company."""
        opts = [f"--seed {self.seed}"]
        if self.dirt != 1.0:
            opts.append(f"--dirt {self.dirt:g}")
        if self.shape.per_account:
            opts.append(f"--ledger per-account --coded-accounts {self.shape.coded_accounts:g}")
        if self.shape.unlettered:
            opts.append(f"--unlettered {self.shape.unlettered:g}")
        if not self.shape.erp:
            opts.append("--no-erp")
        return " ".join(opts)

    def slug(self, customers: int) -> str:
        shape = "default" if self.shape.is_default else "books"
        return f"demo_s{self.seed}_n{customers}_dirt{self.dirt}_{shape}"


CASES = (
    Case("default", 42, 1.0, Shape()),
    Case("dirt ×2", 1234, 2.0, Shape()),
    Case("books: per-account, 30 % unlettered, no ERP", 42, 1.0, BOOKS_SHAPE),
)


def demo_folder(bench: str, case: Case, customers: int) -> Path:
    """The case's demo company folder, generated once per size."""
    from demo_company import generate_demo

    folder = out_dir(bench, case.slug(customers))
    if not (folder / "truth.json").exists():
        generate_demo(folder, customers=customers, seed=case.seed, dirt=case.dirt, shape=case.shape)
    return folder


def build_demo(folder: Path) -> dict[str, Any]:
    """Ingest and build the company from scratch; the published snapshot and timings."""
    from ingest.pipeline import ingest
    from kernel.settings import load_settings
    from warehouse.build import build

    shutil.rmtree(folder / "data", ignore_errors=True)
    settings = load_settings(folder / "c360.toml")
    ing = measure(lambda: ingest(settings))
    bld = measure(lambda: build(settings))
    if not bld.result.published:
        raise RuntimeError(f"build not published: {bld.result.message}")
    return {
        "settings": settings,
        "ingest_s": ing.seconds,
        "build_s": bld.seconds,
        "build_peak": bld.peak_mib,
        "snapshot": bld.result.snapshot,
    }
