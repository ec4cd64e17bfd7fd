"""The app store: a small SQLite database (settings.app_db) through SQLModel.

It holds what changes during the day: users, API keys, the audit log and the receipts
of inbound pushes (idempotency). DuckDB snapshots stay read-only; SQLite takes the writes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import monotonic

from sqlalchemy import Index, event, insert, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine, select

from api.roles import USER_ROLES
from api.security import hash_password
from kernel.settings import Settings

logger = logging.getLogger(__name__)

API_KEY_PREFIX = "c360_"


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    username: str = Field(primary_key=True)
    role: str
    password_hash: str
    display_name: str | None = None
    owner_name: str | None = None  # the CRM owner name matched against customer_360.owner
    # Without an owner_name, a sales login is tied to the CRM owner with this e-mail
    # (api/owner_tie.py); a username that is an address serves when it is blank.
    email: str | None = None
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    # Consecutive failed sign-ins; reset by a good one. At settings.api.lockout_failures
    # the account is locked (locked_at) until it expires or an admin unlocks it.
    failed_logins: int = 0
    locked_at: datetime | None = None
    # In every token; bumped when the password changes or the account is disabled, so
    # the tokens made before stop working at once.
    token_version: int = 0


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    key_id: str = Field(primary_key=True)
    name: str
    role: str = "integration"
    key_hash: str
    source: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    audit_id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str | None = None
    action: str
    target: str | None = None
    detail: str | None = None


class ProfileRead(SQLModel, table=True):
    """One read of a customer's profile or one of its sub-lists (who, which, when).

    `read_id` is time-ordered (hex microseconds, then random bits, see api/audit.py): it
    is the key and the keyset order of GET /audit, with no auto-increment counter, so
    several worker processes insert without coordinating."""

    __tablename__ = "profile_read"
    __table_args__ = (
        Index("ix_profile_read_user", "username", "read_id"),
        Index("ix_profile_read_customer", "customer_id", "read_id"),
    )

    read_id: str = Field(primary_key=True)
    at: datetime
    username: str
    role: str
    customer_id: str
    resource: str  # "profile", or the sub-list read: "invoices", "timeline", ...


class LoginAttempt(SQLModel, table=True):
    """A counted sign-in attempt (api/ratelimit.py): `user:<name>` or `address:<ip>`,
    at wall-clock seconds. Rows leave once out of the throttle's window."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key", "key", "at"),)

    attempt_id: int | None = Field(default=None, primary_key=True)
    key: str
    at: float = Field(index=True)


class InboundReceipt(SQLModel, table=True):
    __tablename__ = "inbound_receipt"

    source: str = Field(primary_key=True)
    idempotency_key: str = Field(primary_key=True)
    payload_sha256: str
    status_code: int
    response_json: str
    landed_path: str | None = None
    received_at: datetime = Field(default_factory=utcnow)


class MatchDecision(SQLModel, table=True):
    """A steward's decision on two source records, re-applied at every build.

    `decision` is what the build reads ('match' links the pair, 'no_match' forbids the
    direct link); `kind` says what the steward asked for (always_match, never_match,
    merge, split), so the quality page can show it in their words.
    """

    __tablename__ = "match_decision"

    decision_id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True)
    kind: str
    decision: str
    left_source: str
    left_source_id: str
    right_source: str
    right_source_id: str
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime = Field(default_factory=utcnow)


# Columns added after the first release, added in place to an older app.db.
_ADDED_COLUMNS = {
    "app_user": {
        "failed_logins": "integer not null default 0",
        "locked_at": "datetime",
        "token_version": "integer not null default 0",
        "email": "varchar",
    },
    "api_key": {"revoked_at": "datetime"},
}

_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(settings: Settings) -> Engine:
    """One engine per app.db file; tables created on first use."""
    path = settings.app_db
    with _engines_lock:
        engine = _engines.get(path)
        if engine is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _owner_only(path)
            engine = create_engine(
                f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 10}
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            # Any write through the store ends this process's cached sign-ins at once.
            event.listen(engine, "commit", lambda _con: forget_signed_in())
            SQLModel.metadata.create_all(
                engine,
                tables=[
                    User.__table__,  # type: ignore[attr-defined]
                    ApiKey.__table__,  # type: ignore[attr-defined]
                    AuditLog.__table__,  # type: ignore[attr-defined]
                    InboundReceipt.__table__,  # type: ignore[attr-defined]
                    ProfileRead.__table__,  # type: ignore[attr-defined]
                    MatchDecision.__table__,  # type: ignore[attr-defined]
                    LoginAttempt.__table__,  # type: ignore[attr-defined]
                ],
            )
            _add_columns(engine)
            _engines[path] = engine
        return engine


def _owner_only(path: Path) -> None:
    """app.db holds password hashes: created, or brought back to, mode 0600.

    SQLite gives its -wal and -shm files the mode of the database file."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() and side.stat().st_mode & 0o077:
            side.chmod(0o600)


def _add_columns(engine: Engine) -> None:
    with engine.begin() as con:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row[1] for row in con.execute(text(f"pragma table_info({table})"))}
            for name, ddl in columns.items():
                if name not in have:
                    con.execute(text(f"alter table {table} add column {name} {ddl}"))


def _sqlite_pragmas(dbapi_con: object, _record: object) -> None:
    cur = dbapi_con.cursor()  # type: ignore[attr-defined]
    cur.execute("pragma journal_mode=wal")
    cur.execute("pragma synchronous=full")
    cur.close()


def dispose_engines() -> None:
    global _generation
    forget_signed_in()
    _generation += 1
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def add_user(
    settings: Settings,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
    owner_name: str | None = None,
    email: str | None = None,
) -> User:
    """Create or update a user (used by `c360 user add`)."""
    if role not in USER_ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(USER_ROLES)}")
    if not username.strip():
        raise ValueError("username must not be empty")
    with Session(get_engine(settings)) as session:
        user = session.get(User, username)
        if user is None:
            user = User(username=username, role=role, password_hash=hash_password(password))
        else:
            user.role = role
            user.password_hash = hash_password(password)
            user.disabled = False
            user.token_version += 1  # a new password ends the sessions made with the old
            user.failed_logins, user.locked_at = 0, None
        user.display_name = display_name if display_name is not None else user.display_name
        user.owner_name = owner_name if owner_name is not None else user.owner_name
        user.email = email.strip().lower() if email is not None else user.email
        session.add(user)
        session.add(AuditLog(actor="cli", action="user.upsert", target=username, detail=role))
        session.commit()
        session.refresh(user)
        return user


def get_user(settings: Settings, username: str) -> User | None:
    with Session(get_engine(settings)) as session:
        return session.get(User, username)


@dataclass(frozen=True)
class SignedIn:
    """What a request needs of its user, read on every authenticated request."""

    username: str
    role: str
    display_name: str | None
    owner_name: str | None
    disabled: bool
    token_version: int
    email: str | None = None  # ties a salesperson without owner_name to a CRM owner


# Users as every authenticated request reads them, for at most SIGNED_IN_TTL seconds:
# a write through this process's store clears them at once; a write by another worker or
# the CLI (disable, new password, role) takes effect here within SIGNED_IN_TTL.
SIGNED_IN_TTL = 1.0
_signed_in: dict[tuple[Path, str], tuple[float, SignedIn | None]] = {}
_readers = threading.local()


_generation = 0


def forget_signed_in() -> None:
    _signed_in.clear()


def _reader(path: Path) -> sqlite3.Connection:
    """This thread's plain read connection to app.db (WAL: reads never wait on writes);
    opened again after dispose_engines (a test's app.db may be a new file)."""
    if getattr(_readers, "generation", None) != _generation:
        for old in getattr(_readers, "cons", {}).values():
            old.close()
        _readers.cons, _readers.generation = {}, _generation
    cons: dict[Path, sqlite3.Connection] = _readers.cons
    con = cons.get(path)
    if con is None:
        con = sqlite3.connect(path, timeout=10, check_same_thread=False)
        cons[path] = con
    return con


def signed_in_user(settings: Settings, username: str) -> SignedIn | None:
    """The user a token names, by primary key (cached up to SIGNED_IN_TTL seconds)."""
    key = (settings.app_db, username)
    now = monotonic()
    cached = _signed_in.get(key)
    if cached is not None and now - cached[0] < SIGNED_IN_TTL:
        return cached[1]
    get_engine(settings)  # creates app.db and its tables on first use
    row = (
        _reader(settings.app_db)
        .execute(
            "select username, role, display_name, owner_name, disabled, token_version, email "
            "from app_user where username = ?",
            (username,),
        )
        .fetchone()
    )
    found = (
        SignedIn(str(row[0]), str(row[1]), row[2], row[3], bool(row[4]), int(row[5] or 0), row[6])
        if row
        else None
    )
    _signed_in[key] = (now, found)
    return found


def list_users(settings: Settings) -> list[User]:
    with Session(get_engine(settings)) as session:
        return list(session.exec(select(User).order_by(User.username)))


def is_locked(settings: Settings, user: User) -> bool:
    """Locked by failed sign-ins, and not yet expired (lockout_minutes 0: never expires)."""
    if user.locked_at is None:
        return False
    minutes = settings.api.lockout_minutes
    locked_at = (
        user.locked_at.replace(tzinfo=UTC) if user.locked_at.tzinfo is None else user.locked_at
    )
    return minutes == 0 or utcnow() < locked_at + timedelta(minutes=minutes)


def login_failed(settings: Settings, username: str) -> bool:
    """Count a failed sign-in of an existing user; True when this one locks the account."""
    with Session(get_engine(settings)) as session:
        session.execute(
            update(User)
            .where(User.username == username)  # type: ignore[arg-type]
            .values(failed_logins=User.failed_logins + 1)
        )
        user = session.get(User, username)
        locks = (
            user is not None
            and user.failed_logins >= settings.api.lockout_failures
            and not is_locked(settings, user)
        )
        if locks and user is not None:
            user.locked_at = utcnow()
            session.add(user)
            session.add(
                AuditLog(
                    actor=username,
                    action="user.locked",
                    target=username,
                    detail=f"{user.failed_logins} failed sign-ins",
                )
            )
        session.commit()
        return locks


def login_succeeded(settings: Settings, user: User) -> None:
    if user.failed_logins or user.locked_at is not None:
        with Session(get_engine(settings)) as session:
            stored = session.get(User, user.username)
            if stored is not None:
                stored.failed_logins, stored.locked_at = 0, None
                session.add(stored)
                session.commit()


def _change_user(
    settings: Settings, username: str, actor: str, action: str, **values: object
) -> User:
    with Session(get_engine(settings)) as session:
        user = session.get(User, username)
        if user is None:
            raise LookupError(f"no user named {username!r}")
        for name, value in values.items():
            setattr(user, name, value)
        session.add(user)
        session.add(AuditLog(actor=actor, action=action, target=username))
        session.commit()
        session.refresh(user)
        return user


def unlock_user(settings: Settings, username: str, actor: str = "cli") -> User:
    """Clear a lockout and the count of failed sign-ins."""
    return _change_user(settings, username, actor, "user.unlock", failed_logins=0, locked_at=None)


def set_disabled(settings: Settings, username: str, disabled: bool, actor: str = "cli") -> User:
    """Disable (every token dies at once) or enable a user."""
    user = get_user(settings, username)
    if user is None:
        raise LookupError(f"no user named {username!r}")
    return _change_user(
        settings,
        username,
        actor,
        "user.disable" if disabled else "user.enable",
        disabled=disabled,
        token_version=user.token_version + (1 if disabled else 0),
    )


def _key_hash(key: str) -> str:
    # API keys are 256-bit random secrets: a fast hash is enough (no dictionary to guess).
    return hashlib.sha256(key.encode()).hexdigest()


def add_api_key(settings: Settings, name: str, source: str | None) -> str:
    """Create an integration key; returns the plaintext key, shown this once only."""
    key_id = uuid.uuid4().hex[:12]
    key = f"{API_KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    with Session(get_engine(settings)) as session:
        session.add(ApiKey(key_id=key_id, name=name, key_hash=_key_hash(key), source=source))
        session.add(AuditLog(actor="cli", action="api_key.create", target=key_id, detail=name))
        session.commit()
    return key


def find_api_key(settings: Settings, key: str) -> ApiKey | None:
    """The stored key matching a presented plaintext key, or None."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    key_id = key[len(API_KEY_PREFIX) :].split("_", 1)[0]
    with Session(get_engine(settings)) as session:
        stored = session.get(ApiKey, key_id)
    if stored is None or not secrets.compare_digest(stored.key_hash, _key_hash(key)):
        return None
    return None if stored.revoked_at is not None else stored


def list_api_keys(settings: Settings) -> list[ApiKey]:
    with Session(get_engine(settings)) as session:
        return list(session.exec(select(ApiKey).order_by(ApiKey.created_at)))  # type: ignore[arg-type]


def revoke_api_keys(settings: Settings, ident: str, actor: str = "cli") -> list[ApiKey]:
    """Revoke the key with this id (or this plaintext key), else every key of this name.

    Revoked keys stay on record (for the audit log) and never authenticate again."""
    key_id = (
        ident[len(API_KEY_PREFIX) :].split("_", 1)[0] if ident.startswith(API_KEY_PREFIX) else ident
    )
    with Session(get_engine(settings)) as session:
        found = session.get(ApiKey, key_id)
        keys = (
            [found]
            if found is not None
            else list(session.exec(select(ApiKey).where(ApiKey.name == ident)))
        )
        live = [k for k in keys if k.revoked_at is None]
        for key in live:
            key.revoked_at = utcnow()
            session.add(key)
            session.add(
                AuditLog(actor=actor, action="api_key.revoke", target=key.key_id, detail=key.name)
            )
        session.commit()
        for key in live:
            session.refresh(key)
        return live


def audit(
    settings: Settings, actor: str | None, action: str, target: str | None, detail: str | None
) -> None:
    """Record an event; never fails the request that triggered it."""
    try:
        with Session(get_engine(settings)) as session:
            session.add(AuditLog(actor=actor, action=action, target=target, detail=detail))
            session.commit()
    except Exception:  # the audit log must not take the API down
        logger.warning("audit log write failed for %s %s", action, target, exc_info=True)


def add_profile_reads(settings: Settings, rows: list[dict[str, object]]) -> None:
    """A batch of profile reads in one transaction (one commit, one fsync)."""
    with get_engine(settings).begin() as con:
        con.execute(insert(ProfileRead), rows)


def profile_reads(
    settings: Settings,
    username: str | None,
    customer_id: str | None,
    before: str | None,
    limit: int,
) -> list[ProfileRead]:
    """Up to `limit` reads, newest first, older than the read `before` (keyset paging)."""
    query = select(ProfileRead)
    if username is not None:
        query = query.where(ProfileRead.username == username)
    if customer_id is not None:
        query = query.where(ProfileRead.customer_id == customer_id)
    if before is not None:
        query = query.where(ProfileRead.read_id < before)
    query = query.order_by(ProfileRead.read_id.desc()).limit(limit)  # type: ignore[attr-defined]
    with Session(get_engine(settings)) as session:
        return list(session.exec(query))
