"""Steward decisions over HTTP (admin): always match, never match, merge, split."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.decisions import (
    DecisionConflict,
    DecisionError,
    DecisionNotFound,
    NothingPublished,
    decide,
    list_decisions,
)
from api.deps import AdminUser, SettingsDep
from api.errors import ApiError, NotFound
from api.schemas import ErrorOut, UtcDateTime

router = APIRouter(prefix="/match-decisions", tags=["matching"])


# What the store can resolve (api.decisions.RecordRef.parse): `source:source_id`, the id
# itself may hold colons; a customer id holds none.
RECORD = r"^[^:]+:.+$"
CUSTOMER = r"^[^:]+$"
RECORD_OR_CUSTOMER = r"^[^:]+(:.+)?$"


class PairIn(BaseModel):
    """Two source records that are (always_match) or are not (never_match) one customer."""

    kind: Literal["always_match", "never_match"]
    left: str = Field(pattern=RECORD, description="a record, source:source_id")
    right: str = Field(pattern=RECORD, description="the other record, source:source_id")
    reason: str | None = None


class MergeIn(BaseModel):
    """Two customers that are one: every record of each is linked to the other."""

    kind: Literal["merge"]
    left: str = Field(pattern=CUSTOMER, description="a customer id")
    right: str = Field(pattern=CUSTOMER, description="the other customer id")
    reason: str | None = None


class SplitIn(BaseModel):
    """Undo a merge (a customer id), or take one record out of its customer."""

    kind: Literal["split"]
    left: str = Field(
        pattern=RECORD_OR_CUSTOMER, description="a customer id, or a record source:source_id"
    )
    reason: str | None = None


DecisionIn = Annotated[PairIn | MergeIn | SplitIn, Field(discriminator="kind")]


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
    decided_at: UtcDateTime


class DecisionsOut(BaseModel):
    data: list[DecisionOut]
    count: int
    next_cursor: str | None = None


@router.post(
    "",
    response_model=DecisionsOut,
    status_code=201,
    responses={
        400: {"model": ErrorOut, "description": "A body that cannot be read as JSON"},
        409: {"model": ErrorOut, "description": "Contradicts the published snapshot"},
    },
)
def create_decision(body: DecisionIn, user: AdminUser, settings: SettingsDep) -> Any:
    """Record a steward decision; it is applied at the next build. A record or customer
    absent from the published snapshot is a 404; a decision that contradicts it (merging
    a customer with itself, splitting a lone record) a 409."""
    right = body.right if isinstance(body, PairIn | MergeIn) else None
    try:
        made = decide(
            settings, body.kind, body.left, right, reason=body.reason, actor=user.username
        )
    except DecisionNotFound as exc:
        raise NotFound("decision_target_not_found", str(exc)) from exc
    except DecisionConflict as exc:
        raise ApiError(409, "decision_conflict", str(exc)) from exc
    except NothingPublished as exc:
        raise ApiError(503, "no_snapshot", str(exc)) from exc
    except DecisionError as exc:
        raise ApiError(422, "invalid_decision", str(exc)) from exc
    data = [d.model_dump() for d in made]
    return {"data": data, "count": len(data), "next_cursor": None}


@router.get("", response_model=DecisionsOut)
def read_decisions(user: AdminUser, settings: SettingsDep) -> Any:
    """Every decision on record, oldest first."""
    data = [d.model_dump() for d in list_decisions(settings)]
    return {"data": data, "count": len(data), "next_cursor": None}
