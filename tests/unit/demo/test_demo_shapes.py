"""The ledger shapes of `c360 demo`: per-customer accounts, unlettered cash, no ERP.

Each shape is checked on the files themselves (read here in plain Python), and its
truth.json is recomputed from the FEC alone with the team's rule for unallocated cash and
revenue from the books, sharing no code with the generator.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from demo_company import DemoSummary, Shape, generate_demo

CUSTOMERS = 300
SEED = 42
AS_OF = date(2026, 11, 28)
DEFAULT_TERMS = 30
BOOKS_ONLY = Shape(ledger="per-account", unlettered=0.3, erp=False, coded_accounts=0.7)
PER_ACCOUNT_WITH_ERP = Shape(ledger="per-account", unlettered=0.0, erp=True, coded_accounts=0.5)
BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
ZERO = Decimal("0.00")


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def read_fec(summary: DemoSummary) -> list[dict[str, str]]:
    lines = summary.fec_path.read_bytes().decode("iso8859_15").split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]


def all_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def books_only(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    out = tmp_path_factory.mktemp("books_only")
    return generate_demo(out, customers=CUSTOMERS, seed=SEED, shape=BOOKS_ONLY)


@pytest.fixture(scope="module")
def with_erp(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    out = tmp_path_factory.mktemp("per_account_erp")
    return generate_demo(out, customers=CUSTOMERS, seed=SEED, shape=PER_ACCOUNT_WITH_ERP)


def truth_of(summary: DemoSummary) -> dict[str, Any]:
    return json.loads(summary.truth_path.read_text(encoding="utf-8"))


def company_of_account(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The truth's company behind each customer account of the books (source compta)."""
    return {
        r["source_id"]: c
        for c in truth["companies"]
        for r in c["records"]
        if r["source"] == "compta"
    }


def receivable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["CompteNum"].startswith("411")]


# --- per-customer accounts ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["books_only", "with_erp"])
def test_per_account_lines_have_no_auxiliary_account(
    name: str, request: pytest.FixtureRequest
) -> None:
    summary: DemoSummary = request.getfixturevalue(name)
    shape = BOOKS_ONLY if name == "books_only" else PER_ACCOUNT_WITH_ERP
    rows = receivable(read_fec(summary))
    assert rows
    assert all(r["CompAuxNum"] == "" and r["CompAuxLib"] == "" for r in rows)
    names: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        assert re.fullmatch(r"411C\d{5}|4119\d{4}", r["CompteNum"]), r["CompteNum"]
        names[r["CompteNum"]].add(r["CompteLib"])
    assert all(len(n) == 1 and next(iter(n)).strip() for n in names.values())
    # The books name each account after the customer, accents and all.
    assert any(any(ord(ch) > 127 for ch in next(iter(n))) for n in names.values())
    coded = [a for a in names if a.startswith("411C")]
    # Exact count over every customer account planned, some without a line this year.
    share = len(coded) / len(names)
    assert abs(share - shape.coded_accounts) < 0.05, share
    assert len(coded) < len(names), "no account to link by name"


def test_coded_accounts_embed_the_customer_code(books_only: DemoSummary) -> None:
    truth = truth_of(books_only)
    pattern = re.compile(
        tomllib.loads(books_only.config_path.read_text())["sources"][1]["account_code"]
    )
    by_account = company_of_account(truth)
    uncoded = 0
    for account, company in by_account.items():
        m = pattern.fullmatch(account)
        assert m, account
        if account.startswith("411C"):
            assert m.group("code") == company["customer_code"]
            assert "account_without_code" not in company["dirt"]
        else:
            uncoded += 1
            assert m.group("code") != company["customer_code"]
            assert "account_without_code" in company["dirt"]
    assert uncoded > 0


def test_every_account_belongs_to_exactly_one_company(books_only: DemoSummary) -> None:
    truth = truth_of(books_only)
    claimed = Counter(
        (r["source"], r["source_id"]) for c in truth["companies"] for r in c["records"]
    )
    assert max(claimed.values()) == 1
    accounts = {("compta", r["CompteNum"]) for r in receivable(read_fec(books_only))}
    assert {k for k in claimed if k[0] == "compta"} == accounts


# --- no ERP ------------------------------------------------------------------------------


def test_no_erp_means_no_erp_files_and_no_erp_source(books_only: DemoSummary) -> None:
    from kernel.settings import load_settings

    root = books_only.out_dir
    assert not (root / "inbox" / "odoo").exists()
    assert not any(key.startswith("odoo/") for key in books_only.files)
    config = tomllib.loads(books_only.config_path.read_text(encoding="utf-8"))
    assert [(s["name"], s["role"]) for s in config["sources"]] == [
        ("crm", "crm"),
        ("compta", "accounting"),
    ]
    assert config["sources"][1]["account_code"] == "411(?P<code>.+)"
    assert [s.name for s in load_settings(books_only.config_path).sources] == ["crm", "compta"]
    truth = truth_of(books_only)
    assert truth["shape"] == {
        "ledger": "per-account",
        "unlettered": 0.3,
        "erp": False,
        "coded_accounts": 0.7,
    }
    assert not any(r["source"] == "erp" for c in truth["companies"] for r in c["records"])


def test_with_erp_config_keeps_the_erp_and_sets_account_code(with_erp: DemoSummary) -> None:
    config = tomllib.loads(with_erp.config_path.read_text(encoding="utf-8"))
    assert [s["name"] for s in config["sources"]] == ["crm", "erp", "compta"]
    assert config["sources"][2]["account_code"] == "411(?P<code>.+)"
    assert (with_erp.out_dir / "inbox" / "odoo" / "account_move.csv").is_file()


# --- sales entries -----------------------------------------------------------------------


def entries(rows: list[dict[str, str]]) -> dict[tuple[str, str], list[dict[str, str]]]:
    out: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        out[(r["JournalCode"], r["EcritureNum"])].append(r)
    return out


def test_entries_balance_and_sales_hold_revenue_and_vat(books_only: DemoSummary) -> None:
    by_entry = entries(read_fec(books_only))
    split = refunds = 0
    for key, lines in by_entry.items():
        net = sum((amount(r["Debit"]) - amount(r["Credit"]) for r in lines), ZERO)
        assert net == 0, key
        if key[0] != "VE":
            continue
        customer = [r for r in lines if r["CompteNum"].startswith("411")]
        revenue = [r for r in lines if r["CompteNum"].startswith("7")]
        vat = [r for r in lines if r["CompteNum"].startswith("445")]
        assert len(customer) == 1 and revenue and len(vat) == 1, key
        incl = amount(customer[0]["Debit"]) - amount(customer[0]["Credit"])
        excl = sum((amount(r["Credit"]) - amount(r["Debit"]) for r in revenue), ZERO)
        tax = amount(vat[0]["Credit"]) - amount(vat[0]["Debit"])
        assert incl == excl + tax, key
        split += len({r["CompteNum"] for r in revenue}) > 1
        refunds += incl < 0 and revenue[0]["CompteNum"] == "70900000"
    assert split > 0, "no sale spread over several 7xx accounts"
    assert refunds > 0, "no credit note on 709"


# --- unlettered cash ---------------------------------------------------------------------


def settlement_lines(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The year's payments and credit notes on customer accounts."""
    return [
        r for r in receivable(rows) if r["JournalCode"] in ("BQ", "VE") and amount(r["Credit"]) > 0
    ]


def test_unlettered_share_within_tolerance(books_only: DemoSummary, with_erp: DemoSummary) -> None:
    every = settlement_lines(read_fec(books_only))
    # Payments sent twice (the second one "-B", books only) are unlettered on top.
    twice = [r for r in every if r["PieceRef"].endswith("-B")]
    assert twice and not any(r["EcritureLet"] for r in twice)
    lines = [r for r in every if not r["PieceRef"].endswith("-B")]
    assert len(lines) > 100
    share = sum(1 for r in lines if not r["EcritureLet"]) / len(lines)
    assert abs(share - BOOKS_ONLY.unlettered) <= 0.01, share
    assert all(r["EcritureLet"] for r in settlement_lines(read_fec(with_erp)))


def test_lettered_groups_never_hold_unlettered_lines(books_only: DemoSummary) -> None:
    for r in read_fec(books_only):
        assert bool(r["EcritureLet"]) == bool(r["DateLet"])
        if not r["CompteNum"].startswith("411"):
            assert r["EcritureLet"] == ""


# --- determinism -------------------------------------------------------------------------


def test_same_seed_and_shape_give_identical_bytes(books_only: DemoSummary, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again", customers=CUSTOMERS, seed=SEED, shape=BOOKS_ONLY)
    first, second = all_files(books_only.out_dir), all_files(again.out_dir)
    assert sorted(first) == sorted(second)
    for name, content in first.items():
        assert content == second[name], name


def test_other_seed_gives_other_books(books_only: DemoSummary, tmp_path: Path) -> None:
    other = generate_demo(tmp_path / "other", customers=CUSTOMERS, seed=SEED + 1, shape=BOOKS_ONLY)
    assert other.fec_path.read_bytes() != books_only.fec_path.read_bytes()
    assert other.truth_path.read_bytes() != books_only.truth_path.read_bytes()


def test_a_shape_keeps_the_same_world(books_only: DemoSummary, demo: DemoSummary) -> None:
    """Shape choices use their own generators: same CRM, same companies, same money
    (but for the payments some customers sent twice, which only the books hold)."""
    for name in ("companies.csv", "contacts.csv", "deals.csv"):
        shaped = (books_only.out_dir / "inbox" / "hubspot" / name).read_bytes()
        assert shaped == (demo.out_dir / "inbox" / "hubspot" / name).read_bytes(), name
    default = {c["company_key"]: c for c in truth_of(demo)["companies"]}
    twice = 0
    for c in truth_of(books_only)["companies"]:
        same = c["outstanding_amount"] == default[c["company_key"]]["outstanding_amount"]
        assert same or "duplicate_payment" in c["dirt"], c["company_key"]
        twice += "duplicate_payment" in c["dirt"]
    assert twice > 0


def test_explicit_default_shape_is_the_default(demo: DemoSummary, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "d", customers=demo.companies, seed=42, shape=Shape())
    assert all_files(again.out_dir) == all_files(demo.out_dir)


def test_bad_shapes_are_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="unlettered must be between 0 and 1"):
        Shape(unlettered=1.5)
    with pytest.raises(ValueError, match="ledger must be one of"):
        Shape(ledger="general")  # type: ignore[arg-type]


# --- truth -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo", "books_only", "with_erp"])
def test_truth_invariants(name: str, request: pytest.FixtureRequest) -> None:
    truth = truth_of(request.getfixturevalue(name))
    for c in truth["companies"]:
        outstanding = Decimal(c["outstanding_amount"])
        overdue = Decimal(c["overdue_amount"])
        assert ZERO <= overdue <= max(outstanding, ZERO), c["company_key"]
        buckets = sum((Decimal(c[f"aging_{b}_amount"]) for b in BUCKETS), ZERO)
        assert buckets == outstanding, c["company_key"]
        assert Decimal(c["unallocated_cash_amount"]) >= 0
        for b in BUCKETS[1:]:
            assert Decimal(c[f"aging_{b}_amount"]) >= 0
        assert (overdue == 0) == (c["oldest_overdue_days"] == 0)


def test_unallocated_cash_changes_aging_not_outstanding(books_only: DemoSummary) -> None:
    companies = truth_of(books_only)["companies"]
    with_cash = [c for c in companies if Decimal(c["unallocated_cash_amount"]) > 0]
    assert len(with_cash) > 10
    assert all({"unlettered_cash", "duplicate_payment"} & set(c["dirt"]) for c in with_cash)
    assert any(Decimal(c["outstanding_amount"]) < 0 for c in companies), "no credit balance"


def fec_open_items(rows: list[dict[str, str]]) -> dict[str, list[tuple[Decimal, date, str]]]:
    """Account -> (open amount, document date, ref): unlettered lines and group residuals."""
    items: dict[str, list[tuple[Decimal, date, str]]] = defaultdict(list)
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)

    def day(text: str) -> date:
        return datetime.strptime(text, "%Y%m%d").date()

    for r in receivable(rows):
        net = amount(r["Debit"]) - amount(r["Credit"])
        if r["EcritureLet"]:
            groups[(r["CompteNum"], r["EcritureLet"])].append(r)
        else:
            items[r["CompteNum"]].append((net, day(r["PieceDate"]), r["PieceRef"]))
    for (account, _), lines in groups.items():
        net = sum((amount(r["Debit"]) - amount(r["Credit"]) for r in lines), ZERO)
        if net:
            debit = min((r for r in lines if amount(r["Debit"]) > 0), key=lambda r: r["PieceDate"])
            items[account].append((net, day(debit["PieceDate"]), debit["PieceRef"]))
    return items


def aging(items: list[tuple[Decimal, date, str]], terms: int) -> dict[str, Decimal]:
    """The team's rule, written again here: credits cover the oldest debits first."""
    cash = -sum((a for a, _, _ in items if a < 0), ZERO)
    debits = sorted(
        ((d, d + timedelta(days=terms), ref, a) for a, d, ref in items if a > 0),
    )
    out = dict.fromkeys(("outstanding", "overdue", *BUCKETS), ZERO)
    out["outstanding"] = sum((a for a, _, _ in items), ZERO)
    for _, due, _, a in debits:
        covered = min(a, cash)
        cash -= covered
        left = a - covered
        days = (AS_OF - due).days
        bucket = (
            "not_due"
            if days <= 0
            else "1_30"
            if days <= 30
            else "31_60"
            if days <= 60
            else "61_90"
            if days <= 90
            else "over_90"
        )
        out[bucket] += left
        if bucket != "not_due":
            out["overdue"] += left
    out["not_due"] -= cash
    return out


def test_truth_equals_the_books_read_independently(books_only: DemoSummary) -> None:
    rows = read_fec(books_only)
    truth = truth_of(books_only)
    owner = company_of_account(truth)
    checked = 0
    for account, items in fec_open_items(rows).items():
        expected = aging(items, DEFAULT_TERMS)  # no ERP: nobody's terms are known
        c = owner[account]
        got = {
            "outstanding": Decimal(c["outstanding_amount"]),
            "overdue": Decimal(c["overdue_amount"]),
            **{b: Decimal(c[f"aging_{b}_amount"]) for b in BUCKETS},
        }
        assert got == expected, account
        checked += 1
    assert checked > 100
    # Revenue from the books: Σ 7xx (credit - debit) of each sales entry, by piece date.
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for lines in entries(rows).values():
        customer = [r for r in lines if r["CompteNum"].startswith("411")]
        sales = [r for r in lines if r["CompteNum"].startswith("7")]
        if customer and sales:
            revenue[customer[0]["CompteNum"]] += sum(
                (amount(r["Credit"]) - amount(r["Debit"]) for r in sales), ZERO
            )
    assert revenue
    for account, c in owner.items():
        assert Decimal(c["revenue_ytd_amount"]) == revenue.get(account, ZERO), account
        assert Decimal(c["revenue_total_amount"]) == revenue.get(account, ZERO), account
        assert c["revenue_last_year_amount"] == "0.00"


# --- command line ------------------------------------------------------------------------


def test_c360_demo_options_generate_the_shape(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from c360.cli import app

    runner = CliRunner()
    out = tmp_path / "books"
    args = ["demo", "--out", str(out), "--customers", "40", "--no-run"]
    shaped = args + ["--ledger", "per-account", "--unlettered", "0.3", "--no-erp"]
    result = runner.invoke(app, shaped)
    assert result.exit_code == 0, result.output
    assert not (out / "inbox" / "odoo").exists()
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["shape"]["erp"] is False
    bad = runner.invoke(app, [*args, "--ledger", "general"])
    assert bad.exit_code == 1
    assert "ledger must be one of auxiliary, per-account" in bad.output
    assert "Traceback" not in bad.output
    assert runner.invoke(app, [*args, "--unlettered", "1.5"]).exit_code == 2
