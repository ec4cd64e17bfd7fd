"""Issue 15's must-show: a second nightly run with nothing changed sends no write and no
digest (CRM fake counting its write requests, a real SMTP server counting messages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from digest_servers import SmtpServer
from writeback_project import make_project
from writeback_vendor import Vendor

from api import security, store
from c360 import cli
from c360.nightly import run_nightly
from ingest.pipeline import ingest
from kernel.settings import Settings
from warehouse.build import build
from warehouse.digest.subscriptions import set_subscription

security.BCRYPT_ROUNDS = 4


def _ingest(settings: Settings) -> bool:
    return ingest(settings).ok


def _build(settings: Settings) -> bool:
    return build(settings).published


def test_second_night_with_nothing_changed_sends_nothing(
    tmp_path: Path, hubspot: Vendor, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "company", {"hubspot": hubspot}, after_nightly=True)
    config = project.root / "c360.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "[digest]\nafter_nightly = true\n"
        + smtp.settings_toml,
        encoding="utf-8",
    )
    for name, value in project.env().items():
        monkeypatch.setenv(name, value)
    settings = project.settings
    store.add_user(settings, "alice", "sales", "pw-alice-1234", owner_name="Alice Martin")
    store.dispose_engines()
    set_subscription(settings.app_db, "alice", email="alice@acme.example")

    first = run_nightly(settings, _ingest, _build, cli.run_after_publish)
    assert first[:2] == (True, "ok")
    assert hubspot.fake.writes == 1 and len(smtp.mailbox.messages) == 1
    assert hubspot.fake.written["1001"]["c360_overdue"] == "12000.00"

    second = run_nightly(project.settings, _ingest, _build, cli.run_after_publish)
    assert second[:2] == (True, "ok")
    assert hubspot.fake.writes == 1 and len(smtp.mailbox.messages) == 1
