"""The floors of the code base (docs/architecture.md): no import runs back up.

kernel (settings, data layout, DuckDB connection, errors, SQL runner, serving contract's
identity) is the ground floor; ingest, warehouse and api stand on it side by side; the
dashboard talks to the API over HTTP only; the demo company generator stands alone; c360 (CLI, scheduler, launchers) is the
composition root above everything. Read from the source with `ast`, so a lazy import
inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the packages of this project it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "kernel": set(),
    "ingest": {"kernel"},
    "warehouse": {"kernel"},
    "api": {"kernel"},
    # Pure texts and number/date formats shared with the digest: no I/O, no settings.
    "dashboard": {"kernel.locale_format"},
    # The demo company writes vendor files from its own world; it needs no layer.
    "demo_company": set(),
    "c360": {"kernel", "ingest", "warehouse", "api", "dashboard", "demo_company"},
}
PROJECT = set(ALLOWED)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from kernel import locale_format` names the module it brings in
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _allowed(package: str, module: str) -> bool:
    top = module.split(".")[0]
    if top not in PROJECT or top == package:
        return True
    return any(module == rule or module.startswith(rule + ".") for rule in ALLOWED[package])


def _violations(package: str) -> list[str]:
    bad: list[str] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        by_line: dict[int, list[str]] = {}
        for line, module in _imports(path):
            by_line.setdefault(line, []).append(module)
        for line, modules in by_line.items():
            # `from kernel import locale_format` is allowed if any spelling of it is
            if not any(_allowed(package, m) for m in modules):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {modules[0]}")
    return bad


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_import_runs_back_up(package: str) -> None:
    assert _violations(package) == []


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    upward = tmp_path / "m.py"
    upward.write_text("def f():\n    from c360.cli import app\n", encoding="utf-8")
    assert [m for _, m in _imports(upward)] == ["c360.cli", "c360.cli.app"]
    assert not _allowed("warehouse", "c360.cli")
    assert not _allowed("dashboard", "kernel.settings")
    assert _allowed("dashboard", "kernel.locale_format")
    assert _allowed("ingest", "kernel.settings")
    assert not _allowed("api", "ingest.push_check")
