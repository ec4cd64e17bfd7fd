"""Identifier validation with the field's libraries, registered as DuckDB functions.

SIREN, SIRET and VAT go through python-stdnum (La Poste rule included), phone numbers
through phonenumbers. The staging query calls these functions on the DISTINCT values of
a column only, so the Python work grows with the number of different identifiers, not
with rows. Invalid identifiers are kept as raw text with a flag; they never drop a record.
"""

from __future__ import annotations

import re
from contextlib import suppress
from functools import lru_cache

import duckdb
import phonenumbers
from duckdb.func import FunctionNullHandling
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

SPECIAL = FunctionNullHandling.SPECIAL  # NULL in -> our function decides, not DuckDB
CHECKED = duckdb.struct_type({"value": "VARCHAR", "valid": "BOOLEAN", "problem": "VARCHAR"})

COUNTRIES = {
    "france": "FR",
    "fr": "FR",
    "fra": "FR",
    "belgique": "BE",
    "belgium": "BE",
    "be": "BE",
    "allemagne": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "de": "DE",
    "espagne": "ES",
    "spain": "ES",
    "espana": "ES",
    "españa": "ES",
    "es": "ES",
    "italie": "IT",
    "italy": "IT",
    "italia": "IT",
    "it": "IT",
    "suisse": "CH",
    "switzerland": "CH",
    "schweiz": "CH",
    "ch": "CH",
    "luxembourg": "LU",
    "lu": "LU",
    "pays-bas": "NL",
    "netherlands": "NL",
    "nl": "NL",
    "royaume-uni": "GB",
    "united kingdom": "GB",
    "uk": "GB",
    "gb": "GB",
    "monaco": "MC",
    "mc": "MC",
    "portugal": "PT",
    "pt": "PT",
    "united states": "US",
    "etats-unis": "US",
    "états-unis": "US",
    "usa": "US",
    "us": "US",
    "canada": "CA",
    "ca": "CA",
    "autriche": "AT",
    "austria": "AT",
    "at": "AT",
    "irlande": "IE",
    "ireland": "IE",
    "ie": "IE",
    "pologne": "PL",
    "poland": "PL",
    "pl": "PL",
}


def _why(exc: StdnumError) -> str:
    if isinstance(exc, InvalidChecksum):
        return "wrong check digit"
    if isinstance(exc, InvalidLength):
        return "wrong length"
    if isinstance(exc, InvalidFormat):
        return "not digits"
    if isinstance(exc, InvalidComponent):
        return "its SIREN part is not valid"
    return str(exc) or "invalid"


@lru_cache(maxsize=200_000)
def check_siret(raw: str | None) -> dict[str, object] | None:
    if raw is None or not raw.strip():
        return None
    compact = fr_siret.compact(raw)
    try:
        return {"value": fr_siret.validate(compact), "valid": True, "problem": None}
    except StdnumError as exc:
        return {"value": compact, "valid": False, "problem": f"SIRET {compact}: {_why(exc)}"}


@lru_cache(maxsize=200_000)
def check_siren(raw: str | None) -> dict[str, object] | None:
    if raw is None or not raw.strip():
        return None
    compact = fr_siren.compact(raw)
    if len(compact) == 14 and compact.isdigit():
        # A SIRET in a SIREN column (Sage X3 CRN holds either): keep its legal unit.
        checked = check_siret(compact)
        if checked and checked["valid"]:
            return {"value": compact[:9], "valid": True, "problem": None}
    try:
        return {"value": fr_siren.validate(compact), "valid": True, "problem": None}
    except StdnumError as exc:
        return {"value": compact, "valid": False, "problem": f"SIREN {compact}: {_why(exc)}"}


@lru_cache(maxsize=200_000)
def check_vat(raw: str | None, default_country: str = "FR") -> dict[str, object] | None:
    if raw is None or not raw.strip():
        return None
    compact = re.sub(r"[\s.\-]", "", raw).upper()
    if compact[:2].isdigit() and default_country == "FR":
        compact = "FR" + compact
    try:
        return {"value": eu_vat.validate(compact), "valid": True, "problem": None}
    except StdnumError as exc:
        return {"value": compact, "valid": False, "problem": f"VAT number {compact}: {_why(exc)}"}


def siren_of_vat(vat: str | None) -> str | None:
    """The SIREN inside a valid French VAT number (FR + key + SIREN)."""
    if not vat or not vat.startswith("FR") or not fr_tva.is_valid(vat):
        return None
    tail = vat[4:]
    return tail if fr_siren.is_valid(tail) else None


@lru_cache(maxsize=200_000)
def check_phone(raw: str | None, default_country: str = "FR") -> dict[str, object] | None:
    if raw is None or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, default_country or None)
    except phonenumbers.NumberParseException:
        return {
            "value": raw.strip(),
            "valid": False,
            "problem": f"phone {raw.strip()!r}: not a number",
        }
    if not phonenumbers.is_valid_number(parsed):
        return {"value": raw.strip(), "valid": False, "problem": f"phone {raw.strip()!r}: invalid"}
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return {"value": e164, "valid": True, "problem": None}


@lru_cache(maxsize=10_000)
def country_code(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    key = raw.strip().lower()
    if key in COUNTRIES:
        return COUNTRIES[key]
    return raw.strip().upper() if re.fullmatch(r"[A-Za-z]{2}", raw.strip()) else None


def register(con: duckdb.DuckDBPyConnection, default_country: str = "FR") -> None:
    """Make c360_siret(), c360_siren(), c360_vat(), c360_phone(), c360_country() callable."""
    for name in (
        "c360_siret",
        "c360_siren",
        "c360_vat",
        "c360_phone",
        "c360_country",
        "c360_vat_siren",
    ):
        with suppress(Exception):  # not registered yet on this connection
            con.remove_function(name)
    con.create_function("c360_siret", check_siret, ["VARCHAR"], CHECKED, null_handling=SPECIAL)
    con.create_function("c360_siren", check_siren, ["VARCHAR"], CHECKED, null_handling=SPECIAL)
    con.create_function(
        "c360_vat",
        lambda s: check_vat(s, default_country),
        ["VARCHAR"],
        CHECKED,
        null_handling=SPECIAL,
    )
    con.create_function(
        "c360_phone",
        lambda s: check_phone(s, default_country),
        ["VARCHAR"],
        CHECKED,
        null_handling=SPECIAL,
    )
    con.create_function("c360_country", country_code, ["VARCHAR"], "VARCHAR", null_handling=SPECIAL)
    con.create_function(
        "c360_vat_siren", siren_of_vat, ["VARCHAR"], "VARCHAR", null_handling=SPECIAL
    )
