"""ERP customers delivered as the vendors' own table extracts, one file per table.

SAP KNA1 + KNB1 + KNKK (+ BSID), Sage X3 BPCUSTOMER + BPADDRESS, Oracle HZ_CUST_ACCOUNTS +
HZ_PARTIES + HZ_CUST_PROFILE_AMTS: each file is recognised as its own object and joined
into staging.customer by key, whatever the order and the run the tables come in. A part
whose customer is not there is kept and counted, never dropped.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings
from kernel.snapshots import current_snapshot
from warehouse.build import build

# --- SAP: SE16N downloads, tab-separated, KUNNR with its zeros, amounts 1.234,56 ----------
KNA1 = """\
MANDT\tKUNNR\tNAME1\tNAME2\tSTRAS\tPSTLZ\tORT01\tLAND1\tTELF1\tSTCD2\tKTOKD\tLOEVM\tERDAT
100\t0000100234\tACME SAS\t\t12 rue de la Paix\t75002\tParis\tFR\t01 42 00 00 00\t732829320\tKUNA\t\t20250110
100\t0000100235\tBoulangerie\tMartin\t3 place du Marché\t69002\tLyon\tFR\t\t\tKUNA\t\t20250201
100\t0000100236\tCartonnerie Durand\t\t8 rue des Forges\t42000\tSaint-Étienne\tFR\t\t\tKUNA\t\t20250301
"""
# Two company codes for 100234 (FR01 30 days, DE01 60 days); 100299 has no KNA1 row.
KNB1 = """\
MANDT\tKUNNR\tBUKRS\tAKONT\tZTERM\tZWELS\tBUSAB\tLOEVM\tSPERR
100\t0000100234\tFR01\t0000411000\tNT30\tTU\tA1\t\t
100\t0000100234\tDE01\t0000140000\tNT60\tU\tB2\t\t
100\t0000100235\tFR01\t0000411000\tZ045\tT\tA1\t\t
100\t0000100299\tFR01\t0000411000\tNT30\tT\tA1\t\t
"""
# Two credit control areas for 100234 (1000: 50 000, 2000: 75 000).
KNKK = """\
MANDT\tKUNNR\tKKBER\tKLIMK\tSKFOR\tSSOBL\tCTLPC\tCRBLB\tDTREV
100\t0000100234\t1000\t50.000,00\t0,00\t0,00\tA01\t\t20250601
100\t0000100234\t2000\t75.000,00\t0,00\t0,00\tA01\t\t20250601
100\t0000100235\t1000\t12.345,67\t0,00\t0,00\tB02\t\t00000000
"""
BSID = """\
MANDT\tBUKRS\tKUNNR\tAUGDT\tAUGBL\tGJAHR\tBELNR\tBUZEI\tBUDAT\tBLDAT\tXBLNR\tBLART\tBSCHL\tSHKZG\tDMBTR\tWAERS\tHKONT\tZFBDT\tZBD1T\tZBD2T\tZBD3T\tREBZG
100\tFR01\t0000100234\t00000000\t\t2026\t0090000123\t001\t20260105\t20260105\t0090000123\tRV\t01\tS\t12.000,00\tEUR\t0000411000\t20260105\t30\t0\t0\t
100\tFR01\t0000100234\t00000000\t\t2026\t0090000150\t001\t20260110\t20260110\t0090000150\tDG\t11\tH\t1.234,56-\tEUR\t0000411000\t20260110\t0\t0\t0\t
100\tFR01\t0000100235\t00000000\t\t2026\t0090000160\t001\t20260112\t20260112\t0090000160\tRV\t01\tS\t3.000,00\tEUR\t0000411000\t20260112\t45\t0\t0\t
"""
# --- Sage X3: SQL extracts, `;`, Windows-1252, `_0` dimension suffixes, blanks = ' ' ------
BPCUSTOMER = """\
BPCNUM_0;BPCNAM_0;BCGCOD_0;REP_0;PTE_0;OSTAUZ_0;CUR_0;BPAADD_0;CREDAT_0;UPDDAT_0
C0001;ACME SAS;GC;REP01;30JFM;50 000,00;EUR;HO;10/01/2025;02/03/2026
C0002;Société Générale d'Études;PME; ;60NET;12 345,67;EUR;A01;01/02/2025;01/01/1753
"""
# C0001: the default address (BPAADDFLG 2) is HO; C0002 has no default: the lowest code
# (A01) is taken; C0009 is no customer of the extract.
BPADDRESS = """\
BPATYP_0;BPANUM_0;BPAADD_0;BPADES_0;BPAADDLIG_0;BPAADDLIG_1;BPAADDLIG_2;POSCOD_0;CTY_0;SAT_0;CRY_0;TEL_0;WEB_0;BPAADDFLG_0
1;C0001;LIV;Entrepôt;ZI des Pins; ; ;13000;Marseille; ;FR; ; ;1
1;C0001;HO;Siège;12 rue de la Paix;Bât. B; ;75002;Paris; ;FR;01 42 00 00 00;compta@acme.fr;2
1;C0002;B01;Dépôt;Rue du Port; ; ;69100;Villeurbanne; ;FR; ; ;1
1;C0002;A01;Siège;5 place Bellecour; ; ;69002;Lyon; ;FR; ; ;1
1;C0009;HO;Siège;1 rue Ailleurs; ; ;33000;Bordeaux; ;FR; ; ;2
"""

# --- Oracle EBS: SQL*Plus / concurrent-program CSV, DD-MON-YYYY ---------------------------
HZ_PARTIES = """\
PARTY_ID,PARTY_NUMBER,PARTY_NAME,PARTY_TYPE,STATUS,JGZZ_FISCAL_CODE,TAX_REFERENCE,ADDRESS1,ADDRESS2,CITY,POSTAL_CODE,COUNTRY,EMAIL_ADDRESS,CREATION_DATE,LAST_UPDATE_DATE
2040,P-2040,ACME SAS,ORGANIZATION,A,73282932000074,FR44732829320,12 rue de la Paix,,Paris,75002,FR,,10-JAN-2025,02-MAR-2026
2041,P-2041,Beta SARL,ORGANIZATION,A,404833048,,1 quai Rambaud,,Lyon,69002,FR,,01-FEB-2025,15-JAN-2026
2099,P-2099,Gamma SA,ORGANIZATION,A,,,,,Nantes,44000,FR,,01-MAR-2025,01-MAR-2025
"""
# 1040 has no ACCOUNT_NAME (the party names it); 1041's ACCOUNT_NAME gives way to PARTY_NAME.
HZ_CUST_ACCOUNTS = """\
CUST_ACCOUNT_ID,PARTY_ID,ACCOUNT_NUMBER,ACCOUNT_NAME,STATUS,CUSTOMER_TYPE,CUSTOMER_CLASS_CODE,CREATION_DATE,LAST_UPDATE_DATE
1040,2040,10001,,A,R,KEY,10-JAN-2025,02-MAR-2026
1041,2041,10002,Beta - Lyon,A,R,,01-FEB-2025,15-JAN-2026
"""
# 1040: EUR and USD account-level limits (the company currency wins) and a site-level
# limit (not the account's); 1041: USD only; 1099: no such account.
HZ_CUST_PROFILE_AMTS = """\
CUST_ACCT_PROFILE_AMT_ID,CUST_ACCOUNT_PROFILE_ID,CUST_ACCOUNT_ID,SITE_USE_ID,CURRENCY_CODE,TRX_CREDIT_LIMIT,OVERALL_CREDIT_LIMIT,CREATION_DATE,LAST_UPDATE_DATE
5001,4001,1040,,EUR,,50000,10-JAN-2025,02-MAR-2026
5002,4001,1040,,USD,,90000,10-JAN-2025,02-MAR-2026
5003,4002,1040,7001,EUR,,99999.99,10-JAN-2025,02-MAR-2026
5004,4003,1041,,USD,10000,25000.5,01-FEB-2025,15-JAN-2026
5005,4009,1099,,EUR,,1000,01-MAR-2025,01-MAR-2025
"""
AR_PAYMENT_SCHEDULES_ALL = """\
PAYMENT_SCHEDULE_ID,CUSTOMER_ID,CUSTOMER_TRX_ID,CASH_RECEIPT_ID,CLASS,TRX_NUMBER,TRX_DATE,GL_DATE,DUE_DATE,TERMS_SEQUENCE_NUMBER,AMOUNT_DUE_ORIGINAL,AMOUNT_DUE_REMAINING,INVOICE_CURRENCY_CODE,STATUS,ACTUAL_DATE_CLOSED
300001,1040,500001,,INV,INV-1001,05-JAN-2026,05-JAN-2026,04-FEB-2026,1,12000,12000,EUR,OP,31-DEC-4712
300002,1040,500002,,CM,CM-1001,10-JAN-2026,10-JAN-2026,10-JAN-2026,1,-600,-600,EUR,OP,31-DEC-4712
"""

SAP = {"KNA1.txt": KNA1, "KNB1.txt": KNB1, "KNKK.txt": KNKK, "BSID.txt": BSID}
X3 = {"BPCUSTOMER.csv": BPCUSTOMER, "BPADDRESS.csv": BPADDRESS}
ORACLE = {
    "HZ_PARTIES.csv": HZ_PARTIES,
    "HZ_CUST_ACCOUNTS.csv": HZ_CUST_ACCOUNTS,
    "HZ_CUST_PROFILE_AMTS.csv": HZ_CUST_PROFILE_AMTS,
}
ENCODING = {"sap": "utf-8", "sage_x3": "cp1252", "oracle_ebs": "utf-8"}
WAITING = "no customer yet (kept; joined when the customer is loaded)"
ONE = f"1 row names {WAITING}"
NONE_LOADED = "deletions not applied: every row of the extract was rejected"


class Erp:
    """One ERP source over a temp inbox; files are dropped run by run."""

    def __init__(self, root: Path, system: str, role: str = "erp", **source: Any) -> None:
        self.system = system
        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True)
        self.settings = Settings(
            data_dir=root / "data",
            as_of="2026-03-01",
            sources=[
                {"name": "erp", "system": system, "role": role, "inbox": self.inbox, **source}
            ],
        )

    def run(self, files: dict[str, str]) -> dict[tuple[str, str | None], tuple[Any, ...]]:
        """Drop the files, ingest, and give this run's (file, object) → status, counts, message."""
        for name, text in files.items():
            (self.inbox / name).write_bytes(text.encode(ENCODING[self.system]))
        result = ingest(self.settings)
        assert result.ok, [o.message for o in result.refused]
        out = {}
        for o in result.outcomes:
            if o.status == "skipped":
                continue
            assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
            out[(o.file, o.object)] = (
                o.status,
                o.rows_read,
                o.rows_loaded,
                o.rows_rejected,
                o.rows_skipped,
                o.message,
            )
        con = self.staging()
        try:
            # meta.ingest_run says the same as the outcomes, rows accounted for.
            recorded = con.execute(
                "select file, object, rows_read, rows_loaded, rows_rejected, rows_skipped "
                "from meta.ingest_run where run_id = ? and status = 'loaded'",
                [result.run_id],
            ).fetchall()
        finally:
            con.close()
        assert {(f, o): (r, lo, re, s) for f, o, r, lo, re, s in recorded} == {
            k: v[1:5] for k, v in out.items()
        }
        return out

    def staging(self) -> duckdb.DuckDBPyConnection:
        return connect(self.settings.staging_db, read_only=True)

    def customers(self, columns: str) -> list[tuple[Any, ...]]:
        con = self.staging()
        try:
            return con.execute(
                f"select {columns} from staging.customer where source = 'erp' order by source_id"
            ).fetchall()
        finally:
            con.close()


SAP_COLUMNS = (
    "source_id, name, street, postcode, city, payment_terms_days, credit_limit_amount, currency"
)
SAP_JOINED = [
    ("0000100234", "ACME SAS", "12 rue de la Paix", "75002", "Paris", 30, Decimal("75000.00"), "EUR"),
    ("0000100235", "Boulangerie Martin", "3 place du Marché", "69002", "Lyon", 45, Decimal("12345.67"), "EUR"),
    ("0000100236", "Cartonnerie Durand", "8 rue des Forges", "42000", "Saint-Étienne", None, None, "EUR"),
]  # fmt: skip


def test_sap_tables_in_one_run(tmp_path: Path) -> None:
    erp = Erp(tmp_path, "sap")
    runs = erp.run(SAP)
    assert runs == {
        ("KNA1.txt", "customer"): ("loaded", 3, 3, 0, 0, None),
        ("KNB1.txt", "customer_company"): ("loaded", 4, 4, 0, 0, ONE),
        ("KNKK.txt", "customer_credit"): ("loaded", 3, 3, 0, 0, None),
        # BSID already worked stand-alone: open items by KUNNR
        ("BSID.txt", "receivable_item"): ("loaded", 3, 3, 0, 0, None),
        # its incoming-payment lines (DZ) are payments: none here (an extract with no row
        # of the object deletes nothing)
        ("BSID.txt", "payment"): ("loaded", 3, 0, 0, 3, NONE_LOADED),
    }
    # Shortest terms of the company codes (FR01 NT30 before DE01 NT60), largest limit of
    # the credit control areas (2000: 75 000,00 over 1000: 50 000,00).
    assert erp.customers(SAP_COLUMNS) == SAP_JOINED
    con = erp.staging()
    try:
        # The part whose customer is unknown is kept, not dropped.
        assert con.execute(
            "select source_id, customer_source_id, company_code, account, payment_terms_days "
            "from staging.customer_company order by source_id"
        ).fetchall() == [
            ("0000100234/DE01", "0000100234", "DE01", "0000140000", 60),
            ("0000100234/FR01", "0000100234", "FR01", "0000411000", 30),
            ("0000100235/FR01", "0000100235", "FR01", "0000411000", 45),
            ("0000100299/FR01", "0000100299", "FR01", "0000411000", 30),
        ]
    finally:
        con.close()


@pytest.mark.parametrize("parts_first", [True, False])
def test_sap_tables_across_two_runs_in_either_order(tmp_path: Path, parts_first: bool) -> None:
    erp = Erp(tmp_path, "sap")
    parts = {"KNB1.txt": KNB1, "KNKK.txt": KNKK}
    first, second = (parts, {"KNA1.txt": KNA1}) if parts_first else ({"KNA1.txt": KNA1}, parts)
    one = erp.run(first)
    if not parts_first:
        assert erp.customers("payment_terms_days, credit_limit_amount") == [(None, None)] * 3
    two = erp.run(second)
    if parts_first:
        # Nothing to join yet: every part row waits for its customer, kept.
        assert one == {
            ("KNB1.txt", "customer_company"): ("loaded", 4, 4, 0, 0, f"4 rows name {WAITING}"),
            ("KNKK.txt", "customer_credit"): ("loaded", 3, 3, 0, 0, f"3 rows name {WAITING}"),
        }
        assert two == {("KNA1.txt", "customer"): ("loaded", 3, 3, 0, 0, None)}
    else:
        assert one == {("KNA1.txt", "customer"): ("loaded", 3, 3, 0, 0, None)}
        assert two == {
            ("KNB1.txt", "customer_company"): ("loaded", 4, 4, 0, 0, ONE),
            ("KNKK.txt", "customer_credit"): ("loaded", 3, 3, 0, 0, None),
        }
    assert erp.customers(SAP_COLUMNS) == SAP_JOINED
    # KNA1 sent again (changed): its rows are replaced and joined again.
    erp.run({"KNA1.txt": KNA1.replace("ACME SAS", "ACME SAS Paris")})
    assert erp.customers(SAP_COLUMNS)[0] == (
        "0000100234", "ACME SAS Paris", "12 rue de la Paix", "75002", "Paris", 30,
        Decimal("75000.00"), "EUR",
    )  # fmt: skip


def test_sap_configured_company_code_and_credit_area(tmp_path: Path) -> None:
    erp = Erp(tmp_path, "sap", company_code="DE01", credit_area="1000")
    erp.run(SAP)
    assert erp.customers("source_id, payment_terms_days, credit_limit_amount") == [
        ("0000100234", 60, Decimal("50000.00")),
        # no DE01 row: the company code's terms are unknown, not another company's
        ("0000100235", None, Decimal("12345.67")),
        ("0000100236", None, None),
    ]


X3_COLUMNS = (
    "source_id, name, street, postcode, city, country, phone, email, payment_terms_days, "
    "credit_limit_amount, currency"
)
X3_JOINED = [
    ("C0001", "ACME SAS", "12 rue de la Paix Bât. B", "75002", "Paris", "FR", "+33142000000",
     "compta@acme.fr", 30, Decimal("50000.00"), "EUR"),
    ("C0002", "Société Générale d'Études", "5 place Bellecour", "69002", "Lyon", "FR", None,
     None, 60, Decimal("12345.67"), "EUR"),
]  # fmt: skip


@pytest.mark.parametrize(
    "runs",
    [
        [{**X3}],
        [{"BPADDRESS.csv": BPADDRESS}, {"BPCUSTOMER.csv": BPCUSTOMER}],
        [{"BPCUSTOMER.csv": BPCUSTOMER}, {"BPADDRESS.csv": BPADDRESS}],
    ],
    ids=["one-run", "addresses-first", "customers-first"],
)
def test_sage_x3_customer_and_addresses(tmp_path: Path, runs: list[dict[str, str]]) -> None:
    erp = Erp(tmp_path, "sage_x3")
    seen: dict[tuple[str, str | None], tuple[Any, ...]] = {}
    for files in runs:
        seen |= erp.run(files)
    assert seen[("BPCUSTOMER.csv", "customer")] == ("loaded", 2, 2, 0, 0, None)
    # C0009's address waits; before BPCUSTOMER, every address does.
    waiting = f"5 rows name {WAITING}" if runs[0].keys() == {"BPADDRESS.csv"} else ONE
    assert seen[("BPADDRESS.csv", "customer_address")] == ("loaded", 5, 5, 0, 0, waiting)
    assert erp.customers(X3_COLUMNS) == X3_JOINED


ORACLE_COLUMNS = (
    "source_id, customer_code, name, siren, vat_number, street, postcode, city, "
    "credit_limit_amount, currency"
)
ORACLE_JOINED = [
    ("1040", "10001", "ACME SAS", "732829320", "FR44732829320", "12 rue de la Paix", "75002",
     "Paris", Decimal("50000.00"), "EUR"),
    ("1041", "10002", "Beta SARL", "404833048", None, "1 quai Rambaud", "69002", "Lyon",
     Decimal("25000.50"), "USD"),
]  # fmt: skip


def test_oracle_tca_tables_in_one_run(tmp_path: Path) -> None:
    erp = Erp(tmp_path, "oracle_ebs")
    assert erp.run(ORACLE) == {
        ("HZ_CUST_ACCOUNTS.csv", "customer"): ("loaded", 2, 2, 0, 0, None),
        ("HZ_PARTIES.csv", "customer_party"): ("loaded", 3, 3, 0, 0, ONE),
        ("HZ_CUST_PROFILE_AMTS.csv", "customer_credit"): ("loaded", 5, 5, 0, 0, ONE),
    }
    assert erp.customers(ORACLE_COLUMNS) == ORACLE_JOINED


@pytest.mark.parametrize("accounts_first", [True, False])
def test_oracle_tca_tables_across_two_runs(tmp_path: Path, accounts_first: bool) -> None:
    erp = Erp(tmp_path, "oracle_ebs")
    accounts = {"HZ_CUST_ACCOUNTS.csv": HZ_CUST_ACCOUNTS}
    parts = {"HZ_PARTIES.csv": HZ_PARTIES, "HZ_CUST_PROFILE_AMTS.csv": HZ_CUST_PROFILE_AMTS}
    if accounts_first:
        one = erp.run(accounts)
        # Loaded before their party: kept, named by ACCOUNT_NAME until the party comes.
        assert one == {
            ("HZ_CUST_ACCOUNTS.csv", "customer"): (
                "loaded", 2, 2, 0, 0,
                "1 account has no name yet (its HZ_PARTIES row is not loaded)",
            )
        }  # fmt: skip
        assert erp.customers("name, credit_limit_amount") == [(None, None), ("Beta - Lyon", None)]
        erp.run(parts)
    else:
        one = erp.run(parts)
        assert one == {
            ("HZ_PARTIES.csv", "customer_party"): ("loaded", 3, 3, 0, 0, f"3 rows name {WAITING}"),
            ("HZ_CUST_PROFILE_AMTS.csv", "customer_credit"): (
                "loaded", 5, 5, 0, 0, f"5 rows name {WAITING}",
            ),
        }  # fmt: skip
        assert erp.run(accounts) == {
            ("HZ_CUST_ACCOUNTS.csv", "customer"): ("loaded", 2, 2, 0, 0, None)
        }
    assert erp.customers(ORACLE_COLUMNS) == ORACLE_JOINED


def _mart(settings: Settings, columns: str) -> list[tuple[Any, ...]]:
    assert build(settings).published
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None
    con = connect(path, read_only=True)
    try:
        return con.execute(
            f"select {columns} from mart.customer_360 order by customer_code"
        ).fetchall()
    finally:
        con.close()


def test_sap_tables_through_a_build(tmp_path: Path) -> None:
    # BSID open items are the balances (an accounting source, HKONT 0000411000 read as the
    # receivable account 411000); KNKK gives the limit.
    erp = Erp(tmp_path, "sap", role="accounting")
    erp.run({"KNKK.txt": KNKK, "BSID.txt": BSID})
    erp.run({"KNA1.txt": KNA1, "KNB1.txt": KNB1})
    assert _mart(
        erp.settings,
        "customer_code, name, payment_terms_days, credit_limit_amount, currency, "
        "outstanding_amount, credit_utilisation",
    ) == [
        # 12 000,00 − 1 234,56 = 10 765,44 of 75 000,00
        ("0000100234", "ACME SAS", 30, Decimal("75000.00"), "EUR", Decimal("10765.44"),
         Decimal("0.1435")),
        # 3 000,00 of 12 345,67
        ("0000100235", "Boulangerie Martin", 45, Decimal("12345.67"), "EUR", Decimal("3000.00"),
         Decimal("0.2430")),
        ("0000100236", "Cartonnerie Durand", None, None, "EUR", Decimal("0.00"), None),
    ]  # fmt: skip


def test_oracle_tables_through_a_build(tmp_path: Path) -> None:
    erp = Erp(tmp_path, "oracle_ebs", role="accounting")
    erp.run({"HZ_CUST_PROFILE_AMTS.csv": HZ_CUST_PROFILE_AMTS, "HZ_PARTIES.csv": HZ_PARTIES})
    erp.run(
        {
            "HZ_CUST_ACCOUNTS.csv": HZ_CUST_ACCOUNTS,
            "AR_PAYMENT_SCHEDULES_ALL.csv": AR_PAYMENT_SCHEDULES_ALL,
        }
    )
    assert _mart(
        erp.settings,
        "customer_code, name, credit_limit_amount, currency, outstanding_amount, "
        "credit_utilisation",
    ) == [
        # 12 000 − 600 = 11 400 open of 50 000 (EUR; the USD and site limits are not it)
        ("10001", "ACME SAS", Decimal("50000.00"), "EUR", Decimal("11400.00"), Decimal("0.2280")),
        ("10002", "Beta SARL", Decimal("25000.50"), "USD", Decimal("0.00"), Decimal("0.0000")),
    ]


def test_sap_part_rows_gone_from_a_full_extract(tmp_path: Path) -> None:
    erp = Erp(tmp_path, "sap")
    erp.run(SAP)
    # The next full KNB1 has lost 100234/FR01, the next KNKK every area of 100234.
    knb1 = "".join(line for line in KNB1.splitlines(True) if "\t0000100234\tFR01" not in line)
    knkk = "".join(line for line in KNKK.splitlines(True) if "0000100234" not in line)
    runs = erp.run({"KNB1.txt": knb1, "KNKK.txt": knkk})
    assert runs == {
        ("KNB1.txt", "customer_company"): ("loaded", 3, 3, 0, 0, ONE),
        ("KNKK.txt", "customer_credit"): ("loaded", 1, 1, 0, 0, None),
    }
    # The remaining company code gives the terms; no live limit is no limit, not the old one.
    assert erp.customers("source_id, payment_terms_days, credit_limit_amount") == [
        ("0000100234", 60, None),
        ("0000100235", 45, Decimal("12345.67")),
        ("0000100236", None, None),
    ]
