"""The digest tells quotes and tickets from the alert's code and parameters (quote number,
amount, age; ticket number, subject, opening date), in French and English number and date
formats — never the mart's English message — and caps each digest at digest.max_lines,
most severe first, with "and N more" and a link to the alerts list.

Hand-made HubSpot index-page exports (label headers, every field quoted) of the companies
of writeback_project's ERP customers, their quotes and tickets. as_of = 2026-11-28.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from digest_servers import Hooks, SmtpServer
from hand_made import quoted_csv
from writeback_project import Project, make_project

from api import security, store
from kernel.snapshots import current_snapshot
from warehouse.digest import run_digest
from warehouse.digest.subscriptions import set_subscription

security.BCRYPT_ROUNDS = 4
NNBSP, NBSP = "\u202f", "\u00a0"
Q = '"'


COMPANIES = quoted_csv(
    ("Record ID", "Company name", "City", "Code client ERP"),
    ("501", "Marchand et Fils", "Lyon", "C001"),
    ("502", "Boulangerie Durand", "Paris", "C002"),
)
QUOTES = quoted_csv(
    ("Record ID", "Quote name", "Quote number", "Quote status", "Quote amount", "Currency",
     "Expiration date", "Create date", "Associated Company IDs"),
    ("9101", "Ligne 3", "Q-101", "Approval not needed", "12000.0", "EUR", "2026-12-31",
     "2026-10-01 09:00", "501"),
    ("9102", "Options", "Q-102", "Approval not needed", "800.5", "EUR", "",
     "2026-10-20 10:00", "501"),
    ("9103", "Four", "Q-103", "Approval not needed", "1234.56", "EUR", "",
     "2026-10-15 10:00", "502"),
    # 13 days old: not yet unanswered (alerts.quote_unanswered_days = 30)
    ("9104", "Pétrin", "Q-104", "Approval not needed", "99.99", "EUR", "",
     "2026-11-15 10:00", "502"),
)  # fmt: skip
TICKETS = quoted_csv(
    ("Record ID", "Ticket name", "Ticket status", "Priority", "Create date", "Close date",
     "Associated Contact IDs", "Associated Company IDs"),
    ("8001", "Panne ligne 2", "New", "Urgent", "2026-11-26 08:00", "", "", "501"),
    ("8002", "Invoice dispute", "New", "Urgent", "2026-11-20 14:00", "", "", "502"),
    ("8003", "Question", "New", "Low", "2026-11-20 14:00", "", "", "502"),
)  # fmt: skip


def _project(root: Path, smtp: SmtpServer, extra: str = "") -> Project:
    made = make_project(root / "company", {})
    inbox = made.root / "inbox" / "hub"
    inbox.mkdir(parents=True)
    (inbox / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    (inbox / "quotes.csv").write_text(QUOTES, encoding="utf-8")
    (inbox / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    config = made.root / "c360.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '[[sources]]\nname = "hub"\nsystem = "hubspot"\nrole = "crm"\ninbox = "inbox/hub"\n'
        + "[digest]\n"
        + smtp.settings_toml
        + extra,
        encoding="utf-8",
    )
    made.publish()
    settings = made.settings
    store.add_user(settings, "alice", "sales", "pw-alice-1234", owner_name="Alice Martin")
    store.add_user(settings, "bruno", "sales", "pw-bruno-1234", owner_name="Bruno Petit")
    store.dispose_engines()
    set_subscription(settings.app_db, "alice", email="alice@acme.example", language="fr")
    set_subscription(settings.app_db, "bruno", email="bruno@acme.example", language="en")
    return made


def _texts(smtp: SmtpServer) -> dict[str, str]:
    return {
        rcpt[0]: message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        for rcpt, message, _ in smtp.mailbox.messages
    }


def test_quotes_and_tickets_from_their_parameters_in_both_languages(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    project = _project(tmp_path, smtp)
    snapshot = current_snapshot(project.settings.snapshots_dir)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        params = con.execute(
            "select alert_type, reference, since, age_days, subject, amount::varchar "
            "from mart.alert where alert_type in ('quote_unanswered', 'urgent_ticket') "
            "order by alert_type, reference"
        ).fetchall()
    assert [(p[0], p[1], str(p[2]), p[3], p[4], p[5]) for p in params] == [
        ("quote_unanswered", "Q-101", "2026-10-01", 58, None, "12000.00"),
        ("quote_unanswered", "Q-102", "2026-10-20", 39, None, "800.50"),
        ("quote_unanswered", "Q-103", "2026-10-15", 44, None, "1234.56"),
        ("urgent_ticket", "8001", "2026-11-26", None, "Panne ligne 2", None),
        ("urgent_ticket", "8002", "2026-11-20", None, "Invoice dispute", None),
    ]
    assert run_digest(project.settings, env={}).ok
    texts = _texts(smtp)
    alice, bruno = texts["alice@acme.example"], texts["bruno@acme.example"]
    assert (
        "- Marchand et Fils — Devis sans réponse : "
        f"devis Q-101 de 12{NNBSP}000,00{NBSP}€ envoyé il y a 58 j, sans réponse; "
        f"devis Q-102 de 800,50{NBSP}€ envoyé il y a 39 j, sans réponse "
        f"· 12{NNBSP}800,50{NBSP}€\n" in alice
    )
    assert (
        "- Marchand et Fils — Ticket urgent : ticket 8001 « Panne ligne 2 » ouvert le 26/11/2026\n"
        in alice
    )
    assert (
        "- Boulangerie Durand — Quote unanswered: "
        "quote Q-103 for €1,234.56 sent 44 days ago, unanswered\n" in bruno
    )
    assert (
        '- Boulangerie Durand — Urgent ticket: ticket 8002 "Invoice dispute" open since '
        "2026-11-20\n" in bruno
    )
    # the mart's English sentences never reach a reader
    assert "still unanswered" not in alice + bruno and "Urgent ticket 8001" not in alice
    assert "Q-104" not in bruno and "Question" not in bruno


def test_a_digest_is_capped_most_severe_first_with_a_link_to_the_rest(
    tmp_path: Path, smtp: SmtpServer, hooks: tuple[Hooks, str]
) -> None:
    project = _project(tmp_path, smtp, "max_lines = 2\n")
    received, url = hooks
    set_subscription(project.settings.app_db, "alice", webhook_url=f"{url}/hook/alice")
    result = run_digest(project.settings, env={})
    assert result.ok
    email = next(d for d in result.deliveries if d.username == "alice" and d.channel == "email")
    # high first, largest amount first: overdue with an offer open (12,000.00), then the
    # credit limit (3,200.00); the urgent ticket (high, no amount), the overdue and the
    # quotes (medium) are counted
    assert [line.kind for line in email.digest.lines] == [
        "overdue_before_offer",
        "credit_limit_exceeded",
    ]
    assert email.digest.more == 3 and email.subject.startswith("c360 · 5 alerte(s)")
    alice = _texts(smtp)["alice@acme.example"]
    assert (
        "… et 3 autre(s) : la liste des alertes sur vos clients\n"
        "  https://c360.example.com/customers\n" in alice
    )
    assert "Ticket urgent" not in alice and "Devis" not in alice
    slack = dict(received.received)["alice"]["text"]
    assert "<https://c360.example.com/customers|… et 3 autre(s)" in slack
    # what was counted is not told again while it does not change
    assert run_digest(project.settings, env={}).deliveries == []
