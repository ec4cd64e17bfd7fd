"""Admin actions on accounts: unlock after failed sign-ins, disable, enable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import store
from api.deps import AdminUser, SettingsDep
from api.errors import ApiError, NotFound
from api.schemas import ErrorOut
from api.schemas_ops import UserOut

router = APIRouter(prefix="/users", tags=["admin"])


def _change(action: Any, settings: SettingsDep, username: str, *args: Any) -> Any:
    try:
        return action(settings, username, *args)
    except LookupError:
        raise NotFound("user_not_found", f"There is no user named {username!r}.") from None


@router.post("/{username}/unlock", response_model=UserOut)
def unlock_user(username: str, settings: SettingsDep, admin: AdminUser) -> Any:
    """Clear a lockout after failed sign-ins (and the count of failures)."""
    return _change(store.unlock_user, settings, username, admin.username)


@router.post(
    "/{username}/disable",
    response_model=UserOut,
    responses={409: {"model": ErrorOut, "description": "An admin's own account"}},
)
def disable_user(username: str, settings: SettingsDep, admin: AdminUser) -> Any:
    """Refuse this user's sign-ins; the tokens already given stop working at once. An
    admin cannot disable their own account (the last admin would lock everyone out)."""
    if username == admin.username:
        raise ApiError(409, "own_account", "You cannot disable your own account.")
    return _change(store.set_disabled, settings, username, True, admin.username)


@router.post("/{username}/enable", response_model=UserOut)
def enable_user(username: str, settings: SettingsDep, admin: AdminUser) -> Any:
    """Let a disabled user sign in again (older tokens stay dead)."""
    return _change(store.set_disabled, settings, username, False, admin.username)
