"""`c360 privacy erase`: a contact person leaves staging, landing and the snapshot; the
invoices stay to the cent; an old extract loaded again does not bring them back.

Hand-made extracts: HubSpot index-page exports (label headers, every field quoted, CRLF)
of companies, contacts and calls; an Odoo export of partners and invoices.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from acme_beta import COMPANIES, PARTNERS
from hand_made import quoted_csv, write_inbox
from typer.testing import CliRunner

from c360.cli import app

PERSON = "marie.durand@acme.fr"


CONTACT_HEADER = ("Record ID", "First Name", "Last Name", "Email", "Phone Number",
                  "Primary Associated Company ID")  # fmt: skip
CONTACTS = quoted_csv(
    CONTACT_HEADER,
    ("601", "Marie", "Durand", "Marie.Durand@ACME.fr", "+33 4 72 00 00 01", "501"),
    ("602", "Paul", "Martin", "paul.martin@acme.fr", "+33 4 72 00 00 02", "501"),
    ("603", "Léa", "Petit", "lea.petit@beta.fr", "", "502"),
)
CALLS = quoted_csv(
    ("Record ID", "Call Title", "Activity date", "Call outcome", "Call status",
     "Associated Contact IDs", "Associated Company IDs"),
    ("7001", "Point trimestriel", "2026-11-20 10:00", "Connected", "Completed", "", "501"),
    ("7002", "Rappel Marie Durand", "2026-11-25 15:30", "Connected", "Completed", "601", "501"),
)  # fmt: skip
MOVES = """id,name,move_type,partner_id,state,invoice_date,invoice_date_due,amount_untaxed,amount_total,amount_residual,currency_id
1,INV/2026/0001,out_invoice,101,posted,2026-06-01,2026-07-01,1000.00,1200.00,1200.00,EUR
2,INV/2026/0002,out_invoice,101,posted,2026-10-01,2026-10-31,83.33,100.01,50.01,EUR
3,INV/2026/0003,out_invoice,102,posted,2026-10-01,2026-10-31,833.33,1000.00,500.00,EUR
"""

runner = CliRunner()


@pytest.fixture
def company(tmp_path: Path) -> Path:
    files = {
        "crm/companies.csv": COMPANIES,
        "crm/contacts.csv": CONTACTS,
        "crm/calls.csv": CALLS,
        "erp/res_partner.csv": PARTNERS,
        "erp/account_move.csv": MOVES,
    }
    write_inbox(tmp_path / "inbox", files, newline="")
    (tmp_path / "c360.toml").write_text(
        'data_dir = "data"\nas_of = "2026-11-28"\n'
        '[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\ninbox = "inbox/crm"\n'
        '[[sources]]\nname = "erp"\nsystem = "odoo"\nrole = "erp"\ninbox = "inbox/erp"\n',
        encoding="utf-8",
    )
    return tmp_path


def _c360(root: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--config", str(root / "c360.toml")])
    assert result.exit_code == 0, result.output
    return result.output


def _staging(root: Path) -> duckdb.DuckDBPyConnection:
    # Attached under another name: the file's own name would shadow its staging schema.
    con = duckdb.connect()
    con.execute("attach ? as st (read_only)", [str(root / "data" / "staging.duckdb")])
    con.execute("use st")
    return con


def _snapshot(root: Path) -> duckdb.DuckDBPyConnection:
    name = (root / "data" / "snapshots" / "CURRENT").read_text(encoding="utf-8").strip()
    return duckdb.connect(str(root / "data" / "snapshots" / Path(name).name), read_only=True)


def _money(root: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with _staging(root) as con:
        invoices = con.execute(
            "select source_id, amount_incl_tax, amount_open from staging.invoice order by 1"
        ).fetchall()
    with _snapshot(root) as con:
        balances = con.execute(
            "select name, outstanding_amount from mart.customer_360 order by name"
        ).fetchall()
    return invoices, balances


def _landed_text(root: Path) -> str:
    landing = root / "data" / "landing" / "crm"
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in landing.rglob("*.csv"))


def test_erase_removes_the_person_and_keeps_the_money(company: Path) -> None:
    _c360(company, "ingest")
    _c360(company, "build")
    before = _money(company)
    assert before[1] == [("ACME SAS", Decimal("1250.01")), ("Beta SARL", Decimal("500.00"))]
    assert PERSON in _landed_text(company).lower()

    out = _c360(company, "privacy", "erase", "--email", "MARIE.durand@acme.fr ")

    # One line per source system still holding the person, naming its record.
    assert "still held by source crm (hubspot, crm): record(s) 601" in out
    assert "erp" not in out.split("erased:")[1].split("published")[0]
    assert "1 earlier snapshot(s) kept for rollback still hold the person" in out
    with _staging(company) as con:
        contacts = con.execute("select source_id from staging.contact order by 1").fetchall()
        assert contacts == [("602",), ("603",)]
        call = con.execute(
            "select contact_source_id, subject, customer_source_id from staging.activity "
            "where source_id = '7002'"
        ).fetchone()
        assert call == (None, None, "501")  # the call stays the company's, nameless
        raw = con.execute("select count(*) from raw.crm__contact").fetchone()
        assert raw == (2,)
        erasure = con.execute(
            "select key_kind, key_hash, contacts, activities, landed_files, sources "
            "from meta.erasure"
        ).fetchall()
        assert len(erasure) == 1
        kind, key_hash, n_contacts, n_activities, n_files, sources = erasure[0]
        assert (kind, n_contacts, n_activities, n_files, sources) == ("email", 1, 1, 1, "crm")
        assert len(key_hash) == 64 and "marie" not in key_hash
        stored = con.execute("select * from meta.erasure_key").fetchall()
        assert PERSON not in repr(stored).lower()
    # Landing: the contacts file rewritten without her line, its manifest updated.
    assert PERSON not in _landed_text(company).lower()
    assert "paul.martin@acme.fr" in _landed_text(company)
    contacts_file = next((company / "data" / "landing" / "crm").glob("*/contacts.csv"))
    manifest = json.loads((contacts_file.parent / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["path"] == "contacts.csv")
    from ingest.landing import sha256_of

    assert entry["sha256"] == sha256_of(contacts_file)
    assert entry["rows"] == 2
    # The rebuilt snapshot: no trace of her; invoices and balances to the cent.
    with _snapshot(company) as con:
        dump = con.execute(
            "select count(*) from core.contact where lower(email) like '%marie%'"
        ).fetchone()
        assert dump == (0,)
    assert _money(company) == before


def test_an_old_extract_loaded_again_is_erased_again(company: Path) -> None:
    _c360(company, "ingest")
    _c360(company, "privacy", "erase", "--email", PERSON, "--no-build")

    # The very file dropped again: skipped by its checksum as received.
    inbox = company / "inbox" / "crm"
    _c360(company, "ingest")
    # An old extract with another row edited (a new checksum): loaded, and she is
    # removed again, counted as skipped (read = loaded + rejected + skipped).
    (inbox / "contacts.csv").write_text(
        CONTACTS.replace("Paul", "Paulo"), encoding="utf-8", newline=""
    )
    _c360(company, "ingest")
    _c360(company, "build")
    with _staging(company) as con:
        names = con.execute("select first_name from staging.contact order by 1").fetchall()
        assert names == [("Léa",), ("Paulo",)]
        run = con.execute(
            "select rows_read, rows_loaded, rows_rejected, rows_skipped from meta.ingest_run "
            "where file = 'contacts.csv' and status = 'loaded' order by started_at desc limit 1"
        ).fetchone()
        assert run == (3, 2, 0, 1)
        assert con.execute(
            "select contact_source_id, subject from staging.activity where source_id = '7002'"
        ).fetchone() == (None, None)
    assert PERSON not in _landed_text(company).lower()
    with _snapshot(company) as con:
        assert con.execute(
            "select count(*) from core.contact where lower(email) = ?", [PERSON]
        ).fetchone() == (0,)


def test_erase_by_phone_and_refusals(company: Path) -> None:
    _c360(company, "ingest")
    out = _c360(company, "privacy", "erase", "--phone", "+33472000002", "--no-build")
    assert "record(s) 602" in out
    with _staging(company) as con:
        assert con.execute("select source_id from staging.contact order by 1").fetchall() == [
            ("601",),
            ("603",),
        ]
    bad = runner.invoke(app, ["privacy", "erase", "--config", str(company / "c360.toml")])
    assert bad.exit_code == 1 and "--email" in bad.output
