"""Health (no auth), sign-in (OAuth2 password flow) and the caller's identity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request

from api import store
from api.deps import CurrentUser, SettingsDep
from api.errors import ApiError
from api.schemas import ErrorOut, Health, Me, TokenOut
from api.security import create_access_token, dummy_hash, verify_password

router = APIRouter(tags=["auth"])

# bcrypt is a deliberate CPU cost: at most half the cores check passwords at once (see
# api.main), so a sign-in flood from many addresses leaves the reads their CPU. A check
# waits this long for a turn, then answers 503 with Retry-After.
PASSWORD_CHECK_WAIT = 10.0


@router.get("/health", response_model=Health)
def read_health(request: Request) -> Any:
    """Liveness, which snapshot is served and how old it is, and each source's last
    successful load; needs no authentication."""
    freshness = request.app.state.freshness
    snap = freshness.snapshot()
    return {
        "status": "ok",
        "snapshot": snap.build_id if snap else None,
        "published_at": snap.published_at if snap else None,
        "snapshot_age_seconds": freshness.age_seconds(snap),
        "sources": freshness.sources(snap),
    }


def client_address(request: Request) -> str:
    """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"


class PasswordForm:
    """OAuth2's password form (FastAPI's OAuth2PasswordRequestForm) with its username and
    password declared non-empty: an empty form field reads as missing (a 422), and the
    OpenAPI document says so."""

    def __init__(
        self,
        username: Annotated[str, Form(min_length=1)],
        password: Annotated[str, Form(min_length=1, json_schema_extra={"format": "password"})],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.username = username
        self.password = password
        self.scopes = scope.split()


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses={
        400: {"model": ErrorOut, "description": "A form that cannot be read"},
        429: {"description": "Too many sign-in attempts; see Retry-After"},
    },
)
def create_token(
    request: Request,
    settings: SettingsDep,
    form: Annotated[PasswordForm, Depends()],
) -> Any:
    """Exchange a username and password for a bearer token.

    Throttled per username and per client address (429 with Retry-After, checked before
    the password); `api.lockout_failures` failures in a row lock the account until it
    expires (`api.lockout_minutes`) or an admin unlocks it."""
    address = client_address(request)
    wait = request.app.state.login_throttle.check(form.username, address)
    if wait is not None:
        store.audit(settings, form.username, "auth.throttled", None, address)
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many sign-in attempts: wait {wait} seconds and try again.",
            headers={"Retry-After": str(wait)},
        )
    user = store.get_user(settings, form.username)
    if user is not None and store.is_locked(settings, user):
        store.audit(settings, form.username, "auth.locked", None, address)
        raise ApiError(
            401,
            "account_locked",
            "This account is locked after too many failed sign-ins: ask an administrator "
            "to unlock it.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    slots = request.app.state.password_checks
    if not slots.acquire(timeout=PASSWORD_CHECK_WAIT):
        raise ApiError(
            503,
            "busy",
            "Too many sign-ins at once: try again in a moment.",
            headers={"Retry-After": "2"},
        )
    try:
        ok = verify_password(form.password, user.password_hash if user else dummy_hash())
    finally:
        slots.release()
    if user is None or not ok or user.disabled:
        store.audit(settings, form.username, "auth.failed", None, address)
        if user is not None and not ok:
            store.login_failed(settings, user.username)
        raise ApiError(
            401,
            "invalid_credentials",
            "Wrong username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    store.login_succeeded(settings, user)
    token, expires_in = create_access_token(settings, user.username, user.role, user.token_version)
    store.audit(settings, user.username, "auth.token", None, user.role)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "role": user.role,
        "username": user.username,
        "display_name": user.display_name,
    }


@router.get("/me", response_model=Me)
def read_me(user: CurrentUser) -> Any:
    """Who the token belongs to."""
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "owner_name": user.owner_name,
    }
