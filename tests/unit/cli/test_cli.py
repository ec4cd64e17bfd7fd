"""The CLI's contract: commands exist, failures exit non-zero with a one-line reason."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from c360.cli import app

runner = CliRunner()


def test_commands_of_the_design_exist() -> None:
    out = runner.invoke(app, ["--help"]).output
    for command in (
        "demo",
        "ingest",
        "build",
        "nightly",
        "schedule",
        "api",
        "dashboard",
        "user",
        "sources",
        "rollback",
    ):
        assert command in out


def test_missing_config_exits_non_zero_with_a_reason(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--config", str(tmp_path / "missing.toml")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "c360.toml"
    cfg.write_text('[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\n')
    result = runner.invoke(app, ["ingest", "--config", str(cfg), "--source", "erp"])
    assert result.exit_code == 1
    assert "unknown source erp" in result.output


def test_user_add_rejects_an_unknown_role(tmp_path: Path) -> None:
    cfg = tmp_path / "c360.toml"
    cfg.write_text('data_dir = "data"\n')
    result = runner.invoke(
        app, ["user", "add", "bob", "--role", "boss", "--password", "x", "--config", str(cfg)]
    )
    assert result.exit_code == 1
    assert "unknown role" in result.output
