"""Password hashing (bcrypt) and access tokens (JWT HS256 signed with settings.signing_key())."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from time import time

import bcrypt
import jwt

from kernel.settings import Settings

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


# The most used passwords and the obvious ones for this product: refused whatever the
# length setting (compared lower-cased, so "Password123" is refused too).
COMMON_PASSWORDS = frozenset(
    [
        "123456789",
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0000000000",
        "1234512345",
        "9876543210",
        "password",
        "password1",
        "password12",
        "password123",
        "password1234",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "motdepasse",
        "motdepasse1",
        "motdepasse123",
        "azertyuiop",
        "azerty123",
        "azerty1234",
        "qwertyuiop",
        "qwerty123",
        "qwerty1234",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qazwsxedc",
        "iloveyou1",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "welcome1234",
        "bienvenue",
        "bienvenue1",
        "bienvenue123",
        "administrator",
        "admin12345",
        "admin123456",
        "adminadmin",
        "changeme123",
        "changemenow",
        "secret1234",
        "football123",
        "baseball123",
        "princess123",
        "sunshine123",
        "trustno1234",
        "dragon1234",
        "monkey1234",
        "soleil1234",
        "c360c360c360",
        "customer360",
        "c360password",
        "c360-admin",
    ]
)


def password_problem(password: str, min_length: int) -> str | None:
    """Why a new password is refused, or None when it is strong enough."""
    if not password:
        return "the password is empty"
    if len(password) < min_length:
        return f"the password must have at least {min_length} characters"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "the password is too common or too easy to guess; choose another"
    return None


@dataclass(frozen=True)
class TokenClaims:
    username: str
    role: str
    # The user's token_version when the token was made: a password change or a disabled
    # account bumps it, and older tokens stop working.
    version: int = 0


def create_access_token(
    settings: Settings, username: str, role: str, version: int = 0
) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    lifetime = timedelta(minutes=settings.api.token_minutes)
    now = datetime.now(UTC)
    payload = {"sub": username, "role": role, "ver": version, "iat": now, "exp": now + lifetime}
    token = jwt.encode(payload, settings.signing_key(), algorithm=ALGORITHM)
    return token, int(lifetime.total_seconds())


# Tokens already verified by this process, with their expiry: verifying the signature
# costs more than the rest of a profile read, and a client sends the same token for hours.
# Keyed by the signing key too (a new secret_key ends every token at once); bounded.
_VERIFIED_MAX = 4096
_verified: dict[tuple[str, str], tuple[float, TokenClaims]] = {}


def decode_access_token(settings: Settings, token: str) -> TokenClaims | None:
    """Claims of a valid, unexpired token; None otherwise."""
    key = (settings.signing_key(), token)
    known = _verified.get(key)
    if known is not None:
        if time() < known[0]:
            return known[1]
        _verified.pop(key, None)
    claims, expires = _verify(key[0], token)
    if claims is not None:
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[key] = (expires, claims)
    return claims


def _verify(signing_key: str, token: str) -> tuple[TokenClaims | None, float]:
    try:
        payload = jwt.decode(
            token,
            signing_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        return None, 0.0
    try:
        version = int(payload.get("ver", 0))
        expires = float(payload["exp"])
    except (TypeError, ValueError):
        return None, 0.0
    claims = TokenClaims(
        username=str(payload["sub"]), role=str(payload.get("role", "")), version=version
    )
    return claims, expires
