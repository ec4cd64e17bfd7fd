"""dashboard/strings.toml: every text in French and in English, with the same placeholders
in both (a translation that drops ``{amount}`` would raise or lose the figure)."""

from __future__ import annotations

import string

import pytest

from dashboard import strings
from dashboard.i18n import column_label, t, value_label

TABLES = {
    "strings": strings.STRINGS,
    "columns": strings.COLUMNS,
    "values": strings.VALUES,
    "alert_details": strings.ALERT_DETAILS,
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_text_has_both_languages_and_the_same_placeholders(name: str) -> None:
    table = TABLES[name]
    assert len(table) > 5, name
    for key, entry in table.items():
        assert set(entry) == {"fr", "en"}, (name, key)
        assert entry["fr"].strip() and entry["en"].strip(), (name, key)
        assert _fields(entry["fr"]) == _fields(entry["en"]), (name, key)


def test_lookups_read_the_table() -> None:
    assert t("worklist_totals", "fr", n=2, overdue="1 €", outstanding="3 €") == (
        "2 client(s) affiché(s) · retard 1 € · encours 3 €"
    )
    assert t("evidence.xref_crm", "en", code="C1") == "ERP code C1 held in the CRM"
    assert column_label("reject_rows", "fr") == "Lignes rejetées"  # a [strings] id serves
    assert column_label("credit_note_amount", "en") == "Credit notes"
    assert value_label("Closed Won", "fr") == "Gagnée"
    assert value_label("(others)", "en") == "Others"
