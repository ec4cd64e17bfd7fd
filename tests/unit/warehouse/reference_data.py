"""The reference staging dataset: each block of rows exercises one rule of the build."""

from __future__ import annotations

from datetime import date

import duckdb
from warehouse_fixtures import (
    SIREN_ACME,
    SIREN_ALPHA_1,
    SIREN_ALPHA_2,
    SIREN_BETA,
    SIREN_GAMMA,
    french_vat,
    insert,
    siret,
)


# One staging row a line: the rows read as the table they are.
# fmt: off
def seed(con: duckdb.DuckDBPyConnection) -> None:
    """The reference dataset: each block exercises one rule (see test names)."""
    c = "customer"
    # 1. xref: CRM holds the ERP code; the FEC auxiliary account is the ERP code too.
    insert(con, c, source="erp", source_id="E1", customer_code="CUST001", name="ACME SAS", siret=siret(SIREN_ACME), street="1 rue de la Paix", postcode="75002", city="Paris", country="FR", payment_terms_days=30, credit_limit_amount=1000, currency="EUR", phone="+33140000001", segment="ERP-SEG")
    insert(con, c, source="crm", source_id="H1", customer_code="CUST001", name="Acme", street="3 avenue Foch", postcode="75002", city="Paris", segment="PME", owner="alice", lifecycle_stage="customer", is_customer=True, phone="+33140000001")
    insert(con, c, source="compta", source_id="CUST001", customer_code="CUST001", name="ACME")
    # 2. legal_id from a SIRET and a SIREN.
    insert(con, c, source="erp", source_id="E2", customer_code="CUST002", name="Beta Industrie", siret=siret(SIREN_BETA), postcode="13001", city="Marseille", payment_terms_days=60)
    insert(con, c, source="crm", source_id="H2", name="Beta Indus.", siren=SIREN_BETA, postcode="13001", owner="bob", is_customer=True)
    # 3. legal_id from a French VAT number.
    insert(con, c, source="erp", source_id="E3", customer_code="CUST003", name="Gamma", siren=SIREN_GAMMA, city="Lille")
    insert(con, c, source="crm", source_id="H3", name="Gamma Services", vat_number=french_vat(SIREN_GAMMA), owner="bob", is_customer=True)
    # 4. contact: company e-mail domain + postcode; free-mail domains never link.
    insert(con, c, source="erp", source_id="E4", customer_code="CUST004", name="Durand Metal", email="compta@durand-metal.fr", postcode="69003", city="Lyon")
    insert(con, c, source="crm", source_id="H4", name="DM Industrie", email="jean@durand-metal.fr", postcode="69003", is_customer=True)
    insert(con, c, source="erp", source_id="E5", customer_code="CUST005", name="Boulangerie Martin", email="x@gmail.com", postcode="69008")
    insert(con, c, source="crm", source_id="H5", name="Garage Petit", email="y@gmail.com", postcode="69008", is_customer=False)
    # 5. contact: same E.164 phone.
    insert(con, c, source="erp", source_id="E6", customer_code="CUST006", name="Omega SA", phone="+33145678901", postcode="92100")
    insert(con, c, source="crm", source_id="H6", name="Groupe O.", phone="+33145678901")
    # 6. fuzzy auto-merge inside a postcode block.
    insert(con, c, source="erp", source_id="E7", customer_code="CUST007", name="Établissements Lefèvre & Fils SARL", postcode="33000", city="Bordeaux")
    insert(con, c, source="crm", source_id="H7", name="LEFEVRE & FILS", postcode="33000", city="Bordeaux", is_customer=True)
    # 7. fuzzy review band: queued, not merged.
    insert(con, c, source="erp", source_id="E8", customer_code="CUST008", name="Martin Bati", postcode="44000", city="Nantes")
    insert(con, c, source="crm", source_id="H8", name="Martin Bâtiment", postcode="44000", is_customer=True)
    # 8. identical names, same phone, two different valid SIRENs: never merged.
    insert(con, c, source="erp", source_id="E9", customer_code="CUST009", name="Alpha Conseil", siren=SIREN_ALPHA_1, postcode="35000", phone="+33299000000")
    insert(con, c, source="crm", source_id="H9", name="Alpha Conseil", siren=SIREN_ALPHA_2, postcode="35000", phone="+33299000000", is_customer=True)
    # 9. accounting-only customer (general account per customer), default terms apply.
    insert(con, c, source="compta", source_id="411ZED", name="ZED")
    # 10. deleted at source, invalid legal id.
    insert(con, c, source="crm", source_id="H99", name="Gone", is_deleted=True)
    insert(con, c, source="crm", source_id="H98", name="Bad Ids", siren="123456789", postcode="06000")
    seed_money(con)


def seed_money(con: duckdb.DuckDBPyConnection) -> None:
    inv = "invoice"
    # ERP-based balance for Beta (no ledger lines): 1200 + 500 − 200 = 1500.00.
    insert(con, inv, source="erp", source_id="I1", customer_source_id="E2", invoice_number="INV-1", kind="invoice", status="posted", issue_date=date(2026, 9, 1), due_date=date(2026, 10, 1), amount_excl_tax=1000, amount_incl_tax=1200, amount_open=1200)
    insert(con, inv, source="erp", source_id="I2", customer_source_id="E2", invoice_number="INV-2", kind="invoice", status="posted", issue_date=date(2026, 11, 15), due_date=date(2026, 12, 15), amount_excl_tax=500, amount_incl_tax=600, amount_open=500)
    insert(con, inv, source="erp", source_id="I3", customer_source_id="E2", invoice_number="CN-1", kind="credit_note", status="posted", issue_date=date(2026, 11, 20), due_date=date(2026, 11, 20), amount_excl_tax=100, amount_incl_tax=200, amount_open=200)
    insert(con, inv, source="erp", source_id="I4", customer_source_id="E2", invoice_number="INV-4", kind="invoice", status="draft", issue_date=date(2026, 11, 1), amount_open=999)
    insert(con, inv, source="erp", source_id="I5", customer_source_id="E2", invoice_number="INV-5", kind="invoice", status="posted", issue_date=date(2025, 3, 1), due_date=date(2025, 4, 1), amount_excl_tax=2000, amount_incl_tax=2400, amount_open=0)
    # ACME also has an ERP invoice, but its ledger lines are the truth: never both.
    insert(con, inv, source="erp", source_id="I6", customer_source_id="E1", invoice_number="INV-A", kind="invoice", status="posted", issue_date=date(2026, 10, 15), due_date=date(2026, 11, 14), amount_excl_tax=1666.67, amount_incl_tax=2000, amount_open=999.99)
    ri = "receivable_item"
    lines = [
        # source_id, journal, ref, date, amount, lettering
        ("L1", "AN", "AN-2026", date(2026, 1, 1), 300, None),  # opening, open
        ("L2", "VE", "F100", date(2026, 10, 1), 1000, "AA"),  # fully lettered
        ("L3", "BQ", "PAY-1", date(2026, 10, 20), -1000, "AA"),
        ("L4", "VE", "F101", date(2026, 10, 15), 2000, "AB"),  # partially lettered
        ("L5", "BQ", "PAY-2", date(2026, 11, 2), -1500, "AB"),
        ("L6", "VE", "F102", date(2026, 11, 20), 750.50, None),  # open, not due
    ]
    for sid, journal, ref, day, amount, lettering in lines:
        insert(con, ri, source="compta", source_id=sid, customer_source_id="CUST001", account="411000", journal=journal, entry_number=sid, document_ref=ref, document_date=day, posting_date=day, amount=amount, lettering=lettering)
    insert(con, ri, source="compta", source_id="L7", customer_source_id="411ZED", account="411ZED", journal="VE", entry_number="L7", document_ref="F200", document_date=date(2026, 10, 1), posting_date=date(2026, 10, 1), amount=100)
    so = "sales_order"
    insert(con, so, source="erp", source_id="O1", customer_source_id="E1", order_number="SO-1", status="confirmed", order_date=date(2026, 11, 25), amount_excl_tax=400, amount_incl_tax=480)
    insert(con, so, source="erp", source_id="O2", customer_source_id="E1", order_number="SO-2", status="cancelled", order_date=date(2026, 11, 1), amount_excl_tax=50)
    insert(con, "opportunity", source="crm", source_id="D1", customer_source_id="H1", name="Renewal", status="open", amount=10000, probability=0.5, close_date=date(2026, 12, 31))
    insert(con, "opportunity", source="crm", source_id="D2", customer_source_id="H2", name="Won deal", status="won", amount=5000, probability=1, close_date=date(2026, 11, 10))
    insert(con, "opportunity", source="crm", source_id="D3", customer_source_id="H2", name="Lost deal", status="lost", amount=3000, probability=0, close_date=date(2026, 11, 12))
# fmt: on
