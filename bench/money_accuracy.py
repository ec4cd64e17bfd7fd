"""Issue 8: is every customer's money right, on each shape of books?

For each demo company of bench/demo_cases.py (default, twice the dirt, and the books of a
small company: per-customer accounts, 30 % of payments and credit notes unlettered, no
ERP), ingest + build through the real pipeline, then compare `mart.customer_360` with
truth.json, customer by customer, to the cent: outstanding, overdue, the five aging
buckets, revenue (year to date, last year, total). A company counts as right only when
its records make exactly one golden customer holding no other company's records.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from bench.common import table
from bench.demo_cases import CASES, CUSTOMERS, QUICK_CUSTOMERS, build_demo, demo_folder
from bench.report import write_section

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
FIELDS = {
    "outstanding": ("outstanding_amount",),
    "overdue": ("overdue_amount",),
    "aging": tuple(f"aging_{b}_amount" for b in BUCKETS),
    "revenue": ("revenue_ytd_amount", "revenue_last_year_amount", "revenue_total_amount"),
}
MART_COLUMNS = tuple(c for cols in FIELDS.values() for c in cols)


def published(snapshot: Path) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, Any]]]:
    """(source, source_id) -> customer_id, and customer_id -> its money columns."""
    con = duckdb.connect(str(snapshot), read_only=True)
    xref = {
        (s, i): c
        for s, i, c in con.execute(
            "select source, source_id, customer_id from core.customer_xref"
        ).fetchall()
    }
    columns = ", ".join(MART_COLUMNS)  # constant names, never data
    rows = con.execute(f"select customer_id, {columns} from mart.customer_360").fetchall()
    con.close()
    mart = {r[0]: dict(zip(MART_COLUMNS, r[1:], strict=True)) for r in rows}
    return xref, mart


def compare(folder: Path, snapshot: Path) -> dict[str, Any]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    xref, mart = published(snapshot)
    companies_of: dict[str, set[str]] = defaultdict(set)
    for company in truth["companies"]:
        for r in company["records"]:
            cid = xref.get((r["source"], r["source_id"]))
            if cid is not None:
                companies_of[cid].add(company["company_key"])
    # Customers: companies with a record somewhere (an ERP-only company has none when the
    # shape has no ERP).
    customers = [c for c in truth["companies"] if c["customer_code"] and c["records"]]
    right: dict[str, int] = dict.fromkeys([*FIELDS, "identity", "all"], 0)
    wrong_examples: list[str] = []
    for company in customers:
        ids = {xref.get((r["source"], r["source_id"])) for r in company["records"]}
        if len(ids) != 1 or None in ids:
            continue  # split over several customers, or a record not published
        cid = next(iter(ids))
        assert cid is not None
        if companies_of[cid] != {company["company_key"]}:
            continue  # merged with another company
        right["identity"] += 1
        got = mart[cid]
        ok_all = True
        for name, cols in FIELDS.items():
            ok = all(Decimal(company[c]) == (got[c] or Decimal(0)) for c in cols)
            right[name] += ok
            ok_all &= ok
            if not ok and len(wrong_examples) < 3:
                wrong_examples.append(
                    f"{company['company_key']} {name}: truth "
                    + "/".join(company[c] for c in cols)
                    + " c360 "
                    + "/".join(str(got[c]) for c in cols)
                )
        right["all"] += ok_all
    values = list(mart.values())
    zero = Decimal(0)
    return {
        "customers": len(customers),
        "right": right,
        "examples": wrong_examples,
        "golden": len(mart),
        "truth_outstanding": sum((Decimal(c["outstanding_amount"]) for c in customers), zero),
        "c360_outstanding": sum((v["outstanding_amount"] or zero for v in values), zero),
        "truth_revenue": sum((Decimal(c["revenue_total_amount"]) for c in customers), zero),
        "c360_revenue": sum((v["revenue_total_amount"] or zero for v in values), zero),
        "overdue_above_outstanding": sum(
            1
            for v in values
            if (v["overdue_amount"] or zero) > max(v["outstanding_amount"] or zero, zero)
        ),
        "buckets_off": sum(
            1
            for v in values
            if sum((v[f"aging_{b}_amount"] or zero for b in BUCKETS), zero)
            != (v["outstanding_amount"] or zero)
        ),
    }


def run(quick: bool = False) -> dict[str, Any]:
    customers = QUICK_CUSTOMERS if quick else CUSTOMERS
    results = []
    for case in CASES:
        folder = demo_folder("money_accuracy", case, customers)
        t0 = time.perf_counter()
        built = build_demo(folder)
        r = compare(folder, built["snapshot"])
        r["case"] = case
        r["seconds"] = time.perf_counter() - t0
        results.append(r)
        n = r["customers"]
        sys.stdout.write(
            f"{case.label}: " + ", ".join(f"{k} {v / n:.4f}" for k, v in r["right"].items()) + "\n"
        )
        for line in r["examples"]:
            sys.stdout.write(f"  e.g. {line}\n")
        sys.stdout.flush()

    def share(r: dict[str, Any], key: str) -> str:
        return f"{r['right'][key] / r['customers']:.4f} ({r['right'][key]})"

    tab = table(
        [
            "company",
            "customers",
            "identity right",
            "outstanding = truth",
            "overdue = truth",
            "aging = truth",
            "revenue = truth",
            "all money = truth",
        ],
        [
            [
                r["case"].label,
                r["customers"],
                share(r, "identity"),
                share(r, "outstanding"),
                share(r, "overdue"),
                share(r, "aging"),
                share(r, "revenue"),
                share(r, "all"),
            ]
            for r in results
        ],
    )
    totals = table(
        [
            "company",
            "golden customers",
            "Σ outstanding truth",
            "Σ outstanding c360",
            "Σ revenue truth",
            "Σ revenue c360",
            "customers overdue > max(outstanding, 0)",
            "customers whose buckets ≠ outstanding",
            "ingest + build s",
        ],
        [
            [
                r["case"].label,
                r["golden"],
                f"{r['truth_outstanding']:.2f}",
                f"{r['c360_outstanding']:.2f}",
                f"{r['truth_revenue']:.2f}",
                f"{r['c360_revenue']:.2f}",
                r["overdue_above_outstanding"],
                r["buckets_off"],
                r["seconds"],
            ]
            for r in results
        ],
    )
    cases_text = "\n".join(
        f"- {case.label}: `c360 demo --customers {customers} {case.option_text}`" for case in CASES
    )
    body = f"""
Companies (bench/demo_cases.py), cached under `bench/out/money_accuracy/`:

{cases_text}

For each customer of the truth (a company with an ERP or books account; prospects hold no
money), `mart.customer_360` must equal truth.json to the cent. The truth is computed by
the generator from its own world (`demo_company/truth.py`): open items from the books when
the customer has lines there, else from the ERP; unlettered credits cover the oldest
debits first for overdue and aging (a credit left over is a negative `not_due`); revenue
from the ERP, or from the books' sales entries (Σ 7xx) when there is no ERP. "identity
right" = the company's records make exactly one golden customer holding no other
company's records; a company that is not counts as wrong on every amount. Shares are of
the customers column (count in brackets).

{tab}

{totals}
"""
    sys.stdout.write(tab + "\n\n" + totals + "\n")
    write_section("money_accuracy", "money_accuracy (issue 8)", body, quick)
    return {
        "results": [
            {**{k: v for k, v in r.items() if k != "case"}, "case": r["case"].label}
            for r in results
        ]
    }
