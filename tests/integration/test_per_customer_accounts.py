"""Books that keep one general account per customer (41100559 "MARCHAND ET FILS SARL", no
CompAuxNum), beside a HubSpot CRM: named golden customers, linked by an embedded customer
code (`account_code`) or by a unique exact name; ambiguous or approximate names wait in the
review queue; money to the cent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from api.evidence import evidence_text
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, SourceConfig
from kernel.snapshots import current_snapshot
from warehouse.build import build

FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)
# Written as a small-business package exports them: UTF-8, tab, decimal comma, every
# customer on its own 411 account with CompAuxNum/CompAuxLib empty; one auxiliary-account
# customer (411000 + C0077) as the demo books keep them. Each entry balances.
FEC_LINES = [
    # 411C0042: code C0042 embedded; 1 200,00 invoice paid (lettered A), 2 400,60 open.
    "VE\tVentes\tVE1\t20261002\t411C0042\tETS MARCHAND\t\t\tF001\t20261002\tFacture F001\t1200,00\t\tA\t20261020\t20261002\t\t",
    "VE\tVentes\tVE1\t20261002\t706000\tVentes de marchandises\t\t\tF001\t20261002\tFacture F001\t\t1000,00\t\t\t20261002\t\t",
    "VE\tVentes\tVE1\t20261002\t445710\tTVA collectée\t\t\tF001\t20261002\tFacture F001\t\t200,00\t\t\t20261002\t\t",
    "BQ\tBanque\tBQ1\t20261020\t512000\tBanque\t\t\tV001\t20261020\tVirement Marchand\t1200,00\t\t\t\t20261020\t\t",
    "BQ\tBanque\tBQ1\t20261020\t411C0042\tETS MARCHAND\t\t\tV001\t20261020\tVirement Marchand\t\t1200,00\tA\t20261020\t20261020\t\t",
    "VE\tVentes\tVE2\t20261105\t411C0042\tETS MARCHAND\t\t\tF002\t20261105\tFacture F002\t2400,60\t\t\t\t20261105\t\t",
    "VE\tVentes\tVE2\t20261105\t706000\tVentes de marchandises\t\t\tF002\t20261105\tFacture F002\t\t2000,50\t\t\t20261105\t\t",
    "VE\tVentes\tVE2\t20261105\t445710\tTVA collectée\t\t\tF002\t20261105\tFacture F002\t\t400,10\t\t\t20261105\t\t",
    # 41100559: the CRM's "Marchand et Fils", by name only; 1 500,50 open, 300,00 paid.
    "VE\tVentes\tVE3\t20261010\t41100559\tMARCHAND ET FILS SARL\t\t\tF003\t20261010\tFacture F003\t1500,50\t\t\t\t20261010\t\t",
    "VE\tVentes\tVE3\t20261010\t706000\tVentes de marchandises\t\t\tF003\t20261010\tFacture F003\t\t1250,42\t\t\t20261010\t\t",
    "VE\tVentes\tVE3\t20261010\t445710\tTVA collectée\t\t\tF003\t20261010\tFacture F003\t\t250,08\t\t\t20261010\t\t",
    "VE\tVentes\tVE4\t20261012\t41100559\tMARCHAND ET FILS SARL\t\t\tF004\t20261012\tFacture F004\t300,00\t\tB\t20261030\t20261012\t\t",
    "VE\tVentes\tVE4\t20261012\t706000\tVentes de marchandises\t\t\tF004\t20261012\tFacture F004\t\t250,00\t\t\t20261012\t\t",
    "VE\tVentes\tVE4\t20261012\t445710\tTVA collectée\t\t\tF004\t20261012\tFacture F004\t\t50,00\t\t\t20261012\t\t",
    "BQ\tBanque\tBQ2\t20261030\t512000\tBanque\t\t\tV002\t20261030\tChèque Marchand et Fils\t300,00\t\t\t\t20261030\t\t",
    "BQ\tBanque\tBQ2\t20261030\t41100559\tMARCHAND ET FILS SARL\t\t\tV002\t20261030\tChèque Marchand et Fils\t\t300,00\tB\t20261030\t20261030\t\t",
    # 41100560: two "Dupont SA" in the CRM, Lyon and Paris.
    "VE\tVentes\tVE5\t20261015\t41100560\tDUPONT\t\t\tF005\t20261015\tFacture F005\t720,36\t\t\t\t20261015\t\t",
    "VE\tVentes\tVE5\t20261015\t706000\tVentes de marchandises\t\t\tF005\t20261015\tFacture F005\t\t600,30\t\t\t20261015\t\t",
    "VE\tVentes\tVE5\t20261015\t445710\tTVA collectée\t\t\tF005\t20261015\tFacture F005\t\t120,06\t\t\t20261015\t\t",
    # 41100561: "Boulangerie Martinès" in the CRM, spelt otherwise here.
    "VE\tVentes\tVE6\t20261020\t41100561\tBOULANGERIE MARTINEZ\t\t\tF006\t20261020\tFacture F006\t99,99\t\t\t\t20261020\t\t",
    "VE\tVentes\tVE6\t20261020\t706000\tVentes de marchandises\t\t\tF006\t20261020\tFacture F006\t\t83,33\t\t\t20261020\t\t",
    "VE\tVentes\tVE6\t20261020\t445710\tTVA collectée\t\t\tF006\t20261020\tFacture F006\t\t16,66\t\t\t20261020\t\t",
    # 41100562: "Boeuf & Coeur SAS" in the CRM; an invoice and an open credit note.
    "VE\tVentes\tVE7\t20261025\t41100562\tBŒUF & CŒUR\t\t\tF007\t20261025\tFacture F007\t4567,89\t\t\t\t20261025\t\t",
    "VE\tVentes\tVE7\t20261025\t706000\tVentes de marchandises\t\t\tF007\t20261025\tFacture F007\t\t3806,58\t\t\t20261025\t\t",
    "VE\tVentes\tVE7\t20261025\t445710\tTVA collectée\t\t\tF007\t20261025\tFacture F007\t\t761,31\t\t\t20261025\t\t",
    "VE\tVentes\tVE8\t20261110\t41100562\tBŒUF & CŒUR\t\t\tA001\t20261110\tAvoir A001\t\t67,89\t\t\t20261110\t\t",
    "VE\tVentes\tVE8\t20261110\t706000\tVentes de marchandises\t\t\tA001\t20261110\tAvoir A001\t56,58\t\t\t\t20261110\t\t",
    "VE\tVentes\tVE8\t20261110\t445710\tTVA collectée\t\t\tA001\t20261110\tAvoir A001\t11,31\t\t\t\t20261110\t\t",
    # 41100563: nobody else knows it.
    "VE\tVentes\tVE9\t20261101\t41100563\tCLIENT COMPTOIR\t\t\tF008\t20261101\tFacture F008\t10,01\t\t\t\t20261101\t\t",
    "VE\tVentes\tVE9\t20261101\t706000\tVentes de marchandises\t\t\tF008\t20261101\tFacture F008\t\t8,34\t\t\t20261101\t\t",
    "VE\tVentes\tVE9\t20261101\t445710\tTVA collectée\t\t\tF008\t20261101\tFacture F008\t\t1,67\t\t\t20261101\t\t",
    # 411000 + auxiliary account C0077: the auxiliary label names it, not "Clients".
    "VE\tVentes\tVE10\t20261103\t411000\tClients\tC0077\tAtelier Rivière\tF009\t20261103\tFacture F009\t600,00\t\t\t\t20261103\t\t",
    "VE\tVentes\tVE10\t20261103\t706000\tVentes de marchandises\t\t\tF009\t20261103\tFacture F009\t\t500,00\t\t\t20261103\t\t",
    "VE\tVentes\tVE10\t20261103\t445710\tTVA collectée\t\t\tF009\t20261103\tFacture F009\t\t100,00\t\t\t20261103\t\t",
]
RECEIVABLE_LINES = sum(1 for line in FEC_LINES if line.split("\t")[4].startswith("411"))

# HubSpot companies, UI export labels; Marchand Frères holds the ERP code C0042.
CRM_CSV = """Record ID,Company name,City,Postal Code,Code client ERP,Lifecycle Stage
101,Marchand Frères,Lyon,69003,C0042,customer
102,Marchand et Fils,Nantes,44000,,customer
103,Dupont SA,Lyon,69002,,customer
104,Dupont SA,Paris,75011,,customer
105,Boulangerie Martinès,Bordeaux,33000,,customer
106,Boeuf & Coeur SAS,Rennes,35000,,customer
107,Atelier Riviere,Lille,59000,C0077,customer
"""

OUTSTANDING = {
    "411C0042": Decimal("2400.60"),
    "41100559": Decimal("1500.50"),
    "41100560": Decimal("720.36"),
    "41100561": Decimal("99.99"),
    "41100562": Decimal("4500.00"),
    "41100563": Decimal("10.01"),
    "C0077": Decimal("600.00"),
}


def _settings(root: Path, account_code: str | None) -> Settings:
    books, crm = root / "inbox" / "fec", root / "inbox" / "hubspot"
    books.mkdir(parents=True)
    crm.mkdir(parents=True)
    text = "\n".join([FEC_HEADER, *FEC_LINES]) + "\n"
    (books / "123456789FEC20261231.txt").write_text(text, encoding="utf-8")
    (crm / "hubspot-companies.csv").write_text(CRM_CSV, encoding="utf-8")
    return Settings(
        data_dir=root / "data",
        as_of=date(2026, 11, 28),
        sources=[
            SourceConfig(name="crm", system="hubspot", role="crm", inbox=crm),
            SourceConfig(
                name="books",
                system="fec",
                role="accounting",
                inbox=books,
                account_code=account_code,
            ),
        ],
    )


def _built(root: Path, account_code: str | None) -> duckdb.DuckDBPyConnection:
    settings = _settings(root, account_code)
    assert ingest(settings).ok
    result = build(settings)
    assert result.published, result.message
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None
    return connect(path, read_only=True)


@pytest.fixture(scope="module")
def by_code(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _built(tmp_path_factory.mktemp("by_code"), r"411(?P<code>C\d+)")
    yield con
    con.close()


@pytest.fixture(scope="module")
def by_name(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _built(tmp_path_factory.mktemp("by_name"), None)
    yield con
    con.close()


def _customer(con: duckdb.DuckDBPyConnection, source: str, source_id: str) -> str:
    row = con.execute(
        "select customer_id from core.customer_xref where source = ? and source_id = ?",
        [source, source_id],
    ).fetchone()
    assert row is not None, (source, source_id)
    return str(row[0])


def _xref(
    con: duckdb.DuckDBPyConnection, source: str, source_id: str
) -> tuple[str, dict[str, Any]]:
    row = con.execute(
        "select match_rule, evidence from core.customer_xref where source = ? and source_id = ?",
        [source, source_id],
    ).fetchone()
    assert row is not None
    return str(row[0]), json.loads(row[1])


def _review(con: duckdb.DuckDBPyConnection, account: str) -> list[tuple[str, dict[str, Any]]]:
    rows = con.execute(
        "select right_source || ':' || right_source_id, evidence from core.match_candidate "
        "where left_source = 'books' and left_source_id = ? order by right_source_id",
        [account],
    ).fetchall()
    return [(r[0], json.loads(r[1])) for r in rows]


def test_rows_accounted_for(by_name: duckdb.DuckDBPyConnection) -> None:
    rows = by_name.execute(
        "select object, rows_read, rows_loaded, rows_rejected, rows_skipped "
        "from meta.ingest_run where source = 'books' and status = 'loaded' order by object"
    ).fetchall()
    assert {r[0] for r in rows} == {"customer", "receivable_item", "ledger_line"}
    for _, read, loaded, rejected, skipped in rows:
        assert read == len(FEC_LINES) == loaded + rejected + skipped
        assert rejected == 0
    items = next(r for r in rows if r[0] == "receivable_item")
    assert items[2] == RECEIVABLE_LINES


def test_golden_customers_carry_the_account_label(by_name: duckdb.DuckDBPyConnection) -> None:
    names = dict(
        by_name.execute(
            "select xref.source_id, customer.name from core.customer_xref as xref "
            "join core.customer as customer using (customer_id) where xref.source = 'books'"
        ).fetchall()
    )
    # Alone, the account's own label; linked, the CRM's name wins (survivorship).
    assert names["41100563"] == "CLIENT COMPTOIR"
    assert names["411C0042"] == "ETS MARCHAND"
    assert names["41100560"] == "DUPONT"
    assert names["41100559"] == "Marchand et Fils"
    staged = dict(
        by_name.execute(
            "select customer_source_id, any_value(customer_name) from core.receivable_item "
            "group by all"
        ).fetchall()
    )
    assert staged["41100559"] == "MARCHAND ET FILS SARL"
    assert staged["C0077"] == "Atelier Rivière"
    assert None not in staged.values()


def test_code_embedded_in_the_account_links_by_code(by_code: duckdb.DuckDBPyConnection) -> None:
    assert _customer(by_code, "books", "411C0042") == _customer(by_code, "crm", "101")
    rule, evidence = _xref(by_code, "books", "411C0042")
    assert (rule, evidence.get("customer_code")) == ("xref", "C0042")
    code = by_code.execute(
        "select customer_code from core.customer where customer_id = ?",
        [_customer(by_code, "books", "411C0042")],
    ).fetchone()
    assert code == ("C0042",)
    # An account the pattern does not match has no code and still links by its name.
    assert _customer(by_code, "books", "41100559") == _customer(by_code, "crm", "102")


def test_without_the_setting_an_account_number_is_no_code(
    by_name: duckdb.DuckDBPyConnection,
) -> None:
    assert _customer(by_name, "books", "411C0042") != _customer(by_name, "crm", "101")
    codes = by_name.execute(
        "select customer.customer_code from core.customer_xref as xref "
        "join core.customer as customer using (customer_id) "
        "where xref.source = 'books' and xref.source_id in ('411C0042', '41100563')"
    ).fetchall()
    assert codes == [(None,), (None,)]
    # Auxiliary accounts keep their number as the code, linked by cross-reference.
    assert _customer(by_name, "books", "C0077") == _customer(by_name, "crm", "107")
    assert _xref(by_name, "books", "C0077")[0] == "xref"


def test_exact_unique_name_links(by_name: duckdb.DuckDBPyConnection) -> None:
    assert _customer(by_name, "books", "41100559") == _customer(by_name, "crm", "102")
    rule, evidence = _xref(by_name, "books", "41100559")
    assert rule == "ledger_name"
    assert evidence["match"] == "exact" and evidence["account"] == "41100559"
    assert evidence_text(rule, evidence) == (
        "ledger account 41100559 'MARCHAND ET FILS SARL' has the same name as "
        "'Marchand et Fils', the only customer of that name"
    )


def test_ligatures_fold(by_name: duckdb.DuckDBPyConnection) -> None:
    assert _customer(by_name, "books", "41100562") == _customer(by_name, "crm", "106")
    assert _xref(by_name, "books", "41100562")[0] == "ledger_name"


def test_same_name_in_two_towns_waits_for_a_steward(by_name: duckdb.DuckDBPyConnection) -> None:
    dupont = _customer(by_name, "books", "41100560")
    lyon, paris = _customer(by_name, "crm", "103"), _customer(by_name, "crm", "104")
    assert len({dupont, lyon, paris}) == 3, "never merged on a name alone"
    review = _review(by_name, "41100560")
    assert [r[0] for r in review] == ["crm:103", "crm:104"]
    for _, evidence in review:
        assert (evidence["rule"], evidence["match"], evidence["customers"]) == (
            "ledger_name",
            "ambiguous",
            2,
        )
    assert "one of 2 customers of that name" in evidence_text("fuzzy", review[0][1])


def test_approximate_name_waits_for_a_steward(by_name: duckdb.DuckDBPyConnection) -> None:
    assert _customer(by_name, "books", "41100561") != _customer(by_name, "crm", "105")
    review = _review(by_name, "41100561")
    assert [r[0] for r in review] == ["crm:105"]
    evidence = review[0][1]
    assert evidence["match"] == "approximate"
    # Above the auto-merge threshold, and still only a candidate.
    assert evidence["score"] >= 0.92
    assert "name close to 'Boulangerie Martinès'" in evidence_text("fuzzy", evidence)


def test_nothing_else_is_merged_or_queued(by_name: duckdb.DuckDBPyConnection) -> None:
    assert _xref(by_name, "books", "41100563")[0] == "single"
    assert _review(by_name, "41100563") == []
    (customers,) = by_name.execute("select count(*) from core.customer").fetchone()  # type: ignore[misc]
    # 7 CRM companies + 7 accounts, minus 3 links (C0077 by code, two by name).
    assert customers == 11
    (queued,) = by_name.execute("select count(*) from core.match_candidate").fetchone()  # type: ignore[misc]
    assert queued == 3


@pytest.mark.parametrize("fixture", ["by_name", "by_code"])
def test_balances_to_the_cent(fixture: str, request: pytest.FixtureRequest) -> None:
    con: duckdb.DuckDBPyConnection = request.getfixturevalue(fixture)
    balances = dict(
        con.execute(
            "select xref.source_id, balance.outstanding_amount from core.customer_xref as xref "
            "join core.customer_balance as balance using (customer_id) "
            "where xref.source = 'books'"
        ).fetchall()
    )
    assert balances == OUTSTANDING
    (total,) = con.execute("select sum(outstanding_amount) from core.customer_balance").fetchone()  # type: ignore[misc]
    assert total == sum(OUTSTANDING.values()) == Decimal("9831.46")
