"""Dependencies shared by the routes, as `Annotated` aliases.

Routes read like `read_customer(snap: SnapshotDep, user: CustomerReader, ...)`.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer

from api import store
from api.errors import Forbidden, NotAuthenticated
from api.inbound import PushCheck
from api.owner_tie import effective_owner_name
from api.security import decode_access_token
from api.snapshot import SnapshotManager, SnapshotReader
from kernel.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user or an integration key."""

    username: str
    role: str
    display_name: str | None = None
    owner_name: str | None = None
    source: str | None = None  # for API keys bound to one source

    @property
    def is_sales(self) -> bool:
        return self.role == "sales"


# Dependencies are `async def` on purpose: each is a few microseconds of work that never
# waits on I/O (the signed-in user is a cached primary-key read), and FastAPI runs every
# sync dependency in its thread pool, one thread switch each: five of them cost more than
# the whole profile lookup. Only the route itself runs in the pool.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_push_check(request: Request) -> PushCheck | None:
    return request.app.state.check_push  # type: ignore[no-any-return]


PushCheckDep = Annotated[PushCheck | None, Depends(get_push_check)]


async def get_snapshot_manager(request: Request) -> SnapshotManager:
    return request.app.state.snapshots  # type: ignore[no-any-return]


async def get_snapshot(
    manager: Annotated[SnapshotManager, Depends(get_snapshot_manager)],
) -> AsyncIterator[SnapshotReader]:
    if manager.stale():
        # Opening a newly published snapshot happens off the event loop.
        await run_in_threadpool(manager.refresh)
    with manager.reader() as reader:
        yield reader


SnapshotDep = Annotated[SnapshotReader, Depends(get_snapshot)]


def _basic_api_key(request: Request) -> str | None:
    """An API key sent as the password of HTTP Basic auth (Zapier's "Basic Auth" field)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        _user, _, password = base64.b64decode(credentials).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return password if password.startswith(store.API_KEY_PREFIX) else None


async def get_current_user(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    return authenticate(request, settings, token)


def authenticate(request: Request, settings: Settings, token: str | None) -> Principal:
    """The caller of a bearer token or API key (401 when none is valid)."""
    token = token or _basic_api_key(request)
    if not token:
        raise NotAuthenticated()
    if token.startswith(store.API_KEY_PREFIX):
        key = store.find_api_key(settings, token)
        if key is None:
            raise NotAuthenticated("This API key is not valid.")
        return Principal(username=f"key:{key.name}", role=key.role, source=key.source)
    claims = decode_access_token(settings, token)
    if claims is None:
        raise NotAuthenticated("Your session token is invalid or has expired: sign in again.")
    user = store.signed_in_user(settings, claims.username)
    if user is None or user.disabled:
        raise NotAuthenticated("This account no longer exists or is disabled.")
    if claims.version != user.token_version:
        raise NotAuthenticated("Your password changed since this token was made: sign in again.")
    owner_name = user.owner_name
    if user.role == "sales" and not owner_name:
        owner_name = effective_owner_name(
            getattr(request.app.state, "snapshots", None), None, user.email, user.username
        )
    return Principal(
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        owner_name=owner_name,
    )


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency letting through only the given roles (admin always passes)."""
    allowed = frozenset((*roles, "admin"))

    async def check(user: CurrentUser) -> Principal:
        if user.role not in allowed:
            raise Forbidden()
        return user

    return check


# Who may read what (DESIGN.md, roles). Sales users are further limited to their customers.
CustomerReader = Annotated[Principal, Depends(require_roles("sales", "finance", "executive"))]
AlertReader = Annotated[Principal, Depends(require_roles("sales", "finance", "executive"))]
FinanceUser = Annotated[Principal, Depends(require_roles("finance"))]
ExecutiveUser = Annotated[Principal, Depends(require_roles("executive"))]
AdminUser = Annotated[Principal, Depends(require_roles())]
IntegrationUser = Annotated[Principal, Depends(require_roles("integration"))]
