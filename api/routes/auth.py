"""Health (no auth), sign-in (OAuth2 password flow) and the caller's identity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api import store
from api.deps import CurrentUser, SettingsDep
from api.errors import ApiError
from api.schemas import Health, Me, TokenOut
from api.security import create_access_token, dummy_hash, verify_password

router = APIRouter(tags=["auth"])


@router.get("/health", response_model=Health)
def read_health(request: Request) -> Any:
    """Liveness and which snapshot is served; needs no authentication."""
    snap = request.app.state.snapshots.current()
    return {
        "status": "ok",
        "snapshot": snap.build_id if snap else None,
        "published_at": snap.published_at if snap else None,
    }


@router.post("/auth/token", response_model=TokenOut)
def create_token(
    settings: SettingsDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Any:
    """Exchange a username and password for a bearer token."""
    user = store.get_user(settings, form.username)
    ok = verify_password(form.password, user.password_hash if user else dummy_hash())
    if user is None or not ok or user.disabled:
        store.audit(settings, form.username, "auth.failed", None, None)
        raise ApiError(
            401,
            "invalid_credentials",
            "Wrong username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token, expires_in = create_access_token(settings, user.username, user.role)
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
