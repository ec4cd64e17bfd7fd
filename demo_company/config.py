"""Constants of the demo world: who the reporting company is, who sells, how dirty the data is.

Everything tunable about the generated company lives here so the other modules only
describe mechanics. Rates are fractions of the population they apply to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

REPORTING_NAME = "Atelier Dubois Industrie"
# Luhn-valid (checked in the tests); the FEC file name carries it.
REPORTING_SIREN = "512803479"

DEFAULT_AS_OF = date(2026, 11, 28)
CURRENCY = "EUR"
VAT_RATE = Decimal("0.20")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Salespeople, as HubSpot exports owners (full names) and Odoo shows user_id.
OWNERS: tuple[str, ...] = (
    "Camille Martin",
    "Julien Lefebvre",
    "Sophie Bernard",
    "Thomas Petit",
    "Nadia Haddad",
)

# Demo users the CLI creates; passwords are deliberately simple and documented.
USERS: tuple[dict[str, str | None], ...] = (
    {"username": "admin", "role": "admin", "password": "demo-admin", "owner_name": None},
    {
        "username": "camille",
        "role": "sales",
        "password": "demo-camille",
        "owner_name": "Camille Martin",
    },
    {"username": "finance", "role": "finance", "password": "demo-finance", "owner_name": None},
    {"username": "exec", "role": "executive", "password": "demo-exec", "owner_name": None},
    {"username": "zapier", "role": "integration", "password": "demo-zapier", "owner_name": None},
)

# Odoo payment-term display names and their day counts (the FEC side re-derives due dates).
PAYMENT_TERMS: dict[str, int] = {
    "Immediate Payment": 0,
    "15 Days": 15,
    "30 Days": 30,
    "45 Days": 45,
    "60 Days": 60,
}
PAYMENT_TERM_WEIGHTS = (5, 10, 45, 25, 15)
# Terms of a ledger item whose customer has no known payment terms (no ERP in the demo):
# the documented default of c360's receivables settings.
DEFAULT_TERMS_DAYS = 30

# segment -> (weight, invoices over the history (min, max), invoice HT in euros (min, max))
SEGMENTS: dict[str, tuple[int, tuple[int, int], tuple[int, int]]] = {
    "TPE": (40, (1, 5), (150, 2500)),
    "PME": (35, (2, 10), (600, 9000)),
    "ETI": (18, (4, 18), (2500, 35000)),
    "Grand compte": (7, (8, 35), (8000, 120000)),
}
CREDIT_LIMITS: dict[str, tuple[int, ...]] = {
    "TPE": (0, 2000, 5000),
    "PME": (0, 10000, 15000, 25000, 50000),
    "ETI": (0, 50000, 100000, 150000),
    "Grand compte": (0, 250000, 500000, 1000000),
}

# Activity word -> HubSpot industry label; the company names are built from these.
ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("Menuiserie", "Construction"),
    ("Transports", "Transportation/Trucking/Railroad"),
    ("Boulangerie", "Food & Beverages"),
    ("Garage", "Automotive"),
    ("Imprimerie", "Printing"),
    ("Atelier", "Machinery"),
    ("Laboratoires", "Pharmaceuticals"),
    ("Métallerie", "Mechanical or Industrial Engineering"),
    ("Plomberie", "Construction"),
    ("Électricité", "Electrical/Electronic Manufacturing"),
    ("Fromagerie", "Dairy"),
    ("Brasserie", "Food & Beverages"),
    ("Chaudronnerie", "Industrial Automation"),
    ("Scierie", "Paper & Forest Products"),
    ("Mécanique", "Machinery"),
    ("Plasturgie", "Plastics"),
    ("Logistique", "Logistics and Supply Chain"),
    ("Carrosserie", "Automotive"),
    ("Vignobles", "Wine and Spirits"),
    ("Usinage", "Machinery"),
    ("Fonderie", "Mining & Metals"),
    ("Emballages", "Packaging and Containers"),
    ("Câblerie", "Electrical/Electronic Manufacturing"),
    ("Agroalimentaire", "Food Production"),
)
LEGAL_FORMS = ("SARL", "SAS", "SA", "EURL", "SASU")
LEGAL_FORM_WEIGHTS = (35, 35, 10, 10, 10)
DOTTED_FORMS = {
    "SARL": "S.A.R.L.",
    "SAS": "S.A.S.",
    "SA": "S.A.",
    "EURL": "E.U.R.L.",
    "SASU": "S.A.S.U.",
}

JOB_TITLES = (
    "Directeur général",
    "Responsable achats",
    "Acheteur",
    "Directeur technique",
    "Responsable maintenance",
    "Comptable",
    "Assistante de direction",
    "Responsable de production",
    "Gérant",
    "Chef d'atelier",
    "Responsable qualité",
)
# Real exports carry multi-line cells; one title keeps a line break on purpose.
MULTILINE_TITLE = "Directeur administratif\net financier"

DEAL_PRODUCTS = (
    "Maintenance annuelle",
    "Pièces détachées",
    "Ligne d'usinage",
    "Contrat de service",
    "Rétrofit machine",
    "Formation opérateurs",
    "Outillage sur mesure",
)
# HubSpot default pipeline stages with their probabilities.
DEAL_STAGES: tuple[tuple[str, str], ...] = (
    ("Appointment Scheduled", "0.2"),
    ("Qualified To Buy", "0.4"),
    ("Presentation Scheduled", "0.6"),
    ("Decision Maker Bought-In", "0.8"),
    ("Contract Sent", "0.9"),
    ("Closed Won", "1.0"),
    ("Closed Lost", "0.0"),
)
FREE_MAIL = ("gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net")

# --- dirt rates -------------------------------------------------------------------------
RATE_FOREIGN = 0.02  # companies in Belgium/Germany: no SIRET, foreign VAT
RATE_ERP_ONLY = 0.10  # of all companies: in Odoo, not in HubSpot
RATE_PROSPECT = 0.15  # of CRM companies: Lead/Opportunity, not in Odoo
RATE_CRM_DUPLICATE = 0.03  # of CRM companies: a second HubSpot record
RATE_CODE_ERP = 0.40  # of matched CRM companies: carry "Code client ERP"
RATE_SIRET_MISSING = 0.20  # of CRM companies
RATE_SIRET_INVALID = 0.01  # of CRM companies: wrong check digit
RATE_ADDRESS_DIFFERS = 0.05  # of matched companies
RATE_NAME_VARIANT = 0.35  # of matched companies: ERP spells the name differently
RATE_ERP_SIRET_MISSING = 0.06  # of ERP partners: no company_registry
RATE_ODOO_FALSE = 0.35  # of empty optional Odoo text cells: literal "False"
