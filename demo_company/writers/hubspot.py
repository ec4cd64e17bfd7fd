"""HubSpot UI exports of the demo CRM: companies.csv, contacts.csv, deals.csv.

Format as observed in real exports (FORMATS.md §1.1): UTF-8, every field double-quoted,
label headers, `YYYY-MM-DD HH:mm` datetimes, owners as full names, numbers with a dot
decimal and a trailing `.0`.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from faker import Faker

from demo_company.companies import Company, CrmRecord, random_datetime
from demo_company.config import DEAL_PRODUCTS, DEAL_STAGES, FREE_MAIL, JOB_TITLES, MULTILINE_TITLE
from demo_company.dirt import strip_accents
from demo_company.world import IdSequence

COMPANY_HEADER = (
    "Record ID",
    "Company name",
    "Company Domain Name",
    "Company owner",
    "Create Date",
    "Last Modified Date",
    "Phone Number",
    "Street Address",
    "City",
    "Postal Code",
    "Country/Region",
    "Industry",
    "Lifecycle Stage",
    "SIRET",
    "Code client ERP",
    "Numéro de TVA",
    "Last Activity Date",
)
CONTACT_HEADER = (
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Contact owner",
    "Job Title",
    "Primary Associated Company ID",
    "Associated Company",
    "Create Date",
    "Last Activity Date",
    "Lifecycle Stage",
)
DEAL_HEADER = (
    "Record ID",
    "Deal Name",
    "Amount",
    "Close Date",
    "Create Date",
    "Deal Stage",
    "Pipeline",
    "Deal owner",
    "Deal probability",
    "Is Closed Won",
    "Associated Company IDs (Primary)",
)
OPEN_STAGES = DEAL_STAGES[:5]


def hs_datetime(moment: datetime | None) -> str:
    return moment.isoformat(sep=" ", timespec="minutes") if moment else ""


def _writer_rows(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def crm_records(companies: list[Company]) -> list[tuple[Company, CrmRecord]]:
    """Every HubSpot company record with its true company, in Record ID order."""
    pairs = [(c, r) for c in companies for r in (c.crm, c.crm_duplicate) if r is not None]
    return sorted(pairs, key=lambda p: int(p[1].record_id))


def _company_row(c: Company, r: CrmRecord) -> list[str]:
    return [
        r.record_id,
        r.name,
        r.domain,
        r.owner,
        hs_datetime(r.created),
        hs_datetime(r.modified),
        r.phone,
        r.address.street,
        r.address.city,
        r.address.postcode,
        r.address.country,
        c.industry,
        r.lifecycle,
        r.siret,
        r.code_erp,
        r.vat,
        hs_datetime(r.last_activity),
    ]


def _contacts(
    pairs: list[tuple[Company, CrmRecord]], rng: random.Random, fake: Faker, as_of: date
) -> list[list[str]]:
    rows: list[list[str]] = []
    next_id = IdSequence(rng, 3 * len(pairs))  # at most 3 contacts per company
    for c, r in pairs:
        count = 1 if r is c.crm_duplicate else rng.choices((1, 2, 3), (45, 35, 20))[0]
        for _ in range(count):
            first, last = fake.first_name(), fake.last_name()
            local = strip_accents(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
            domain = r.domain or rng.choice(FREE_MAIL)
            email = f"{local}@{domain}" if rng.random() < 0.95 else ""
            # Real exports carry multi-line cells: the very first contact always has one.
            title = MULTILINE_TITLE if not rows or rng.random() < 0.005 else rng.choice(JOB_TITLES)
            mobile = (
                f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}"
            )
            created = random_datetime(rng, r.created.date(), as_of - timedelta(days=1))
            activity = None
            if rng.random() < 0.7:
                activity = random_datetime(rng, created.date(), as_of - timedelta(days=1))
            rows.append(
                [
                    "",
                    first,
                    last,
                    email,
                    mobile if rng.random() < 0.8 else "",
                    r.owner,
                    title,
                    r.record_id,
                    r.name,
                    hs_datetime(created),
                    hs_datetime(activity),
                    r.lifecycle,
                ]
            )
    # Ids follow creation order, like HubSpot's.
    for row in sorted(rows, key=lambda row: row[9]):
        row[0] = next_id()
    return sorted(rows, key=lambda row: int(row[0]))


def _deal(c: Company, r: CrmRecord, rng: random.Random, as_of: date) -> list[str]:
    if c.in_erp:
        kind = rng.choices(("won", "lost", "open"), (40, 20, 40))[0]
    else:
        kind = rng.choices(("lost", "open"), (30, 70))[0]
    if kind == "open":
        stage, prob = rng.choice(OPEN_STAGES)
        created = random_datetime(
            rng, max(r.created.date(), as_of - timedelta(days=200)), as_of - timedelta(days=1)
        )
        close = random_datetime(rng, as_of + timedelta(days=1), as_of + timedelta(days=150))
    else:
        stage, prob = DEAL_STAGES[5] if kind == "won" else DEAL_STAGES[6]
        created = random_datetime(rng, r.created.date(), as_of - timedelta(days=30))
        last = as_of - timedelta(days=1)
        close = random_datetime(rng, min(created.date() + timedelta(days=7), last), last)
    amount = f"{rng.randint(50, 5000) * 10}.0" if rng.random() < 0.95 else ""
    return [
        "",
        f"{r.name} - {rng.choice(DEAL_PRODUCTS)}",
        amount,
        hs_datetime(close),
        hs_datetime(created),
        stage,
        "Sales Pipeline",
        r.owner,
        prob,
        "true" if kind == "won" else "false",
        r.record_id,
    ]


def _deals(
    pairs: list[tuple[Company, CrmRecord]], rng: random.Random, as_of: date
) -> list[list[str]]:
    rows: list[list[str]] = []
    for c, r in pairs:
        if r is c.crm_duplicate:
            continue
        if c.in_erp:
            count = rng.choices((0, 1, 2, 3, 4), (20, 30, 25, 15, 10))[0]
        else:
            count = rng.choices((0, 1, 2), (30, 50, 20))[0]
            if r.lifecycle == "Opportunity":
                count = max(1, count)  # an opportunity without a deal makes no sense
        rows.extend(_deal(c, r, rng, as_of) for _ in range(count))
    next_id = IdSequence(rng, len(rows))
    for row in sorted(rows, key=lambda row: row[4]):
        row[0] = next_id()
    return sorted(rows, key=lambda row: int(row[0]))


def write_hubspot(
    companies: list[Company], folder: Path, rng: random.Random, fake: Faker, as_of: date
) -> dict[str, int]:
    """Write the three exports; returns data rows per file name."""
    pairs = crm_records(companies)
    return {
        "companies.csv": _writer_rows(
            folder / "companies.csv", COMPANY_HEADER, [_company_row(c, r) for c, r in pairs]
        ),
        "contacts.csv": _writer_rows(
            folder / "contacts.csv", CONTACT_HEADER, _contacts(pairs, rng, fake, as_of)
        ),
        "deals.csv": _writer_rows(folder / "deals.csv", DEAL_HEADER, _deals(pairs, rng, as_of)),
    }
