"""French FEC, Fichier des Écritures Comptables (FORMATS.md §8): the statutory ledger
export, its receivable lines read as receivable items and accounting customers."""
