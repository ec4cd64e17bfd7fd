"""Source systems: one folder per system, holding everything particular to it.

    ingest/systems/<system>/
        __init__.py    what the system is (a package, so its data files are installed)
        profile.toml   the mapping profile (docs/profiles.md); a folder without one is no system
        macros.sql     its SQL value macros, loaded after ingest/sql/ (optional)
        functions.py   its Python value functions: `register(con)` (optional)
        connector.py   its API connector: `CONNECTOR`, a Connector subclass (optional)
        writeback.py   its write-back: `WRITER`, a Writer subclass (optional)

A new system is a new folder: the profile loader, the macro loader, the connector and
write-back registries all read this one listing. What every system shares stays outside:
ingest/connectors/ (auth, HTTP session, errors, page files), ingest/writeback/ (batching,
field map), ingest/sql/parse_macros.sql (value readers). The demo company's export
writers live with the demo (demo_company/writers/), which ingest never imports.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

SYSTEMS_DIR = Path(__file__).parent
PROFILE = "profile.toml"
MACROS = "macros.sql"


@cache
def names() -> tuple[str, ...]:
    """Every system c360 knows: the folders here that hold a profile, by name."""
    return tuple(
        sorted(
            p.parent.name
            for p in SYSTEMS_DIR.glob(f"*/{PROFILE}")
            if p.parent.name.isidentifier() and not p.parent.name.startswith("_")
        )
    )


def profile_path(system: str) -> Path:
    """Where `system`'s mapping profile is (whether or not it exists)."""
    return SYSTEMS_DIR / system / PROFILE


def _part(system: str, part: str) -> ModuleType | None:
    """`system`'s module `part` (connector, writeback, functions), None when it has none."""
    name = f"{__name__}.{system}.{part}"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def parts(part: str, attribute: str) -> dict[str, Any]:
    """`attribute` of each system's module `part`, for the systems that have one."""
    found: dict[str, Any] = {}
    for system in names():
        module = _part(system, part)
        if module is not None:
            found[system] = getattr(module, attribute)
    return found


@cache
def macros_sql() -> str:
    """Every system's macros.sql, in system order (after ingest/sql/ has been loaded)."""
    files = [SYSTEMS_DIR / s / MACROS for s in names()]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register every system's Python value functions (functions.py) on `con`."""
    for register in parts("functions", "register").values():
        register(con)
