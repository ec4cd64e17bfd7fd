"""tools/audit.py: one line offline, a failure on a known vulnerability."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "audit.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_tool", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(
    monkeypatch: pytest.MonkeyPatch, rc: int, stdout: str = "", stderr: str = ""
) -> ModuleType:
    tool = _tool()

    def fake(*_a: Any, **_k: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], rc, stdout, stderr)

    monkeypatch.setattr(tool.subprocess, "run", fake)
    return tool


def test_offline_is_a_one_line_skip(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tool = _run(monkeypatch, 1, stderr="Traceback ...\nrequests.exceptions.ConnectionError: x")
    assert tool.main() == 0
    assert (
        capsys.readouterr().out == "pip-audit skipped: no network to reach the vulnerability data\n"
    )


def test_a_known_vulnerability_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["3.1.3"]}],
            },
            {"name": "ok", "version": "1.0", "vulns": []},
        ]
    }
    tool = _run(monkeypatch, 1, stdout=json.dumps(report))
    assert tool.main() == 1
    assert capsys.readouterr().out == "vulnerable: jinja2 3.1.2 PYSEC-1 (fixed in 3.1.3)\n"


def test_clean_and_unaudited(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = {
        "dependencies": [
            {"name": "a", "version": "1", "vulns": []},
            {"name": "b", "skip_reason": "x"},
        ]
    }
    assert _run(monkeypatch, 0, stdout=json.dumps(clean)).main() == 0
    assert "1 packages audited, no known vulnerability (1 not found" in capsys.readouterr().out
    none = {"dependencies": [{"name": "b", "skip_reason": "x"}]}
    assert _run(monkeypatch, 0, stdout=json.dumps(none)).main() == 0
    assert capsys.readouterr().out.startswith("pip-audit skipped: the package index had")
