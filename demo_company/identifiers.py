"""French and EU company identifiers for the demo: SIREN, SIRET, VAT numbers.

Check digits are computed here rather than with python-stdnum so the tests can use stdnum
as an independent judge of what the generator produced.
"""

from __future__ import annotations

import random

LA_POSTE_SIREN = "356000000"  # follows a different SIRET rule; never generate it


def luhn_sum(digits: str) -> int:
    """Luhn total of a digit string (valid when the total is a multiple of 10)."""
    total = 0
    for pos, ch in enumerate(reversed(digits)):
        d = int(ch)
        if pos % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def luhn_complete(head: str) -> str:
    """Append the digit that makes `head` + digit Luhn-valid."""
    check = (10 - luhn_sum(head + "0") % 10) % 10
    return head + str(check)


def is_luhn(digits: str) -> bool:
    return digits.isdigit() and luhn_sum(digits) % 10 == 0


def new_siren(rng: random.Random, taken: set[str]) -> str:
    """A fresh Luhn-valid SIREN not in `taken` (which it updates)."""
    while True:
        # Real SIRENs do not start with 0; 3-9 covers the companies registered since 1970s.
        siren = luhn_complete(str(rng.randint(30_000_000, 99_999_999)))
        if siren not in taken and siren != LA_POSTE_SIREN:
            taken.add(siren)
            return siren


def siret_for(siren: str, rng: random.Random) -> str:
    """A Luhn-valid establishment number: the head office NICs are small numbers."""
    nic_head = f"{rng.choice((1, 1, 1, 2, 3, 4, 5, 6, 10, 13, 15, 23, 31)):04d}"
    return luhn_complete(siren + nic_head)


def corrupt_siret(siret: str) -> str:
    """Same SIRET with a wrong check digit (a typo that keeps 14 digits)."""
    last = (int(siret[-1]) + 1) % 10
    return siret[:-1] + str(last)


def fr_vat(siren: str) -> str:
    """Intra-community VAT number: FR + key + SIREN, key = (SIREN·100 + 12) mod 97."""
    return f"FR{int(siren + '12') % 97:02d}{siren}"


def be_vat(rng: random.Random) -> str:
    """Belgian enterprise number as VAT: BE + 0 + 7 digits + (97 - first 8 digits mod 97)."""
    head = f"0{rng.randint(2_000_000, 9_999_999)}"
    return f"BE{head}{97 - int(head) % 97:02d}"


def de_vat(rng: random.Random) -> str:
    """German USt-IdNr: DE + 8 digits + ISO 7064 mod 11,10 check digit."""
    body = str(rng.randint(10_000_000, 99_999_999))
    product = 10
    for ch in body:
        total = (int(ch) + product) % 10
        if total == 0:
            total = 10
        product = (2 * total) % 11
    check = (11 - product) % 10
    return f"DE{body}{check}"
