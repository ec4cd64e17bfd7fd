"""The imperfections real CRM/ERP data carries: spelling variants, formatting, moved offices.

Pure functions of their inputs and a seeded `random.Random`, so each kind of dirt can be
tested on its own and recorded in truth.json by the caller.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from demo_company.config import DOTTED_FORMS

# Tags written to truth.json so tests and people can see what was planted where.
CRM_DUPLICATE = "crm_duplicate"
NAME_VARIANT = "name_variant"
SIRET_MISSING_CRM = "siret_missing_crm"
SIRET_INVALID_CRM = "siret_invalid_crm"
SIRET_MISSING_ERP = "siret_missing_erp"
ADDRESS_DIFFERS = "address_differs"
ERP_ONLY = "erp_only"
CRM_ONLY = "crm_only"
CODE_ERP_IN_CRM = "code_erp_in_crm"
FOREIGN = "foreign"


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str
    country: str


def strip_accents(text: str) -> str:
    """'Métallerie Lefèvre' -> 'Metallerie Lefevre' (what old ERPs and exports do)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_variant(core: str, form: str, rng: random.Random, avoid: str) -> str:
    """Another spelling of `core form` as a different system or clerk would type it."""
    styles = (
        lambda: strip_accents(core).upper(),  # DUPONT: old ERP screens
        lambda: f"{strip_accents(core)} {form}",  # accents dropped
        lambda: f"Ets {core}",  # "Établissements"
        lambda: f"{core} {DOTTED_FORMS.get(form, form)}",  # S.A.S.
        lambda: f"{form} {core}",  # form first
        lambda: f"{core.upper()} ({form})",
    )
    for _ in range(10):
        variant = rng.choice(styles)()
        if variant != avoid:
            return variant
    return f"{core} - {form}"


def spaced_siret(siret: str) -> str:
    """SIRET as people type it: '732 829 320 00074'."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def spaced_vat(vat: str) -> str:
    """'FR44732829320' -> 'FR 44 732829320'."""
    return f"{vat[:2]} {vat[2:4]} {vat[4:]}"


def typo_address(address: Address) -> Address:
    """Same place, different typing: abbreviations and case (not a real move)."""
    street = (
        address.street.replace("avenue", "av.")
        .replace("boulevard", "bd")
        .replace("rue", "R.")
        .replace("chemin", "ch.")
    )
    if street == address.street:
        street = address.street.upper()
    return Address(street, address.postcode, address.city.upper(), address.country)


def pick(rng: random.Random, population: list[int], rate: float, minimum: int = 1) -> set[int]:
    """Exactly round(rate * len) members (at least `minimum` when possible).

    Exact counts instead of per-row coin flips: a 300-customer test world still gets at
    least one of every kind of dirt.
    """
    if not population:
        return set()
    k = min(len(population), max(minimum, round(rate * len(population))))
    return set(rng.sample(population, k))
