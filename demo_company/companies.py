"""The fictitious world: the customers of Atelier Dubois Industrie, as they really are.

A `Company` holds the true facts (legal name, SIREN, address, terms) and, once
`build_companies` has run, how each system shows it (`crm`, `crm_duplicate`, `erp`),
dirt included. The writers in hubspot.py / odoo.py only format these views.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from faker import Faker

from demo_company import dirt
from demo_company.config import (
    ACTIVITIES,
    CREDIT_LIMITS,
    LEGAL_FORM_WEIGHTS,
    LEGAL_FORMS,
    OWNERS,
    PAYMENT_TERM_WEIGHTS,
    PAYMENT_TERMS,
    RATE_FOREIGN,
    SEGMENTS,
)
from demo_company.dirt import Address
from demo_company.identifiers import be_vat, de_vat, fr_vat, new_siren, siret_for

FOREIGN_CITIES = {
    "Belgium": (("Bruxelles", "1000"), ("Liège", "4000"), ("Namur", "5000"), ("Gand", "9000")),
    "Germany": (("Köln", "50667"), ("Saarbrücken", "66111"), ("Karlsruhe", "76133")),
}
FOREIGN_FORMS = {"Belgium": ("SRL", "SA", "BV"), "Germany": ("GmbH",)}


@dataclass
class CrmRecord:
    """One HubSpot company row."""

    record_id: str
    name: str
    siret: str
    vat: str
    code_erp: str
    address: Address
    phone: str
    domain: str
    owner: str
    lifecycle: str
    created: datetime
    modified: datetime
    last_activity: datetime | None


@dataclass
class ErpPartner:
    """One Odoo res.partner row (a customer company)."""

    db_id: int
    xml_id: str
    ref: str
    name: str
    vat: str
    registry: str
    email: str
    phone: str
    address: Address
    created: datetime
    written: datetime


@dataclass
class Company:
    key: str
    core: str  # name without legal form, e.g. "Métallerie Lefèvre"
    form: str
    industry: str
    country: str
    siren: str | None
    siret: str | None
    vat: str | None
    address: Address
    phone_digits: str  # national significant number, e.g. "123456789"
    domain: str
    segment: str
    owner: str
    payment_term: str
    credit_limit: int
    payer: str  # good / slow / bad: drives payment delays
    since: datetime  # start of the relationship
    in_crm: bool = True
    in_erp: bool = True
    dirt: list[str] = field(default_factory=list)
    crm: CrmRecord | None = None
    crm_duplicate: CrmRecord | None = None
    erp: ErpPartner | None = None

    @property
    def name(self) -> str:
        return f"{self.core} {self.form}"

    @property
    def payment_days(self) -> int:
        return PAYMENT_TERMS[self.payment_term]


def random_datetime(rng: random.Random, start: date, end: date) -> datetime:
    """Office-hours timestamp between two dates (inclusive), minutes resolution."""
    span = max(0, (end - start).days)
    day = start + timedelta(days=rng.randint(0, span))
    return datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)))


def _slug(text: str) -> str:
    ascii_text = dirt.strip_accents(text).lower()
    parts = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(parts)


def _core_name(rng: random.Random, fake: Faker, taken: set[str]) -> tuple[str, str]:
    """A company name not yet used (compared without accents/case), and its industry."""
    for attempt in range(50):
        activity, industry = rng.choice(ACTIVITIES)
        last = fake.last_name()
        style = rng.random()
        if style < 0.55:
            core = f"{activity} {last}"
        elif style < 0.8:
            core = f"{last} {activity}"
        else:
            core = f"{activity} {last}-{fake.last_name()}"
        if attempt >= 5:
            # Common surnames run out in big worlds; a town name keeps names distinct.
            core = f"{core} {fake.city()}"
        norm = _slug(core)
        if norm not in taken:
            taken.add(norm)
            return core, industry
    raise RuntimeError("could not find a unique company name")


def _phone_digits(rng: random.Random, country: str) -> str:
    if country == "France":
        return f"{rng.randint(1, 5)}{rng.randint(0, 99_999_999):08d}"
    return f"{rng.randint(2, 9)}{rng.randint(0, 9_999_999):07d}"


def new_company(
    index: int,
    rng: random.Random,
    fake: Faker,
    taken_names: set[str],
    taken_sirens: set[str],
    history_start: date,
    as_of: date,
) -> Company:
    """True facts of one customer; which systems know it is decided later."""
    country = "France"
    if rng.random() < RATE_FOREIGN:
        country = rng.choice(("Belgium", "Germany"))
    core, industry = _core_name(rng, fake, taken_names)
    siren: str | None = None
    siret: str | None = None
    if country == "France":
        form = rng.choices(LEGAL_FORMS, LEGAL_FORM_WEIGHTS)[0]
        siren = new_siren(rng, taken_sirens)
        siret = siret_for(siren, rng)
        vat = fr_vat(siren)
        address = Address(fake.street_address(), fake.postcode(), fake.city(), country)
    else:
        form = rng.choice(FOREIGN_FORMS[country])
        vat = be_vat(rng) if country == "Belgium" else de_vat(rng)
        city, postcode = rng.choice(FOREIGN_CITIES[country])
        street = (
            f"{fake.last_name()}straße {rng.randint(1, 120)}"
            if country == "Germany"
            else f"Rue {fake.last_name()} {rng.randint(1, 120)}"
        )
        address = Address(street, postcode, city, country)
    segment = rng.choices(list(SEGMENTS), [s[0] for s in SEGMENTS.values()])[0]
    tld = {"France": "fr", "Belgium": "be", "Germany": "de"}[country]
    # Three quarters were customers before the history window; the rest joined during it.
    if rng.random() < 0.75:
        since = random_datetime(rng, date(2012, 1, 1), history_start - timedelta(days=1))
    else:
        since = random_datetime(rng, history_start, as_of - timedelta(days=45))
    return Company(
        key=f"K{index:06d}",
        core=core,
        form=form,
        industry=industry,
        country=country,
        siren=siren,
        siret=siret,
        vat=vat,
        address=address,
        phone_digits=_phone_digits(rng, country),
        domain=f"{_slug(core)}.{tld}",
        segment=segment,
        owner=rng.choice(OWNERS),
        payment_term=rng.choices(list(PAYMENT_TERMS), PAYMENT_TERM_WEIGHTS)[0],
        credit_limit=rng.choice(CREDIT_LIMITS[segment]),
        payer=rng.choices(("good", "slow", "bad"), (70, 20, 10))[0],
        since=since,
    )
