"""Steward decisions over HTTP (admin): always match, never match, merge, split."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.decisions import DecisionError, decide, list_decisions
from api.deps import AdminUser, SettingsDep
from api.errors import ApiError

router = APIRouter(prefix="/match-decisions", tags=["matching"])


class DecisionIn(BaseModel):
    kind: Literal["always_match", "never_match", "merge", "split"]
    left: str = Field(
        description="source:source_id, or a customer id (merge; split undoes a merge)"
    )
    right: str | None = Field(default=None, description="the other record or customer")
    reason: str | None = None


class DecisionOut(BaseModel):
    decision_id: str
    kind: str
    decision: str
    left_source: str
    left_source_id: str
    right_source: str
    right_source_id: str
    reason: str | None
    decided_by: str | None
    decided_at: datetime


class DecisionsOut(BaseModel):
    data: list[DecisionOut]
    count: int
    next_cursor: str | None = None


@router.post("", response_model=DecisionsOut, status_code=201)
def create_decision(body: DecisionIn, user: AdminUser, settings: SettingsDep) -> Any:
    """Record a steward decision; it is applied at the next build."""
    try:
        made = decide(
            settings, body.kind, body.left, body.right, reason=body.reason, actor=user.username
        )
    except DecisionError as exc:
        raise ApiError(422, "invalid_decision", str(exc)) from exc
    data = [d.model_dump() for d in made]
    return {"data": data, "count": len(data), "next_cursor": None}


@router.get("", response_model=DecisionsOut)
def read_decisions(user: AdminUser, settings: SettingsDep) -> Any:
    """Every decision on record, oldest first."""
    data = [d.model_dump() for d in list_decisions(settings)]
    return {"data": data, "count": len(data), "next_cursor": None}
