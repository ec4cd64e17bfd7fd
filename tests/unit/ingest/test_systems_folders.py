"""One folder per source system (ingest/systems/<system>/): what the loaders find there,
what each folder holds of its own, and that a pip install carries the folders' data."""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pytest
from setuptools import find_packages

from ingest import systems
from ingest.connectors import Connector, connectors
from ingest.profile import ProfileError, load_profile
from ingest.transform import SQL_DIR
from ingest.writeback import writers
from ingest.writeback.base import Writer
from kernel.settings import SYSTEMS

ROOT = Path(__file__).resolve().parents[3]
CALL = re.compile(r"\b(c360_[a-z0-9_]+)\s*\(")


def test_the_folders_are_the_systems_the_settings_accept() -> None:
    # kernel.settings checks a source's system before ingest is loaded (the kernel
    # imports no ingest), so it keeps its own list: this pins the two together.
    assert set(systems.names()) == set(SYSTEMS)
    assert len(systems.names()) == 9


def test_a_folder_with_a_profile_is_a_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "profile.toml").write_text('system = "acme"\n', encoding="utf-8")
    (tmp_path / "notes").mkdir()  # no profile: not a system
    (tmp_path / "_shared").mkdir()
    (tmp_path / "_shared" / "profile.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(systems, "SYSTEMS_DIR", tmp_path)
    systems.names.cache_clear()
    try:
        assert systems.names() == ("acme",)
        assert systems.profile_path("acme") == tmp_path / "acme" / "profile.toml"
    finally:
        monkeypatch.undo()
        systems.names.cache_clear()


def test_an_unknown_system_has_no_profile() -> None:
    with pytest.raises(ProfileError, match="no mapping profile for system 'acme'"):
        load_profile("acme")


def test_connectors_and_writers_come_from_the_folders() -> None:
    api = {"hubspot", "salesforce", "dynamics365", "odoo"}
    assert set(connectors()) == api
    assert set(writers()) == api
    for system, cls in connectors().items():
        assert issubclass(cls, Connector) and cls.__module__ == f"ingest.systems.{system}.connector"
    for system, writer in writers().items():
        assert (
            issubclass(writer, Writer) and writer.__module__ == f"ingest.systems.{system}.writeback"
        )
    # Writing goes through the connector's session: no writer without a connector.
    assert set(writers()) <= set(connectors())


def _shared_macros() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SQL_DIR.glob("*.sql")))


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_profile_needs_only_the_shared_readers_and_its_own_folder(system: str) -> None:
    """Every c360_* function a profile calls is defined by ingest/sql/ or by its own folder
    (macros.sql, functions.py): no system leans on another's conventions."""
    folder = systems.SYSTEMS_DIR / system
    con = duckdb.connect()
    try:
        con.execute(_shared_macros())
        own = folder / "macros.sql"
        if own.exists():
            con.execute(own.read_text(encoding="utf-8"))
        register = systems.parts("functions", "register").get(system)
        if register is not None:
            register(con)
        defined = {
            r[0] for r in con.execute("select function_name from duckdb_functions()").fetchall()
        }
    finally:
        con.close()
    called = set(CALL.findall((folder / "profile.toml").read_text(encoding="utf-8")))
    assert called - defined == set(), system


def test_vendor_macros_live_in_their_folders() -> None:
    shared = _shared_macros()
    for prefix in ("c360_sap_", "c360_x3_", "c360_oracle_"):
        assert prefix not in shared
    assert "c360_sap_due" in (systems.SYSTEMS_DIR / "sap" / "macros.sql").read_text("utf-8")
    # The loader adds every folder's macros after the shared readers.
    con = duckdb.connect()
    try:
        con.execute(_shared_macros() + "\n" + systems.macros_sql())
        assert con.execute(
            "select c360_x3_due(date '2026-01-10', '30FDM'), c360_sap_zterm_days('NT30')"
        ).fetchone() == (date(2026, 2, 28), 30)
    finally:
        con.close()


def test_an_install_carries_every_folder_and_its_data() -> None:
    """A non-editable `pip install .` takes the packages found by [tool.setuptools] and,
    in them, the files matching package-data: each system folder must be a package and
    its profile.toml / macros.sql must match."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    found = set(
        find_packages(str(ROOT), include=config["setuptools"]["packages"]["find"]["include"])
    )
    patterns = config["setuptools"]["package-data"]["*"]
    for system in systems.names():
        assert f"ingest.systems.{system}" in found, system
        for data in (systems.SYSTEMS_DIR / system).iterdir():
            if data.suffix in {".toml", ".sql"}:
                assert any(fnmatch.fnmatch(data.name, p) for p in patterns), data
    assert {"demo_company", "demo_company.writers"} <= found


def _imports(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
    return names


def test_the_demo_company_and_ingest_do_not_import_each_other() -> None:
    assert _imports(ROOT / "demo_company").isdisjoint({"ingest", "warehouse", "api", "dashboard"})
    assert "demo_company" not in _imports(ROOT / "ingest")
