"""Writes the bad-input corpus of tests/data/bad/ (run once, from the repository root:
`PYTHONPATH=. python tests/data/bad/make_corpus.py`; the files are committed).

Each file is written as exact bytes, so encodings, BOMs, separators and truncations are
what the name says. expected.toml beside them says what the pipeline must do with each.
Spreadsheet and Parquet cases are built by the test itself (see test_ingest_bad_corpus).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from demo_company.writers.fec import FEC_HEADER

HERE = Path(__file__).parent

HS_CO = '"Record ID","Company name","Company owner","Create Date","Phone Number","City","Country/Region","Industry","SIRET","Numéro de TVA"'
HS_DEAL = '"Record ID","Deal Name","Deal Stage","Amount","Close Date","Create Date","Associated Company IDs"'
HS_CONTACT = '"Record ID","First Name","Last Name","Email","Phone Number","Contact owner","Primary Associated Company ID","Create Date"'
FEC_COLS = list(FEC_HEADER)
ODOO_PARTNER = "id,name,ref,vat,company_registry,email,phone,zip,city,country_id,customer_rank,credit_limit,create_date,write_date"
ODOO_MOVE = "id,name,move_type,partner_id,state,invoice_date,invoice_date_due,amount_untaxed,amount_total,amount_residual,currency_id"


def w(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def lines(*rows: str, end: str = "\n") -> str:
    return end.join(rows) + end


def fec(rows: list[list[str]], sep: str = "\t", cols: list[str] = FEC_COLS, trail: str = "") -> str:
    return lines(*(sep.join(r) + trail for r in [cols, *rows]))


def fec_rows() -> list[list[str]]:
    # One FEC line a row: JournalCode … Idevise, as FEC_COLS.
    # fmt: off
    return [
        ["VE", "Ventes", "1", "20261002", "41100000", "Clients", "C001", "ACME SARL", "F001", "20261002", "Facture F001", "120,00", "0,00", "", "", "20261002", "", ""],
        ["VE", "Ventes", "1", "20261002", "70600000", "Ventes", "", "", "F001", "20261002", "Facture F001", "0,00", "100,00", "", "", "20261002", "", ""],
        ["VE", "Ventes", "1", "20261002", "44571000", "TVA", "", "", "F001", "20261002", "Facture F001", "0,00", "20,00", "", "", "20261002", "", ""],
        ["BQ", "Banque", "2", "20261015", "41100000", "Clients", "C001", "ACME SARL", "VIR1", "20261015", "Reglement", "0,00", "120,00", "AA", "20261015", "20261015", "", ""],
        ["BQ", "Banque", "2", "20261015", "51200000", "Banque", "", "", "VIR1", "20261015", "Reglement", "120,00", "0,00", "", "", "20261015", "", ""],
    ]
    # fmt: on


def hubspot() -> None:
    w(
        "hs_companies_cp1252.csv",
        lines(
            HS_CO,
            '"1","Société Générale","Zoé","2026-01-05 10:00","","Orléans","France","Banque","",""',
            '"2","Crédit Agricole","Zoé","2026-01-05 10:00","","Évry","France","Banque","",""',
            end="\r\n",
        ),
        "cp1252",
    )
    garbage = "Record ID\tCompany name\r\n1\tACME\r\n".encode("utf-16-le") + bytes(
        [0x81, 0x8D, 0xC3, 0x28, 0xFF, 0xFE, 0x90, 0x00]
    )
    w("hs_utf16_nobom_garbage.csv", garbage)
    w(
        "hs_companies_utf8_bom.csv",
        codecs.BOM_UTF8
        + lines(
            HS_CO, '"10","Bœuf & Cie","Ann","2026-02-01 09:30","","Lyon","FR","Food","",""'
        ).encode(),
    )
    tab_rows = [
        HS_CO.replace('","', '"\t"'),
        '"20"\t"Müller GmbH"\t"Ann"\t"2026-02-01 09:30"\t""\t"Köln"\t"Germany"\t"Industry"\t""\t""',
        '"21"\t"Çelik"\t"Ann"\t"2026-02-01 09:30"\t""\t"Paris"\t"France"\t"Industry"\t""\t""',
    ]
    w(
        "hs_companies_utf16_bom_tab.csv",
        codecs.BOM_UTF16_LE + lines(*tab_rows, end="\r\n").encode("utf-16-le"),
    )
    w(
        "hs_deals_semicolon_decimal_comma.csv",
        lines(
            HS_DEAL.replace(",", ";"),
            '"100";"Deal A";"closedwon";"1 234,56";"2026-03-31";"2026-01-02 08:00";"1"',
            '"101";"Deal B";"appointmentscheduled";"99,5";"2026-04-30";"2026-01-02 08:00";"1"',
        ),
        "cp1252",
    )
    w(
        "hs_deals_nbsp_thousands.csv",
        lines(
            HS_DEAL,
            '"110","Deal NBSP","closedwon","12\u00a0345,67","2026-03-31","2026-01-02 08:00","1"',
            '"111","Deal NNBSP","closedwon","1\u202f000\u202f000,00","2026-03-31","2026-01-02 08:00","1"',
        ),
    )
    w(
        "hs_deals_bad_dates.csv",
        lines(
            HS_DEAL,
            '"120","Ok","closedwon","10","2026-03-31","2026-01-02 08:00","1"',
            '"121","Feb 31","closedwon","10","31/02/2026","2026-01-02 08:00","1"',
            '"122","Month 13","closedwon","10","2026-13-01","2026-01-02 08:00","1"',
            '"123","Words","closedwon","10","next week","2026-01-02 08:00","1"',
        ),
    )
    w(
        "hs_companies_truncated_quoted.csv",
        lines(HS_CO, '"30","Alpha","Ann","2026-01-05 10:00","","Lyon","FR","X","",""').encode()
        + b'"31","Beta SA","Ann","2026-01-05 1',
    )
    w(
        "hs_companies_truncated_unquoted.csv",
        lines("Record ID,Company name,City,Industry", "40,Alpha,Lyon,X", "41,Beta,Paris,Y").encode()
        + b"42,Gam",
    )
    w("hs_companies_unknown_header.csv", lines("Customer,Label,Town", "1,ACME,Lyon"))
    w("hs_empty.csv", b"")
    w("hs_companies_header_only.csv", lines(HS_CO))
    w(
        "hs_companies_duplicate_id.csv",
        lines(
            HS_CO,
            '"50","First","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"51","Other","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"50","First again","Ann","2026-01-05 10:00","","Nice","FR","X","",""',
        ),
    )
    same = '"60","Same","Ann","2026-01-05 10:00","","Lyon","FR","X","",""'
    w(
        "hs_companies_identical_lines.csv",
        lines(HS_CO, same, same, '"61","Next","Ann","2026-01-05 10:00","","Lyon","FR","X","",""'),
    )
    w(
        "hs_companies_siret_checks.csv",
        lines(
            HS_CO,
            '"70","Bad SIRET","Ann","","","Lyon","FR","X","73282932000075",""',
            '"71","Spaced SIRET","Ann","","","Lyon","FR","X","732 829 320 00074",""',
            '"72","La Poste","Ann","","","Paris","FR","X","35600000049837",""',
            '"73","Bad VAT","Ann","","","Paris","FR","X","","FR00732829320"',
            '"74","Good VAT","Ann","","","Paris","FR","X","","FR 44 732 829 320"',
        ),
    )
    w(
        "hs_contacts_phones_emails.csv",
        lines(
            HS_CONTACT,
            '"80","Jean","Dupont","jean.dupont@acme.fr","01 23 45 67 89","Ann","1","2026-01-05 10:00"',
            '"81","Marie","Curie","marie.curie@","+33 6 12 34 56 78","Ann","1","2026-01-05 10:00"',
            '"82","Paul","Martin","paul at example.com","0033 4 72 00 00 00","Ann","1","2026-01-05 10:00"',
            '"83","Lea","Noel","","pas de tel","Ann","1","2026-01-05 10:00"',
        ),
    )
    w(
        "hs_companies_formula_injection.csv",
        lines(
            HS_CO,
            '"90","=HYPERLINK(""http://evil.example/x"",""Click"")","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"91","+cmd|\' /C calc\'!A0","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"92","@SUM(1+1)","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"93","-2+3","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"94","=1+1","Ann","=NOW()","","Lyon","FR","X","",""',
        ),
    )
    w(
        "hs_companies_multiline.csv",
        lines(
            HS_CO,
            '"95","Multi\nLine SA","Ann","2026-01-05 10:00","","Lyon","FR","Note: a\nb\nc","",""',
            '"96","After","Ann","not a date","","Lyon","FR","X","",""',
            '"97","Last","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
        ),
    )
    w(
        "hs_companies_parser_rejects.csv",
        lines(
            HS_CO,
            '"150","One","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"151","Bad"quote","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"152","Two","Ann","2026-01-05 10:00","","Lyon","FR","X","","","extra"',
            '"153","Three","Ann","2026-01-05 10:00","","Lyon","FR","X","",""',
            '"154","Four","Ann","bad date","","Lyon","FR","X","",""',
        ),
    )
    w(
        "hs_contacts_repeated_headers.csv",
        lines(
            '"Record ID","First Name","Last Name","Email","Billing Contact","Billing Contact","Date entered ""Customer (Lifecycle Stage Pipeline)"""',
            '"160","Ada","Lovelace","ada@example.org","x","y","2026-01-01 10:00"',
        ),
    )
    hs_api: list[dict[str, Any]] = [
        {
            "hs_object_id": "512",
            "name": "API Corp",
            "domain": "api.example",
            "phone": "+33 1 23 45 67 89",
            "createdate": "2019-10-30T03:30:17.883Z",
            "hs_lastmodifieddate": "2026-11-01T10:00:00Z",
            "lifecyclestage": "customer",
        },
        {
            "hs_object_id": "513",
            "name": "Prospect SAS",
            "domain": "prospect.example",
            "phone": None,
            "createdate": "2020-01-01T00:00:00Z",
            "hs_lastmodifieddate": "not-a-date",
            "lifecyclestage": "lead",
        },
    ]
    # One tool wrote UTF-8 rows, another appended a cp1252 row: refused, never mojibake.
    w(
        "hs_companies_mixed_encodings.csv",
        lines(
            '"Record ID","Company name","City"',
            '"1","Société Générale","Lyon"',
        ).encode()
        + '"2","Crédit Agricole","Paris"\n'.encode("cp1252"),
    )
    w("hs_companies_api.json", json.dumps(hs_api, indent=1))
    w(
        "hs_companies_api.ndjson",
        "\n".join(
            json.dumps({**r, "hs_object_id": str(int(r["hs_object_id"]) + 100)}) for r in hs_api
        )
        + "\n",
    )


def generic() -> None:
    w(
        "gen_receivables_trailing_minus.csv",
        lines(
            "source_id;customer_source_id;amount;posting_date;kind",
            "R1;C1;1 234,56-;2026-10-01;credit_note",
            "R2;C1;500,00;2026-10-02;invoice",
            "R3;C1;12,5x;2026-10-02;invoice",
        ),
    )
    w(
        "gen_invoices_unknown_currency.csv",
        lines(
            "invoice_id,customer_id,kind,amount_incl_tax,currency,issue_date,status",
            "I1,C1,invoice,100.00,EUR,2026-10-01,posted",
            "I2,C1,invoice,100.00,XYZ,2026-10-01,posted",
            "I3,C1,invoice,100.00,EURO,2026-10-01,posted",
        ),
    )
    w(
        "gen_invoices_unknown_status.csv",
        lines(
            "invoice_id,customer_id,kind,amount_incl_tax,currency,issue_date,status",
            "I10,C1,invoice,100.00,EUR,2026-10-01,posted",
            "I11,C1,invoice,100.00,EUR,2026-10-01,half-paid",
            "I12,C1,quote,100.00,EUR,2026-10-01,posted",
        ),
    )
    w(
        "gen_order_lines_negative_qty.csv",
        lines(
            "source_id,order_source_id,line_number,product_code,quantity,unit_price",
            "L1,O1,1,P1,3,10.00",
            "L2,O1,2,P2,-3,10.00",
            "L3,O1,3,P3,2-,10.00",
        ),
    )
    w(
        "gen_customers_dates.csv",
        lines(
            "customer_id,name,created_at,payment_terms_days,credit_limit_amount",
            "C1,Alpha,31/02/2026,30,1000",
            "C2,Beta,2026-13-01,30,1000",
            'C3,Gamma,15/03/2026,abc,"1 000,50"',
            "C4,Delta,2026-03-15,-30,1000",
        ),
    )
    w("gen_customers_missing_name.csv", lines("customer_id,name", "C1,Alpha", "C2,", "C3,false"))


def odoo() -> None:
    w(
        "odoo_partners_false_values.csv",
        lines(
            ODOO_PARTNER,
            "101,ACME SAS,C101,false,false,false,false,69001,Lyon,France,1,false,2026-01-01 10:00:00,false",
            "102,Beta SARL,,,,,,,,,,,,",
            "103,Gamma,C103,FR44732829320,73282932000074,contact@gamma.fr,+33 4 72 00 00 00,75001,Paris,FR,2,5000.0,2026-01-01 10:00:00,2026-06-01 10:00:00",
        ),
    )
    w(
        "odoo_moves_missing_required.csv",
        lines("id,name,move_type,amount_residual,state", "1,INV/2026/0001,out_invoice,10.0,posted"),
    )
    w(
        "odoo_moves_filtered.csv",
        lines(
            ODOO_MOVE,
            "1,INV/2026/0001,out_invoice,7,posted,2026-10-01,false,100.0,120.0,120.0,EUR",
            "2,BILL/2026/0001,in_invoice,9,posted,2026-10-01,2026-10-31,50.0,60.0,60.0,EUR",
            "3,RINV/2026/0001,out_refund,7,posted,2026-10-05,,10.0,12.0,0.0,EUR",
            "4,INV/2026/0002,out_invoice,7,unknown_state,2026-10-01,2026-10-31,1.0,1.2,1.2,EUR",
        ),
    )
    w(
        "odoo_orders_bad_state.csv",
        lines(
            "id,name,date_order,state,partner_id,amount_untaxed,amount_total,currency_id",
            "1,S00001,2026-10-01 10:00:00,sale,7,100.0,120.0,EUR",
            "2,S00002,2026-10-01 10:00:00,shipped_partially,7,100.0,120.0,EUR",
            "3,S00003,false,draft,7,false,false,false",
        ),
    )


def fec_files() -> None:
    rows = fec_rows()
    padded = [
        [r[0].ljust(4)]
        + r[1:11]
        + [
            v.replace(",", "").rjust(11, "0")[:-2] + "," + v.replace(",", "")[-2:] if v else v
            for v in r[11:13]
        ]
        + r[13:]
        for r in rows
    ]
    w("123456789FEC20261231_pipe_trailing.txt", fec(padded, "|", trail="|"))
    ms_cols = FEC_COLS[:11] + ["Montant", "Sens"] + FEC_COLS[13:]
    ms_rows = []
    for r in rows:
        debit, credit = r[11], r[12]
        amount, sens = (debit, "D") if debit != "0,00" else (credit, "C")
        ms_rows.append(r[:11] + [amount, sens] + r[13:])
    w("123456789FEC20261231_montant_sens.txt", fec(ms_rows, "\t", ms_cols))
    typo_cols = [
        ("EcrtureLet" if c == "EcritureLet" else "MontantDevise" if c == "Montantdevise" else c)
        for c in FEC_COLS
    ]
    w("123456789FEC20261231_typos.txt", fec(rows, "\t", typo_cols))
    euro = [r[:] for r in rows]
    euro[0][7] = "CAFÉ € SARL"
    euro[3][7] = "CAFÉ € SARL"
    w("123456789FEC20261231_iso8859_15.txt", fec(euro), "iso-8859-15")
    bad = [r[:] for r in rows]
    bad[0][11] = "12x"
    bad[3][3] = "20261301"
    w("123456789FEC20261231_bad_values.txt", fec(bad))
    w("123456789FEC20261231_cut_midline.txt", fec(rows).encode()[:-40])


if __name__ == "__main__":
    hubspot()
    generic()
    odoo()
    fec_files()
