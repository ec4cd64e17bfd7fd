"""Sage X3 / Sage Enterprise Management (FORMATS.md §4): SQL extracts and import/export
templates; its blanks, null dates and payment-term codes in macros.sql."""
