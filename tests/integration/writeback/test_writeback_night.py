"""Write-back in the night and for admins: the nightly option, a failure that does not stop
the night, the CLI's dry run, and GET /api/v1/writeback (admins only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from writeback_project import RECORDS, Project, make_project
from writeback_vendor import Vendor

from api import security, store
from api.main import create_app
from c360 import cli
from c360.nightly import EXIT_WRITEBACK, run_nightly
from ingest.pipeline import ingest
from warehouse.build import build

security.BCRYPT_ROUNDS = 4


@pytest.fixture
def project(
    tmp_path: Path, hubspot: Vendor, salesforce: Vendor, monkeypatch: pytest.MonkeyPatch
) -> Project:
    made = make_project(
        tmp_path, {"hubspot": hubspot, "salesforce": salesforce}, after_nightly=True
    )
    for name, value in made.env().items():
        monkeypatch.setenv(name, value)
    return made


def _ingest(settings: object) -> bool:
    return ingest(settings).ok  # type: ignore[arg-type]


def _build(settings: object) -> bool:
    return build(settings).published  # type: ignore[arg-type]


def test_nightly_writes_after_publish_and_a_failure_does_not_stop_it(project: Project) -> None:
    hubspot, salesforce = project.vendors["hubspot"], project.vendors["salesforce"]
    salesforce.fake.refuse[RECORDS["salesforce"][1]] = "Record locked"
    ok, message, code = run_nightly(project.settings, _ingest, _build, cli.run_after_publish)
    assert (ok, code) == (False, EXIT_WRITEBACK)
    assert "published" in message and "sent again next night" in message
    assert hubspot.fake.written["1001"]["c360_outstanding"] == "13200.00"
    assert RECORDS["salesforce"][1] not in salesforce.fake.written
    # the next night: nothing changed in the data, only the failed record goes again
    salesforce.fake.refuse.clear()
    hub_calls, sf_calls = hubspot.fake.writes, salesforce.fake.writes
    assert run_nightly(project.settings, _ingest, _build, cli.run_after_publish)[:2] == (True, "ok")
    assert hubspot.fake.writes == hub_calls and salesforce.fake.writes == sf_calls + 1
    assert salesforce.fake.written[RECORDS["salesforce"][1]]["C360_Outstanding__c"] == 300.45
    # a third night with nothing changed sends no write at all
    assert run_nightly(project.settings, _ingest, _build, cli.run_after_publish)[:2] == (True, "ok")
    assert (hubspot.fake.writes, salesforce.fake.writes) == (hub_calls, sf_calls + 1)


def test_nightly_without_the_option_writes_nothing(project: Project) -> None:
    config = project.root / "c360.toml"
    text = config.read_text(encoding="utf-8").replace(
        "after_nightly = true", "after_nightly = false"
    )
    config.write_text(text, encoding="utf-8")
    assert run_nightly(project.settings, _ingest, _build, cli.run_after_publish)[:2] == (True, "ok")
    assert project.vendors["hubspot"].fake.writes == 0


def test_cli_dry_run_prints_the_changes_and_sends_nothing(project: Project) -> None:
    runner = CliRunner()
    config = str(project.root / "c360.toml")
    result = runner.invoke(cli.app, ["writeback", "--dry-run", "--source", "hub", "-c", config])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "13200.00" in result.output
    assert project.vendors["hubspot"].fake.writes == 0
    unknown = runner.invoke(cli.app, ["writeback", "--source", "nope", "-c", config])
    assert unknown.exit_code == 1 and "unknown source nope" in unknown.output
    sent = runner.invoke(cli.app, ["writeback", "-c", config])
    assert sent.exit_code == 0, sent.output
    assert project.vendors["hubspot"].fake.writes == 1
    again = runner.invoke(cli.app, ["writeback", "-c", config])
    assert "nothing changed" in again.output


def test_admins_read_every_write_and_others_are_refused(project: Project) -> None:
    project.vendors["salesforce"].fake.refuse[RECORDS["salesforce"][0]] = "Record locked"
    cli.run_writeback(project.settings)
    settings = project.settings
    store.add_user(settings, "ada", "admin", "pw-admin-1234")
    store.add_user(settings, "sam", "sales", "pw-sales-1234", owner_name="Alice Martin")
    try:
        with TestClient(create_app(settings)) as client:

            def token(user: str, password: str) -> dict[str, str]:
                answer = client.post(
                    "/api/v1/auth/token", data={"username": user, "password": password}
                )
                return {"Authorization": f"Bearer {answer.json()['access_token']}"}

            admin = token("ada", "pw-admin-1234")
            assert (
                client.get("/api/v1/writeback", headers=token("sam", "pw-sales-1234")).status_code
                == 403
            )
            assert client.get("/api/v1/writeback").status_code == 401
            failed = client.get("/api/v1/writeback?result=failed", headers=admin).json()
            first = client.get("/api/v1/writeback?source=hub&limit=10", headers=admin).json()
            rest = client.get(
                f"/api/v1/writeback?source=hub&limit=10&cursor={first['next_cursor']}",
                headers=admin,
            ).json()
    finally:
        store.dispose_engines()
    assert {r["record_id"] for r in failed["data"]} == {RECORDS["salesforce"][0]}
    assert {r["message"] for r in failed["data"]} == {
        "Record locked [FIELD_CUSTOM_VALIDATION_EXCEPTION]"
    }
    line = next(r for r in failed["data"] if r["field"] == "C360_Overdue__c")
    assert (line["old_value"], line["new_value"], line["result"]) == (None, "12000.00", "failed")
    hub = first["data"] + rest["data"]
    assert len(first["data"]) == 10 and rest["next_cursor"] is None
    assert len(hub) == 8 + 7 + 4 and len({r["log_id"] for r in hub}) == len(hub)
    assert {r["result"] for r in hub} == {"ok"}
    assert all(r["written_at"].endswith(("Z", "+00:00")) for r in hub)
