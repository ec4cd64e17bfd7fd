"""Decide which system knows which company, plant the dirt, and give every record its id.

Membership (ERP only, CRM only, both, duplicated in the CRM) and each kind of dirt are
drawn as exact counts over the population (see `dirt.pick`), then the HubSpot and Odoo
views of each company are built from its true facts.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from faker import Faker

from demo_company import dirt
from demo_company.companies import Company, CrmRecord, ErpPartner, new_company, random_datetime
from demo_company.config import (
    OWNERS,
    RATE_ADDRESS_DIFFERS,
    RATE_CODE_ERP,
    RATE_CRM_DUPLICATE,
    RATE_ERP_ONLY,
    RATE_ERP_SIRET_MISSING,
    RATE_NAME_VARIANT,
    RATE_ODOO_FALSE,
    RATE_PROSPECT,
    RATE_SIRET_INVALID,
    RATE_SIRET_MISSING,
    REPORTING_SIREN,
)
from demo_company.dirt import Address
from demo_company.identifiers import corrupt_siret

# The day the CRM went live: older customers were imported that day, as happens.
CRM_GO_LIVE = date(2016, 3, 1)


class IdSequence:
    """Increasing HubSpot-like record ids of 10 to 12 digits, sized to the population."""

    def __init__(self, rng: random.Random, expected: int) -> None:
        self._rng = rng
        self._next = 1_000_000_000 + rng.randint(0, 999_999_999)
        # Average step chosen so the last id stays below 10**12 whatever the count.
        self._max_step = max(1_000, int(1.6e12 / max(1, expected)))

    def __call__(self) -> str:
        self._next += self._rng.randint(1, self._max_step)
        return str(self._next)


def national_phone(digits: str) -> str:
    """'0X XX XX XX XX' as an ERP stores it."""
    full = "0" + digits
    return " ".join(full[i : i + 2] for i in range(0, 10, 2))


def intl_phone(company: Company) -> str:
    """'+33 X XX XX XX XX' as HubSpot normalises it."""
    d = company.phone_digits
    prefix = {"France": "+33", "Belgium": "+32", "Germany": "+49"}[company.country]
    if company.country == "France":
        return f"{prefix} {d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:9]}"
    return f"{prefix} {d[:3]} {d[3:]}"


def _odoo_empty(rng: random.Random) -> str:
    # Odoo import-compatible exports sometimes write a literal False for an empty char field.
    return "False" if rng.random() < RATE_ODOO_FALSE else ""


def build_companies(
    count: int,
    rng: random.Random,
    fake: Faker,
    history_start: date,
    as_of: date,
    dirt_level: float = 1.0,
) -> list[Company]:
    """All companies with their CRM and ERP views; dirt recorded in `Company.dirt`.

    `dirt_level` scales every data-quality problem (2.0 = twice the duplicates, missing
    and invalid SIRETs, moved addresses, name variants, and half the ERP codes in the CRM).
    """

    def scaled(rate: float) -> float:
        return min(rate * dirt_level, 0.95)

    names: set[str] = set()
    sirens: set[str] = {REPORTING_SIREN}
    companies = [
        new_company(i + 1, rng, fake, names, sirens, history_start, as_of) for i in range(count)
    ]
    everyone = list(range(count))
    erp_only = dirt.pick(rng, everyone, RATE_ERP_ONLY)
    crm = [i for i in everyone if i not in erp_only]
    prospects = dirt.pick(rng, crm, RATE_PROSPECT)
    matched = [i for i in crm if i not in prospects]
    duplicates = dirt.pick(rng, crm, scaled(RATE_CRM_DUPLICATE))
    with_code = dirt.pick(rng, matched, RATE_CODE_ERP / max(dirt_level, 1e-9))
    crm_french = [i for i in crm if companies[i].siret]
    no_siret = dirt.pick(rng, crm_french, scaled(RATE_SIRET_MISSING))
    bad_siret = dirt.pick(
        rng, [i for i in crm_french if i not in no_siret], scaled(RATE_SIRET_INVALID)
    )
    moved = dirt.pick(rng, matched, scaled(RATE_ADDRESS_DIFFERS))
    renamed = dirt.pick(rng, matched, scaled(RATE_NAME_VARIANT))
    erp_french = [i for i in everyone if i not in prospects and companies[i].siret]
    erp_no_siret = dirt.pick(rng, erp_french, scaled(RATE_ERP_SIRET_MISSING))

    for i, c in enumerate(companies):
        c.in_crm = i not in erp_only
        c.in_erp = i not in prospects
        tags = {
            dirt.ERP_ONLY: i in erp_only,
            dirt.CRM_ONLY: i in prospects,
            dirt.CRM_DUPLICATE: i in duplicates,
            dirt.CODE_ERP_IN_CRM: i in with_code,
            dirt.SIRET_MISSING_CRM: i in no_siret,
            dirt.SIRET_INVALID_CRM: i in bad_siret,
            dirt.ADDRESS_DIFFERS: i in moved,
            dirt.NAME_VARIANT: i in renamed,
            dirt.SIRET_MISSING_ERP: i in erp_no_siret,
            dirt.FOREIGN: c.country != "France",
        }
        c.dirt = [tag for tag, on in tags.items() if on]

    _attach_erp(companies, rng, as_of)
    _attach_crm(companies, rng, as_of)
    return companies


def _attach_erp(companies: list[Company], rng: random.Random, as_of: date) -> None:
    """Odoo partners, numbered in the order the customers were created."""
    db_id = 6  # Odoo's own partners (company, admin, …) come first
    erp = sorted((c for c in companies if c.in_erp), key=lambda c: (c.since, c.key))
    for n, c in enumerate(erp, start=1):
        db_id += rng.randint(1, 5)  # contacts and suppliers take ids in between
        name = c.name
        if dirt.NAME_VARIANT in c.dirt:
            name = dirt.name_variant(c.core, c.form, rng, avoid=c.name)
        address = c.address
        if dirt.ADDRESS_DIFFERS in c.dirt:
            address = _moved(c.address, rng)
        vat = c.vat if (c.country != "France" or rng.random() < 0.9) else _odoo_empty(rng)
        registry = c.siret or ""
        if dirt.SIRET_MISSING_ERP in c.dirt or not registry:
            registry = _odoo_empty(rng)
        mailbox = rng.choice(("contact", "compta", "accueil", "factures"))
        email = f"{mailbox}@{c.domain}" if rng.random() < 0.9 else _odoo_empty(rng)
        phone = national_phone(c.phone_digits) if c.country == "France" else intl_phone(c)
        written_from = max(c.since.date(), as_of - timedelta(days=400))
        c.erp = ErpPartner(
            db_id=db_id,
            xml_id=f"__export__.res_partner_{db_id}_{rng.getrandbits(32):08x}",
            ref=f"C{n:05d}",
            name=name,
            vat=vat or "",
            registry=registry,
            email=email,
            phone=phone,
            address=address,
            created=c.since,
            written=random_datetime(rng, written_from, as_of - timedelta(days=1)),
        )


def _moved(address: Address, rng: random.Random) -> Address:
    """The ERP has the new address (the customer moved) or a re-typed one."""
    if rng.random() < 0.6:
        number = rng.randint(1, 250)
        street = rng.choice(
            (
                "rue de l'Industrie",
                "avenue de la Gare",
                "ZI des Vignes",
                "chemin du Moulin",
                "Parc d'activités du Lac",
            )
        )
        # Moved within the same département: same first two digits of the postcode.
        postcode = address.postcode[:2] + "100" if address.country == "France" else address.postcode
        return Address(f"{number}, {street}", postcode, address.city, address.country)
    return dirt.typo_address(address)


def _crm_record(
    c: Company, rng: random.Random, created: datetime, as_of: date, lifecycle: str
) -> CrmRecord:
    siret = c.siret or ""
    if dirt.SIRET_MISSING_CRM in c.dirt:
        siret = ""
    elif dirt.SIRET_INVALID_CRM in c.dirt:
        siret = corrupt_siret(siret)
    elif siret and rng.random() < 0.1:
        siret = dirt.spaced_siret(siret)
    vat = ""
    if c.vat and rng.random() < 0.5:
        vat = dirt.spaced_vat(c.vat) if rng.random() < 0.2 else c.vat
    code = c.erp.ref if (c.erp and dirt.CODE_ERP_IN_CRM in c.dirt) else ""
    last_activity = None
    if rng.random() < 0.8:
        last_activity = random_datetime(
            rng, max(created.date(), as_of - timedelta(days=365)), as_of - timedelta(days=1)
        )
    return CrmRecord(
        record_id="",  # numbered once all records are known, in creation order
        name=c.name,
        siret=siret,
        vat=vat,
        code_erp=code,
        address=c.address,
        phone=intl_phone(c) if rng.random() < 0.9 else "",
        domain=c.domain if rng.random() < 0.85 else "",
        owner=c.owner,
        lifecycle=lifecycle,
        created=created,
        modified=random_datetime(rng, created.date(), as_of - timedelta(days=1)),
        last_activity=last_activity,
    )


def _attach_crm(companies: list[Company], rng: random.Random, as_of: date) -> None:
    records: list[CrmRecord] = []
    for c in companies:
        if not c.in_crm:
            continue
        if c.in_erp:
            lead_time = timedelta(days=rng.randint(0, 400))
            created = max(c.since - lead_time, datetime(2016, 3, 1, 9, 0, 0))
            lifecycle = "Customer"
        else:
            created = random_datetime(rng, date(2021, 1, 1), as_of - timedelta(days=2))
            lifecycle = rng.choices(("Lead", "Opportunity"), (60, 40))[0]
        c.crm = _crm_record(c, rng, created, as_of, lifecycle)
        records.append(c.crm)
        if dirt.CRM_DUPLICATE in c.dirt:
            # Someone re-created the company from a business card: other spelling, no code.
            dup_created = random_datetime(rng, created.date(), as_of - timedelta(days=1))
            dup = _crm_record(c, rng, dup_created, as_of, "Lead")
            dup.name = dirt.name_variant(c.core, c.form, rng, avoid=c.crm.name)
            dup.code_erp = ""
            dup.vat = ""
            dup.siret = c.crm.siret if rng.random() < 0.5 else ""
            dup.owner = rng.choice(OWNERS)
            c.crm_duplicate = dup
            records.append(dup)
    next_id = IdSequence(rng, len(records))
    for record in sorted(records, key=lambda r: r.created):
        record.record_id = next_id()
