"""The morning digest against a real local SMTP server (aiosmtpd, STARTTLS required) and
a local webhook receiver: French and English, new or changed items only, balance jumps,
a failed delivery sent again, nothing sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from digest_servers import Hooks, SmtpServer
from typer.testing import CliRunner
from writeback_project import INVOICE_HEAD, INVOICES, Project, make_project

from api import security, store
from c360 import cli
from warehouse.digest import run_digest
from warehouse.digest.subscriptions import set_subscription

security.BCRYPT_ROUNDS = 4
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def project(tmp_path: Path, smtp: SmtpServer, hooks: tuple[Hooks, str]) -> Iterator[Project]:
    made = make_project(tmp_path / "company", {})
    config = made.root / "c360.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "[digest]\n"
        + smtp.settings_toml
        + 'sender = "c360 <c360@acme.example>"\n',
        encoding="utf-8",
    )
    settings = made.settings
    _, url = hooks
    store.add_user(settings, "alice", "sales", "pw-alice-1234", owner_name="Alice Martin")
    store.add_user(settings, "bruno", "sales", "pw-bruno-1234", owner_name="Bruno Petit")
    store.add_user(settings, "fanny", "finance", "pw-fanny-1234")
    store.dispose_engines()
    set_subscription(settings.app_db, "alice", email="alice@acme.example", language="fr")
    set_subscription(settings.app_db, "alice", webhook_url=f"{url}/hook/alice")
    set_subscription(
        settings.app_db,
        "bruno",
        email="bruno@acme.example",
        language="en",
        webhook_url=f"{url}/hook/bruno",
        webhook_kind="teams",
    )
    yield made


def _night_two(project: Project) -> None:
    """10,000.00 of C001's late invoice paid; C002 gets a new 2,000.00 invoice (not due)."""
    rows = [f"{k},{v.format(open1='2000.00')}" for k, v in INVOICES.items()]
    rows.append("INV-5,C002,FA-0005,invoice,posted,2026-11-25,2026-12-25,1666.67,2000.00,2000.00")
    path = project.root / "inbox" / "erp" / "invoices.csv"
    path.write_text(INVOICE_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    project.publish()


def test_first_digest_by_email_over_starttls_in_french(
    project: Project, smtp: SmtpServer, hooks: tuple[Hooks, str]
) -> None:
    received, _ = hooks
    result = run_digest(project.settings, env={})
    assert result.ok
    # Bruno's customers have nothing to say: no message for him
    assert [(d.username, d.channel) for d in result.deliveries] == [
        ("alice", "email"),
        ("alice", "slack"),
    ]
    assert len(smtp.mailbox.messages) == 1
    rcpt, message, tls = smtp.mailbox.messages[0]
    assert rcpt == ["alice@acme.example"] and tls
    assert message["Subject"] == "c360 · 2 alerte(s) sur vos clients · 28/11/2026"
    assert message["From"] == "c360 <c360@acme.example>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message.get_content_type() == "multipart/alternative"
    assert (
        f"- Marchand et Fils — Plafond de crédit dépassé : 3{NNBSP}200,00{NBSP}€ au-dessus du "
        "plafond" in text
    )
    assert (
        f"- Marchand et Fils — Retard de paiement : 12{NNBSP}000,00{NBSP}€ en retard "
        "(le plus ancien : 58 j)" in text
    )
    assert "https://c360.example.com/customers?customer=C" in text
    assert "Atelier Roux" not in text  # Alice's other customer has nothing
    assert '<a href="https://c360.example.com/customers?customer=C' in html
    assert f"12{NNBSP}000,00{NBSP}€ en retard" in html and 'lang="fr"' in html
    assert [name for name, _ in received.received] == ["alice"]
    slack = received.received[0][1]["text"]
    assert slack.startswith("*c360 · 2 alerte(s)") and "|Marchand et Fils>" in slack
    # nothing new: nothing sent twice, on any channel
    again = run_digest(project.settings, env={})
    assert again.ok and again.deliveries == []
    assert len(smtp.mailbox.messages) == 1 and len(received.received) == 1


def test_changes_and_a_balance_jump_in_english_and_by_teams(
    project: Project, smtp: SmtpServer, hooks: tuple[Hooks, str]
) -> None:
    received, _ = hooks
    run_digest(project.settings, env={})
    smtp.mailbox.messages.clear()
    received.received.clear()
    _night_two(project)
    received.busy = 1  # the chat service asks to wait once
    sleeps: list[float] = []
    result = run_digest(project.settings, env={}, sleep=sleeps.append)
    assert result.ok and sleeps == [3.0]
    by_rcpt = {rcpt[0]: message for rcpt, message, _ in smtp.mailbox.messages}
    alice = by_rcpt["alice@acme.example"].get_body(("plain",)).get_content()
    # the overdue changed (the limit alert cleared: nothing to say about it)
    assert (
        f"Retard de paiement : 2{NNBSP}000,00{NBSP}€ en retard (le plus ancien : 58 j) "
        f"(était 12{NNBSP}000,00{NBSP}€)" in alice
    )
    assert "Plafond" not in alice
    bruno = by_rcpt["bruno@acme.example"]
    assert bruno["Subject"] == "c360 · 1 alert(s) on your customers · 2026-11-28"
    assert (
        "- Boulangerie Durand — Balance jump: outstanding rose from €300.45 to €2,300.45"
        in bruno.get_body(("plain",)).get_content()
    )
    teams = dict(received.received)["bruno"]
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "from €300.45 to €2,300.45" in card["content"]["body"][1]["text"]
    assert run_digest(project.settings, env={}).deliveries == []


def test_a_failed_delivery_goes_again_next_run_and_only_once(
    project: Project, smtp: SmtpServer
) -> None:
    config = project.root / "c360.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"smtp_port = {smtp.port}", "smtp_port = 9"), encoding="utf-8")
    failed = run_digest(project.settings, env={})
    assert not failed.ok
    email = next(d for d in failed.deliveries if d.channel == "email")
    assert email.error and email.error.startswith("SMTP 127.0.0.1:9:")
    assert next(d for d in failed.deliveries if d.channel == "slack").sent
    config.write_text(text, encoding="utf-8")
    retried = run_digest(project.settings, env={})
    assert [(d.username, d.channel, d.sent) for d in retried.deliveries] == [
        ("alice", "email", True)
    ]
    assert run_digest(project.settings, env={}).deliveries == []
    assert len(smtp.mailbox.messages) == 1


def test_dry_run_shows_each_message_and_sends_nothing(
    project: Project, smtp: SmtpServer, hooks: tuple[Hooks, str]
) -> None:
    runner = CliRunner()
    config = str(project.root / "c360.toml")
    shown = runner.invoke(cli.app, ["digest", "--dry-run", "-c", config])
    assert shown.exit_code == 0, shown.output
    assert "alice by email to alice@acme.example" in shown.output
    assert "Retard de paiement" in shown.output and "/hook/alice" not in shown.output
    assert smtp.mailbox.messages == [] and hooks[0].received == []
    sent = runner.invoke(cli.app, ["digest", "--user", "alice", "-c", config])
    assert sent.exit_code == 0, sent.output
    assert len(smtp.mailbox.messages) == 1


def test_user_set_refuses_what_it_cannot_use(project: Project) -> None:
    runner = CliRunner()
    config = str(project.root / "c360.toml")
    for args, message in (
        (["nobody", "--email", "a@b.fr"], "no user named 'nobody'"),
        (["alice", "--language", "de"], "language must be one of fr, en"),
        (["alice", "--email", "alice"], "'alice' is not an e-mail address"),
        (["alice", "--webhook-kind", "discord"], "webhook kind must be one of slack, teams"),
    ):
        answer = runner.invoke(cli.app, ["user", "set", *args, "-c", config])
        assert answer.exit_code == 1 and message in answer.output, answer.output
    stopped = runner.invoke(cli.app, ["user", "set", "alice", "--email", "", "-c", config])
    assert stopped.exit_code == 0
    result = run_digest(project.settings, env={})
    assert [d.channel for d in result.deliveries] == ["slack"]
