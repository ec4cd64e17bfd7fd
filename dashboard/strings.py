"""French and English UI strings, keyed by a short identifier (looked up by ``i18n``).

The texts live in ``strings.toml`` beside this file, one line per text holding its French
and its English: each text is written once per language, and adding a language means
adding a field to each line, not a second copy of every table.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

Table = dict[str, dict[str, str]]

_TABLES: dict[str, Table] = tomllib.loads(
    (Path(__file__).resolve().parent / "strings.toml").read_text(encoding="utf-8")
)
STRINGS: Table = _TABLES["strings"]  # UI texts (i18n.t)
COLUMNS: Table = _TABLES["columns"]  # table headers by API field (i18n.column_label)
VALUES: Table = _TABLES["values"]  # source values shown to people (i18n.value_label)
ALERT_DETAILS: Table = _TABLES["alert_details"]  # what an alert adds to its title
