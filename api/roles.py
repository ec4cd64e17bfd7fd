"""The roles a user of the API and dashboard can hold: the one list of them.

A module of its own, importing nothing, so the CLI names the roles in its help without
loading the user store."""

from __future__ import annotations

from typing import Literal, get_args

UserRole = Literal["sales", "finance", "executive", "admin", "integration"]
USER_ROLES: tuple[UserRole, ...] = get_args(UserRole)
