"""The morning digest: each salesperson is told what is new or changed on their customers.

`run_digest(settings)` finds, per sales user with an owner name and a channel (e-mail
and/or a Slack or Teams incoming webhook, `c360 user set`), the items of their customers
(`mart.customer_360.owner` = the user's owner name) that are new or whose amount changed
since the last digest run: overdue balances, credit limit exceeded, an offer open to a
late payer, unanswered quotes, urgent tickets, and balance jumps (the outstanding rose by
`digest.balance_jump_percent` % and `digest.balance_jump_min_amount`). One set-based query
of the published snapshot against `data/digest.duckdb`; the state of a user and channel
changes only once their digest went out, so nothing is sent twice and a failed delivery
goes again next run.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import httpx

from kernel.connection import connect, rollback
from kernel.settings import Settings
from kernel.snapshots import current_snapshot
from warehouse.digest.deliver import DeliveryError, post_webhook, send_email
from warehouse.digest.render import (
    Digest,
    DigestLine,
    html_body,
    slack_payload,
    subject,
    teams_payload,
    text_body,
)
from warehouse.digest.subscriptions import Recipient, recipients
from warehouse.sqlfiles import run_file

logger = logging.getLogger(__name__)

# The alerts of mart.alert a salesperson acts on (the others are for data stewards).
ALERT_TYPES = ("overdue_before_offer", "credit_limit_exceeded", "quote_unanswered", "urgent_ticket")


class DigestError(Exception):
    """The digest cannot run: nothing published, no SMTP server for e-mail recipients."""


@dataclass
class Delivery:
    username: str
    channel: str
    to: str
    subject: str
    digest: Digest
    text: str = ""
    html: str = ""
    sent: bool = False
    error: str | None = None


@dataclass
class DigestResult:
    dry_run: bool
    recipients: int = 0
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.error for d in self.deliveries)


def run_digest(
    settings: Settings,
    *,
    env: Mapping[str, str],
    dry_run: bool = False,
    users: list[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DigestResult:
    """Compose (and unless `dry_run`, send) each recipient's digest."""
    chosen = recipients(settings.app_db, settings.dashboard.language)
    if users:
        unknown = sorted(set(users) - {r.username for r in chosen})
        if unknown:
            raise DigestError(
                f"no digest recipient {', '.join(unknown)} (a sales user with an owner name "
                "and an e-mail or webhook: c360 user set)"
            )
        chosen = [r for r in chosen if r.username in users]
    result = DigestResult(dry_run, len(chosen))
    if not chosen:
        return result
    config = settings.digest
    if not dry_run and config.smtp_host is None and any(r.email for r in chosen):
        raise DigestError("digest.smtp_host is not set: e-mail digests need an SMTP server")
    snapshot = current_snapshot(settings.snapshots_dir)
    if snapshot is None:
        raise DigestError("no snapshot is published yet: run `c360 build` first")
    password = env.get(config.smtp_password_env) if config.smtp_password_env else None
    con = connect(settings.digest_db, budget=settings.limits)
    try:
        lines = _new_lines(con, settings, snapshot, chosen)
        done: list[tuple[str, str]] = []
        with httpx.Client(timeout=30, follow_redirects=False) as client:
            for recipient in chosen:
                for channel in recipient.channels:
                    mine = lines.get((recipient.username, channel))
                    if mine is None:
                        done.append((recipient.username, channel))
                        continue
                    delivery = _compose(settings, recipient, channel, mine)
                    result.deliveries.append(delivery)
                    if dry_run:
                        continue
                    try:
                        if channel == "email":
                            send_email(
                                config,
                                password,
                                delivery.to,
                                delivery.subject,
                                delivery.text,
                                delivery.html,
                            )
                        else:
                            payload_of = slack_payload if channel == "slack" else teams_payload
                            payload = payload_of(
                                mine, recipient.language, delivery.subject, settings.dashboard_url
                            )
                            post_webhook(client, delivery.to, payload, sleep)
                    except DeliveryError as exc:
                        delivery.error = str(exc)
                        logger.warning(
                            "digest for %s by %s not sent: %s", recipient.username, channel, exc
                        )
                        continue
                    delivery.sent = True
                    done.append((recipient.username, channel))
        if not dry_run:
            _remember(con, done)
    finally:
        con.close()
    return result


def _new_lines(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    snapshot: object,
    chosen: list[Recipient],
) -> dict[tuple[str, str], Digest]:
    run_file(con, "digest/state")
    quoted = str(snapshot).replace("'", "''")
    con.execute(f"attach '{quoted}' as snap (read_only)")
    pairs = [(r.username, r.owner_name, c) for r in chosen for c in r.channels]
    run_file(
        con,
        "digest/recipient",
        {
            "r_username": [p[0] for p in pairs],
            "r_owner": [p[1] for p in pairs],
            "r_channel": [p[2] for p in pairs],
        },
    )
    run_file(con, "digest/item", {"alert_types": list(ALERT_TYPES)})
    run_file(
        con,
        "digest/new",
        {
            "jump_percent": settings.digest.balance_jump_percent,
            "jump_min_amount": settings.digest.balance_jump_min_amount,
        },
    )
    run_file(con, "digest/shown", {"max_lines": settings.digest.max_lines})
    # At most max_lines rows per recipient and channel reach Python.
    rows = con.execute(
        "select username, channel, more, customer_id, name, currency, kind, amount, "
        "previous_amount, facts, oldest_overdue_days from digest_shown "
        "order by username, channel, line_no"
    ).fetchall()
    digests: dict[tuple[str, str], Digest] = {}
    for key, group in itertools.groupby(rows, key=lambda r: (r[0], r[1])):
        shown = list(group)
        digests[key] = Digest([DigestLine(*row[3:]) for row in shown], more=shown[0][2])
    return digests


def _compose(settings: Settings, recipient: Recipient, channel: str, digest: Digest) -> Delivery:
    lang = recipient.language
    title = subject(digest, lang, settings.effective_as_of())
    to = recipient.email if channel == "email" else recipient.webhook_url
    assert to is not None
    base = settings.dashboard_url
    return Delivery(
        recipient.username,
        channel,
        to,
        title,
        digest,
        text=text_body(digest, lang, recipient.owner_name, base),
        html=html_body(digest, lang, recipient.owner_name, base, title),
    )


def _remember(con: duckdb.DuckDBPyConnection, done: list[tuple[str, str]]) -> None:
    """What the delivered (or silent) recipients were told becomes their state."""
    run_file(
        con,
        "digest/done",
        {"d_username": [d[0] for d in done], "d_channel": [d[1] for d in done]},
    )
    con.execute("begin transaction")
    try:
        run_file(con, "digest/apply", {"sent_at": datetime.now(UTC).replace(tzinfo=None)})
        con.execute("commit")
    except duckdb.Error:
        rollback(con)
        raise
