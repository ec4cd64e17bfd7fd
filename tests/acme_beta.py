"""ACME SAS and Beta SARL, the two customers several hand-made builds start from, in the
shapes their systems export: HubSpot companies and contacts (quoted CSV), Odoo partners,
and Gamma SA, a customer only SAP knows (an SE16N KNA1 download, tab-separated).

Imported by bare name (`from acme_beta import PARTNERS`), like tests/hand_made.py.
"""

from __future__ import annotations

from hand_made import quoted_csv

COMPANIES = quoted_csv(
    ("Record ID", "Company name", "City", "Postal Code", "Lifecycle Stage", "Code client ERP"),
    ("501", "ACME SAS", "Lyon", "69001", "customer", "C101"),
    ("502", "Beta SARL", "Paris", "75002", "customer", "C102"),
)
CONTACTS = quoted_csv(
    ("Record ID", "First Name", "Last Name", "Email", "Primary Associated Company ID"),
    ("601", "Marie", "Durand", "marie.durand@acme.fr", "501"),
)
PARTNERS = """id,name,ref,vat,zip,city,customer_rank,property_payment_term_id
101,ACME SAS,C101,false,69001,Lyon,1,30 Days
102,Beta SARL,C102,false,75002,Paris,1,30 Days
"""
KNA1 = (
    "MANDT\tKUNNR\tNAME1\tNAME2\tSTRAS\tPSTLZ\tORT01\tLAND1\tSTCD2\tLOEVM\tZTERM\n"
    "100\t0000100300\tGAMMA SA\t\tRue du Lac 4\t74000\tAnnecy\tFR\t\t\tNT30\n"
)
# The association columns that end every HubSpot activity export (calls, meetings, tasks).
ACTIVITY = ("Associated Contact IDs", "Associated Company IDs")
