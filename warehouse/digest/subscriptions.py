"""Who gets a digest, and how: the sales users of app.db and their digest settings.

The users are the API's (`app_user`, read-only here); how each receives the digest is a
table of its own in the same app.db (`digest_subscription`), written by
`c360 user set NAME --email … --webhook … --language …`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from warehouse.sqlfiles import sql

WEBHOOK_KINDS = ("slack", "teams")
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Recipient:
    username: str
    owner_name: str
    email: str | None
    webhook_url: str | None
    webhook_kind: str
    language: str

    @property
    def channels(self) -> list[str]:
        return (["email"] if self.email else []) + ([self.webhook_kind] if self.webhook_url else [])


def _open(app_db: Path) -> sqlite3.Connection:
    app_db.parent.mkdir(parents=True, exist_ok=True)
    lite = sqlite3.connect(app_db, timeout=30)
    lite.executescript(sql("digest/subscription"))
    return lite


def set_subscription(
    app_db: Path,
    username: str,
    *,
    email: str | None = None,
    webhook_url: str | None = None,
    webhook_kind: str | None = None,
    language: str | None = None,
) -> None:
    """Change what is given ("" clears it); the user must exist."""
    if webhook_kind is not None and webhook_kind not in WEBHOOK_KINDS:
        raise ValueError(f"webhook kind must be one of {', '.join(WEBHOOK_KINDS)}")
    if language not in (None, "", *LANGUAGES):
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if email and "@" not in email:
        raise ValueError(f"{email!r} is not an e-mail address")
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise ValueError("the webhook must be an http(s) URL (the incoming webhook's address)")
    lite = _open(app_db)
    try:
        with lite:
            known = (
                lite.execute(
                    "select 1 from sqlite_master where type = 'table' and name = 'app_user'"
                ).fetchone()
                and lite.execute(
                    "select 1 from app_user where username = ?", (username,)
                ).fetchone()
            )
            if not known:
                raise LookupError(f"no user named {username!r}")
            lite.execute(
                "insert into digest_subscription (username) values (?) on conflict do nothing",
                (username,),
            )
            for column, value in (
                ("email", email),
                ("webhook_url", webhook_url),
                ("webhook_kind", webhook_kind),
                ("language", language),
            ):
                if value is not None:
                    lite.execute(
                        f"update digest_subscription set {column} = ? where username = ?",
                        (value or None, username),
                    )
    finally:
        lite.close()


def recipients(app_db: Path, default_language: str) -> list[Recipient]:
    """Enabled sales users with an owner name and at least one channel."""
    if not app_db.exists():
        return []
    lite = _open(app_db)
    try:
        has_users = lite.execute(
            "select 1 from sqlite_master where type = 'table' and name = 'app_user'"
        ).fetchone()
        if not has_users:
            return []
        rows = lite.execute(
            "select u.username, u.owner_name, s.email, s.webhook_url, s.webhook_kind, s.language "
            "from app_user as u join digest_subscription as s on s.username = u.username "
            "where u.role = 'sales' and not u.disabled and coalesce(u.owner_name, '') <> '' "
            "order by u.username"
        ).fetchall()
    finally:
        lite.close()
    found = [
        Recipient(name, owner, email, hook, kind or "slack", language or default_language)
        for name, owner, email, hook, kind, language in rows
    ]
    return [r for r in found if r.channels]
