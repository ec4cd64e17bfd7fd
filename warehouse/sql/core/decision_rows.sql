-- The steward decisions read from app.db (match_decision), as they were recorded; filled
-- by warehouse/matching/decisions.py, read by core/decision.
create or replace temp table decision_rows (
    left_source      varchar,
    left_source_id   varchar,
    right_source     varchar,
    right_source_id  varchar,
    decision         varchar,
    kind             varchar,
    decided_at       timestamp
)
