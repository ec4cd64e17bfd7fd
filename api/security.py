"""Password hashing (bcrypt) and access tokens (JWT HS256 signed with settings.signing_key())."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import bcrypt
import jwt

from warehouse.settings import Settings

ALGORITHM = "HS256"
# Tests lower this to keep the suite fast; 12 is bcrypt's recommended default.
BCRYPT_ROUNDS = 12
# bcrypt only reads the first 72 bytes; longer inputs raise in bcrypt >= 5.
_BCRYPT_MAX = 72


def hash_password(password: str) -> str:
    salt = bcrypt.gensalt(rounds=BCRYPT_ROUNDS)
    return bcrypt.hashpw(password.encode()[:_BCRYPT_MAX], salt).decode()


@cache
def dummy_hash() -> str:
    """Checked when the user does not exist, so timing does not reveal usernames."""
    return hash_password("not-a-real-password")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:_BCRYPT_MAX], password_hash.encode())
    except ValueError:
        return False


@dataclass(frozen=True)
class TokenClaims:
    username: str
    role: str


def create_access_token(settings: Settings, username: str, role: str) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    lifetime = timedelta(minutes=settings.api.token_minutes)
    now = datetime.now(UTC)
    payload = {"sub": username, "role": role, "iat": now, "exp": now + lifetime}
    token = jwt.encode(payload, settings.signing_key(), algorithm=ALGORITHM)
    return token, int(lifetime.total_seconds())


def decode_access_token(settings: Settings, token: str) -> TokenClaims | None:
    """Claims of a valid, unexpired token; None otherwise."""
    try:
        payload = jwt.decode(
            token,
            settings.signing_key(),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    return TokenClaims(username=str(payload["sub"]), role=str(payload.get("role", "")))
