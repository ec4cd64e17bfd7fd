"""Hand-made inboxes for the tests that ingest and build: exports written as the vendors
write them, dropped where each source reads.

Imported by bare name (`from hand_made import quoted_csv, write_inbox`): tests/ is on
sys.path through tests/conftest.py (pytest's rootdir "prepend" import mode).
"""

from __future__ import annotations

from pathlib import Path


def quoted_csv(*rows: tuple[str, ...]) -> str:
    """A CSV as HubSpot and Odoo export it: every field double-quoted, CRLF line ends."""
    return "".join(",".join(f'"{v}"' for v in row) + "\r\n" for row in rows)


def write_inbox(inbox: Path, files: dict[str, str], *, newline: str | None = None) -> None:
    """Each file at its path under the inbox folder ("crm/companies.csv"), in UTF-8."""
    for name, text in files.items():
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline=newline)


def sources_toml(*sources: tuple[str, str, str, str | Path]) -> str:
    """The [[sources]] tables of a c360.toml as a person writes them, one per
    (name, system, role, inbox)."""
    return "".join(
        f'\n[[sources]]\nname = "{name}"\nsystem = "{system}"\nrole = "{role}"\ninbox = "{inbox}"\n'
        for name, system, role, inbox in sources
    )
