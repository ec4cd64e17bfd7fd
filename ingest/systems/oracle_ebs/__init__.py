"""Oracle E-Business Suite / Fusion Receivables (FORMATS.md §6): TCA and AR extracts;
NLS dates in macros.sql."""
