"""The 18 mandatory FEC columns, in order (art. A47 A-1 of the Livre des procédures
fiscales), written here by hand so tests check c360 and the demo writer against the law
rather than against their own constants."""

from __future__ import annotations

FEC_COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]
