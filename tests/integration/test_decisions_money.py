"""Steward decisions keep the money whole (issue 8, deliverable 7).

A small company written by hand in the shapes real exports take (HubSpot companies,
Odoo res.partner + account.move, a FEC), built, then each kind of decision is taken and
the company rebuilt: the total outstanding never changes, a merged customer holds the sum
of the two, one id survives and the other redirects, a split gives the parts back.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from built_copy import copy_built
from fastapi.testclient import TestClient
from hand_made import sources_toml
from typer.testing import CliRunner

from api.decisions import DecisionError, decide, list_decisions
from api.main import create_app
from api.store import add_user
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, load_settings
from kernel.snapshots import current_snapshot
from warehouse.build import build

CONFIG = """\
data_dir = "data"
as_of = "2026-11-28"
currency = "EUR"
""" + sources_toml(
    ("crm", "hubspot", "crm", "inbox/hubspot"),
    ("erp", "odoo", "erp", "inbox/odoo"),
    ("compta", "fec", "accounting", "inbox/fec"),
)

COMPANIES = [
    ["Record ID", "Company name", "Company Domain Name", "Company owner", "Create Date",
     "Last Modified Date", "Phone Number", "Street Address", "City", "Postal Code",
     "Country/Region", "Industry", "Lifecycle Stage", "SIRET", "Code client ERP",
     "Numéro de TVA"],
    ["1001", "Alpha Usinage SARL", "alpha-usinage.fr", "Nadia Haddad", "2019-03-01 09:00",
     "2026-09-30 08:09", "+33 1 40 00 00 01", "1 rue des Forges", "Lyon", "69001", "France",
     "Machinery", "Customer", "", "C001", ""],
    ["1002", "Bravo Transports SAS", "bravo-transports.fr", "Thomas Petit",
     "2020-04-01 09:00", "2026-08-01 10:00", "+33 2 40 00 00 02", "2 quai du Port", "Nantes",
     "44000", "France", "Logistics", "Customer", "", "C002", ""],
    ["1006", "Foxtrot Peinture", "foxtrot-peinture.fr", "Nadia Haddad", "2021-05-01 09:00",
     "2026-07-01 10:00", "+33 5 40 00 00 06", "6 allee des Pins", "Bordeaux", "33000",
     "France", "Construction", "Customer", "", "C006", ""],
]  # fmt: skip

PARTNER_HEADER = [
    "id", "name", "is_company", "ref", "vat", "company_registry", "email", "phone", "street",
    "zip", "city", "country_id", "user_id", "property_payment_term_id", "credit_limit",
    "customer_rank", "category_id", "create_date", "write_date",
]  # fmt: skip


def _partner(pid: str, name: str, ref: str, street: str, zip_: str, city: str) -> list[str]:
    return [pid, name, "True", ref, "False", "False", "False", "False", street, zip_, city,
            "France", "Sophie Bernard", "30 Days", "50000.0", "3", "PME",
            "2018-01-10 10:00:00", "2026-06-01 10:00:00"]  # fmt: skip


PARTNERS = [
    PARTNER_HEADER,
    _partner("__export__.res_partner_1", "Alpha Usinage SARL", "C001", "1 rue des Forges",
             "69001", "Lyon"),
    _partner("__export__.res_partner_2", "Bravo Transports SAS", "C002", "2 quai du Port",
             "44000", "Nantes"),
    _partner("__export__.res_partner_4", "Delta Bois SARL", "C004", "4 chemin des Scieries",
             "88000", "Epinal"),
    _partner("__export__.res_partner_6", "Foxtrot Peinture", "C006", "6 allee des Pins",
             "33000", "Bordeaux"),
]  # fmt: skip

MOVE_HEADER = [
    "id", "name", "move_type", "state", "partner_id/id", "partner_id", "invoice_date",
    "invoice_date_due", "amount_untaxed", "amount_tax", "amount_total", "amount_residual",
    "payment_state", "currency_id", "invoice_origin",
]  # fmt: skip


def _move(mid: str, number: str, kind: str, partner: str, issued: str, due: str,
          total: str, residual: str, state: str = "posted") -> list[str]:  # fmt: skip
    untaxed = f"{Decimal(total) / Decimal('1.2'):.2f}"
    tax = f"{Decimal(total) - Decimal(untaxed):.2f}"
    paid = "paid" if Decimal(residual) == 0 else "not_paid"
    return [f"__export__.account_move_{mid}", number, kind, state,
            f"__export__.res_partner_{partner}", "", issued, due, untaxed, tax, total,
            residual, paid, "EUR", ""]  # fmt: skip


MOVES = [
    MOVE_HEADER,
    # Alpha: also in the books (ledger basis), so its ERP invoice is not counted.
    _move("1", "INV/2026/0001", "out_invoice", "1", "2026-10-01", "2026-10-31", "1200.00",
          "1200.00"),
    # Bravo: ERP only. 700.50 open, a paid invoice, a credit note 100.25 open: 600.25.
    _move("2", "INV/2026/0002", "out_invoice", "2", "2026-10-05", "2026-11-04", "700.50",
          "700.50"),
    _move("3", "INV/2026/0003", "out_invoice", "2", "2026-06-05", "2026-07-05", "480.00",
          "0.00"),
    _move("4", "RINV/2026/0001", "out_refund", "2", "2026-10-20", "2026-10-20", "100.25",
          "100.25"),
    _move("5", "INV/2026/0005", "out_invoice", "2", "2026-11-20", "2026-12-20", "999.00",
          "999.00", state="draft"),
    # Delta: ERP only, 250.00.
    _move("6", "INV/2026/0006", "out_invoice", "4", "2026-11-01", "2026-12-01", "250.00",
          "250.00"),
    # Foxtrot: also in the books.
    _move("7", "INV/2026/0007", "out_invoice", "6", "2026-11-05", "2026-12-05", "333.33",
          "333.33"),
]  # fmt: skip

FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def _entry(journal: str, number: str, day: str, aux: str, aux_name: str, ref: str,
           debit: str, credit: str, letter: str = "") -> list[str]:  # fmt: skip
    """One balanced entry: the customer line and its counterpart (sales or bank)."""
    lib = "Ventes" if journal == "VE" else "Banque"
    other = "70600000" if journal == "VE" else "51200000"
    other_lib = "Prestations de services" if journal == "VE" else "Banque"
    let_date = day if letter else ""
    return [
        "\t".join([journal, lib, number, day, "41100000", "Clients", aux, aux_name, ref, day,
                   f"{ref} {aux_name}", debit, credit, letter, let_date, day, "", ""]),
        "\t".join([journal, lib, number, day, other, other_lib, "", "", ref, day,
                   f"{ref} {aux_name}", credit, debit, "", "", day, "", ""]),
    ]  # fmt: skip


FEC_LINES = [
    FEC_HEADER,
    *_entry("VE", "VE000001", "20261001", "C001", "Alpha Usinage", "INV/2026/0001", "1200,00",
            "0,00"),
    # Charlie: ledger only. 1234.56 unlettered + group AB (500.00 − 300.00): 1434.56.
    *_entry("VE", "VE000002", "20260901", "C900", "Charlie Negoce", "FA-60", "500,00", "0,00",
            "AB"),
    *_entry("BQ", "BQ000001", "20261010", "C900", "Charlie Negoce", "VIR-60", "0,00", "300,00",
            "AB"),
    *_entry("VE", "VE000003", "20261015", "C900", "Charlie Negoce", "FA-77", "1234,56",
            "0,00"),
    # Echo: ledger only, 99.99.
    *_entry("VE", "VE000004", "20261101", "C905", "Echo Conseil", "FA-90", "99,99", "0,00"),
    *_entry("VE", "VE000005", "20261105", "C006", "Foxtrot Peinture", "INV/2026/0007",
            "333,33", "0,00"),
]  # fmt: skip

BALANCES = {
    "alpha": Decimal("1200.00"),
    "bravo": Decimal("600.25"),
    "charlie": Decimal("1434.56"),
    "delta": Decimal("250.00"),
    "echo": Decimal("99.99"),
    "foxtrot": Decimal("333.33"),
}
TOTAL = sum(BALANCES.values(), Decimal("0"))  # 3918.13
RECORD = {
    "alpha": ("erp", "__export__.res_partner_1"),
    "bravo": ("erp", "__export__.res_partner_2"),
    "charlie": ("compta", "C900"),
    "delta": ("erp", "__export__.res_partner_4"),
    "echo": ("compta", "C905"),
    "foxtrot": ("erp", "__export__.res_partner_6"),
}


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def _built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("decisions")
    _write_company(root)
    settings = load_settings(root / "c360.toml")
    assert ingest(settings).ok
    _rebuild(settings)
    return root


@pytest.fixture
def company(_built: Path, tmp_path: Path) -> Settings:
    """The company as built, a copy of its own for each test's decisions."""
    return copy_built(_built, tmp_path / "company")


def _write_company(root: Path) -> None:
    (root / "c360.toml").write_text(CONFIG, encoding="utf-8")
    for folder in ("hubspot", "odoo", "fec"):
        (root / "inbox" / folder).mkdir(parents=True)
    (root / "inbox/hubspot/companies.csv").write_text(_csv(COMPANIES), encoding="utf-8")
    (root / "inbox/odoo/res_partner.csv").write_text(_csv(PARTNERS), encoding="utf-8")
    (root / "inbox/odoo/account_move.csv").write_text(_csv(MOVES), encoding="utf-8")
    (root / "inbox/fec/732829320FEC20261231.txt").write_bytes(
        ("\r\n".join(FEC_LINES) + "\r\n").encode("iso-8859-15")
    )


def _rebuild(settings: Settings) -> None:
    result = build(settings)
    assert result.published, result.message


def _query(
    settings: Settings, text: str, params: list[object] | None = None
) -> list[tuple[Any, ...]]:
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None
    con = connect(path, read_only=True)
    try:
        return con.execute(text, params or []).fetchall()
    finally:
        con.close()


def _totals(settings: Settings) -> tuple[Decimal, Decimal]:
    """(Σ mart.customer_360.outstanding_amount, Σ core.open_item.amount_open)."""
    row = _query(
        settings,
        "select (select sum(outstanding_amount) from mart.customer_360), "
        "(select sum(amount_open) from core.open_item)",
    )[0]
    return row[0], row[1]


def _customer(settings: Settings, name: str) -> str:
    source, source_id = RECORD[name]
    rows = _query(
        settings,
        "select customer_id from core.customer_xref where source = ? and source_id = ?",
        [source, source_id],
    )
    return str(rows[0][0])


def _outstanding(settings: Settings, customer_id: str) -> Decimal:
    rows = _query(
        settings,
        "select outstanding_amount from mart.customer_360 where customer_id = ?",
        [customer_id],
    )
    return rows[0][0] if rows and rows[0][0] is not None else Decimal("0.00")


def _records(settings: Settings, customer_id: str) -> set[tuple[str, str]]:
    rows = _query(
        settings,
        "select source, source_id from core.customer_xref where customer_id = ?",
        [customer_id],
    )
    return {(r[0], r[1]) for r in rows}


def _redirects(settings: Settings) -> dict[str, str]:
    rows = _query(settings, "select old_customer_id, customer_id from core.customer_redirect")
    return {r[0]: r[1] for r in rows}


def _assert_total_whole(settings: Settings) -> None:
    assert _totals(settings) == (TOTAL, TOTAL)


def test_the_company_as_built(company: Settings) -> None:
    assert Decimal("3918.13") == TOTAL
    _assert_total_whole(company)
    for name, amount in BALANCES.items():
        assert _outstanding(company, _customer(company, name)) == amount, name
    assert len({_customer(company, name) for name in BALANCES}) == len(BALANCES)
    runs = _query(
        company,
        "select object, rows_read, rows_loaded, rows_rejected, rows_skipped from meta.ingest_run",
    )
    assert all(read == loaded + rejected + skipped for _, read, loaded, rejected, skipped in runs)
    assert sum(r[3] for r in runs) == 0
    loaded = {r[0]: 0 for r in runs}
    for r in runs:
        loaded[r[0]] += r[2]
    # 3 CRM + 4 ERP + 4 FEC accounts; 7 moves; 6 receivable, 5 sales and 1 bank lines of
    # the 12 FEC lines.
    assert loaded == {"customer": 11, "invoice": 7, "receivable_item": 6, "ledger_line": 6}


def test_merge_erp_only_with_ledger_only_then_split_then_merge_again(
    company: Settings,
) -> None:
    bravo, charlie = _customer(company, "bravo"), _customer(company, "charlie")
    bravo_records, charlie_records = _records(company, bravo), _records(company, charlie)
    assert len(bravo_records) == 2 and len(charlie_records) == 1
    older, younger = sorted([bravo, charlie])

    decide(company, "merge", charlie, bravo, reason="same company", actor="test")
    _rebuild(company)
    _assert_total_whole(company)
    assert _customer(company, "bravo") == _customer(company, "charlie") == older
    assert _records(company, older) == bravo_records | charlie_records
    assert _outstanding(company, older) == BALANCES["bravo"] + BALANCES["charlie"]
    assert _redirects(company) == {younger: older}
    bases = _query(
        company,
        "select basis, sum(amount_open) from core.open_item where customer_id = ? "
        "group by basis order by basis",
        [older],
    )
    assert bases == [("erp_invoice", BALANCES["bravo"]), ("ledger", BALANCES["charlie"])]
    assert _query(
        company, "select balance_basis from mart.customer_360 where customer_id = ?", [older]
    ) == [("mixed",)]

    decide(company, "split", older, reason="two companies after all", actor="test")
    _rebuild(company)
    _assert_total_whole(company)
    assert _customer(company, "bravo") == bravo, "each part gets its previous id back"
    assert _customer(company, "charlie") == charlie
    assert _records(company, bravo) == bravo_records
    assert _records(company, charlie) == charlie_records
    assert _outstanding(company, bravo) == BALANCES["bravo"]
    assert _outstanding(company, charlie) == BALANCES["charlie"]
    assert _redirects(company) == {}
    assert {d.kind for d in list_decisions(company)} == {"split"}

    # The latest word on a pair wins: merged again.
    decide(company, "merge", bravo, charlie, actor="test")
    _rebuild(company)
    _assert_total_whole(company)
    assert _customer(company, "bravo") == _customer(company, "charlie") == older
    assert _outstanding(company, older) == BALANCES["bravo"] + BALANCES["charlie"]
    assert {d.kind for d in list_decisions(company)} == {"merge"}


def test_merge_ledger_customer_with_erp_only_customer(company: Settings) -> None:
    # Alpha's ERP invoice is the same money as its ledger line: still not counted after
    # Alpha takes in Delta, whose ERP invoice is counted.
    alpha, delta = _customer(company, "alpha"), _customer(company, "delta")
    decide(company, "merge", alpha, delta, actor="test")
    _rebuild(company)
    _assert_total_whole(company)
    survivor = min(alpha, delta)
    assert _customer(company, "alpha") == _customer(company, "delta") == survivor
    assert _outstanding(company, survivor) == BALANCES["alpha"] + BALANCES["delta"]
    assert len(_records(company, survivor)) == 4  # crm, erp and compta of Alpha, erp of Delta


def test_merge_over_http_redirects_the_other_id(company: Settings) -> None:
    add_user(company, "root", "admin", "pw-admin")
    client = TestClient(create_app(company))
    token = client.post("/api/v1/auth/token", data={"username": "root", "password": "pw-admin"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    echo, foxtrot = _customer(company, "echo"), _customer(company, "foxtrot")
    made = client.post(
        "/api/v1/match-decisions",
        json={"kind": "merge", "left": foxtrot, "right": echo},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert {d["decision"] for d in made.json()["data"]} == {"match"}
    again = client.post(
        "/api/v1/match-decisions",
        json={"kind": "merge", "left": echo, "right": echo},
        headers=headers,
    )
    assert again.status_code == 409 and "already one customer" in again.json()["message"]
    _rebuild(company)
    _assert_total_whole(company)
    survivor, gone = min(echo, foxtrot), max(echo, foxtrot)
    assert _outstanding(company, survivor) == BALANCES["echo"] + BALANCES["foxtrot"]
    client = TestClient(create_app(company))
    moved = client.get(f"/api/v1/customers/{gone}", headers=headers, follow_redirects=False)
    assert moved.status_code == 308
    assert moved.json()["merged_into"] == survivor
    profile = client.get(f"/api/v1/customers/{survivor}", headers=headers)
    assert profile.status_code == 200


def test_always_match_two_records_keeps_the_money(company: Settings) -> None:
    delta, echo = _customer(company, "delta"), _customer(company, "echo")
    decide(company, "always_match", "erp:__export__.res_partner_4", "compta:C905")
    _rebuild(company)
    _assert_total_whole(company)
    survivor = min(delta, echo)
    assert _customer(company, "delta") == _customer(company, "echo") == survivor
    assert _outstanding(company, survivor) == BALANCES["delta"] + BALANCES["echo"]
    assert _redirects(company) == {max(delta, echo): survivor}


def test_never_match_and_record_split_move_no_money(company: Settings) -> None:
    foxtrot = _customer(company, "foxtrot")
    decide(company, "never_match", "erp:__export__.res_partner_6", "compta:C006")
    _rebuild(company)
    _assert_total_whole(company)
    ledger_side = _query(
        company,
        "select customer_id from core.customer_xref where source = 'compta' and source_id = 'C006'",
    )[0][0]
    erp_side = _customer(company, "foxtrot")
    assert ledger_side != erp_side
    # The books hold Foxtrot's money; its ERP invoice is that same money, still not counted.
    assert _outstanding(company, ledger_side) == BALANCES["foxtrot"]
    assert _outstanding(company, erp_side) == Decimal("0.00")
    assert foxtrot in {ledger_side, erp_side}

    alpha = _customer(company, "alpha")
    runner = CliRunner()
    from c360.cli import app

    assert company.config_path is not None
    config = str(company.config_path)
    outcome = runner.invoke(app, ["match", "decide", "split", "crm:1001", "--config", config])
    assert outcome.exit_code == 0, outcome.output
    _rebuild(company)
    _assert_total_whole(company)
    assert _customer(company, "alpha") == alpha
    assert ("crm", "1001") not in _records(company, alpha)
    assert _outstanding(company, alpha) == BALANCES["alpha"]


def test_split_of_a_customer_nobody_merged_is_refused(company: Settings) -> None:
    with pytest.raises(DecisionError, match="nothing a steward merged"):
        decide(company, "split", _customer(company, "alpha"))


def test_merge_and_split_on_the_demo_keep_the_total(tmp_path: Path) -> None:
    # The case: two golden customers with CRM, ERP and ledger records each.
    from demo_company import generate_demo

    generate_demo(tmp_path, customers=60, seed=3)
    settings = load_settings(tmp_path / "c360.toml")
    assert ingest(settings).ok
    _rebuild(settings)
    total = _totals(settings)
    assert total[0] == total[1]
    rows = _query(
        settings,
        "select customer_360.customer_id, customer_360.outstanding_amount "
        "from mart.customer_360 as customer_360 "
        "inner join core.customer_xref as customer_xref "
        "    on customer_xref.customer_id = customer_360.customer_id "
        "where customer_360.outstanding_amount > 0 "
        "group by all having count(distinct customer_xref.role) = 3 "
        "order by customer_360.customer_id limit 2",
    )
    (a, amount_a), (b, amount_b) = rows
    records = _records(settings, a) | _records(settings, b)
    customers = _query(settings, "select count(*) from core.customer")[0][0]

    decide(settings, "merge", b, a, actor="test")
    _rebuild(settings)
    assert _totals(settings) == total
    assert _records(settings, a) == records
    assert _outstanding(settings, a) == amount_a + amount_b
    assert _redirects(settings) == {b: a}
    assert _query(settings, "select count(*) from core.customer") == [(customers - 1,)], (
        "one customer less: no third one"
    )

    decide(settings, "split", b, actor="test")
    _rebuild(settings)
    assert _totals(settings) == total
    assert (_outstanding(settings, a), _outstanding(settings, b)) == (amount_a, amount_b)
    assert _records(settings, a) | _records(settings, b) == records
    assert _redirects(settings) == {}
