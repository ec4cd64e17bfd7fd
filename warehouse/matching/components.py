"""Clusters of linked records: SQL min-label propagation with a SIREN guard."""

from __future__ import annotations

import logging

import duckdb

from warehouse.sqlfiles import execute

logger = logging.getLogger(__name__)

MAX_ITERATIONS = 200

INIT_SQL = """
create or replace table work.cluster as
select rid, rid as cid, match_siren as siren from work.customer_record;
create or replace table work.link (
    rid_a bigint, rid_b bigint, rule varchar, score double, evidence varchar, pass_no integer
);
create or replace table work.review (
    rid_a bigint, rid_b bigint, score double, evidence varchar
);
create table if not exists work.decision (rid_a bigint, rid_b bigint, decision varchar);
"""

# Record links of this pass between two clusters whose SIRENs do not differ; a steward's
# explicit 'match' is the one link allowed to join two legal units (their call, on record).
EDGE_SQL = """
create or replace table work.edge as
select
    pass_link.*,
    left_cluster.cid as cid_a,
    right_cluster.cid as cid_b,
    left_cluster.siren as siren_a,
    right_cluster.siren as siren_b
from work.pass_link as pass_link
inner join work.cluster as left_cluster
    on left_cluster.rid = pass_link.rid_a
inner join work.cluster as right_cluster
    on right_cluster.rid = pass_link.rid_b
where left_cluster.cid <> right_cluster.cid
    and (pass_link.rule = 'steward'
         or not coalesce(left_cluster.siren <> right_cluster.siren, false))
    and not exists (
        select 1
        from work.decision as decision
        where decision.decision = 'no_match'
            and least(decision.rid_a, decision.rid_b) = least(pass_link.rid_a, pass_link.rid_b)
            and greatest(decision.rid_a, decision.rid_b)
                = greatest(pass_link.rid_a, pass_link.rid_b)
    )
"""

# Components that would join two SIRENs through records without one: keep only the
# links between equal SIRENs there, and send the others to the review queue.
CONFLICT_SQL = """
create or replace temp table conflicted as
with cluster_siren as (
    select cid, any_value(siren) as siren from work.cluster group by cid
)
select lp.label
from lp
inner join cluster_siren on cluster_siren.cid = lp.node
group by lp.label
having count(distinct cluster_siren.siren) > 1
"""

DEFER_SQL = """
insert into work.review
select edge.rid_a, edge.rid_b, edge.score,
    json_object('rule', edge.rule, 'reason', 'would join two different SIRENs',
                'link', edge.evidence::json)::varchar
from work.edge as edge
inner join lp on lp.node = edge.cid_a
where lp.label in (select label from conflicted)
    and (edge.siren_a is null) <> (edge.siren_b is null);
delete from work.edge
where rowid in (
    select edge.rowid
    from work.edge as edge
    inner join lp on lp.node = edge.cid_a
    where lp.label in (select label from conflicted)
        and (edge.siren_a is null) <> (edge.siren_b is null)
)
"""

APPLY_SQL = """
insert into work.link
select rid_a, rid_b, rule, score, evidence, $pass_no from work.edge;
create or replace table work.cluster as
with relabelled as (
    select cluster.rid, coalesce(lp.label, cluster.cid) as cid, cluster.siren
    from work.cluster as cluster
    left join lp on lp.node = cluster.cid
)
select rid, cid, max(siren) over (partition by cid) as siren from relabelled
"""


def init_clusters(con: duckdb.DuckDBPyConnection) -> None:
    execute(con, INIT_SQL)


def propagate(con: duckdb.DuckDBPyConnection) -> int:
    """Label every cluster in work.edge with the smallest cluster id of its component."""
    con.execute(
        "create or replace temp table lp_edge as "
        "select cid_a as a, cid_b as b from work.edge "
        "union select cid_b, cid_a from work.edge"
    )
    con.execute(
        "create or replace temp table lp as select distinct a as node, a as label from lp_edge"
    )
    for iteration in range(1, MAX_ITERATIONS + 1):
        con.execute(
            """
            create or replace temp table lp_next as
            with neighbour as (
                select lp_edge.a as node, min(lp.label) as label
                from lp_edge inner join lp on lp.node = lp_edge.b
                group by lp_edge.a
            ),
            stepped as (
                select lp.node, least(lp.label, neighbour.label) as label
                from lp inner join neighbour on neighbour.node = lp.node
            )
            select stepped.node, least(stepped.label, jumped.label) as label
            from stepped inner join stepped as jumped on jumped.node = stepped.label
            """
        )
        row = con.execute(
            "select count(*) from lp inner join lp_next on lp_next.node = lp.node "
            "where lp_next.label <> lp.label"
        ).fetchone()
        con.execute("create or replace temp table lp as select * from lp_next")
        if row is None or row[0] == 0:
            return iteration
    raise RuntimeError("label propagation did not converge")


def merge_pass_links(con: duckdb.DuckDBPyConnection, pass_no: int) -> int:
    """Merge work.pass_link into work.cluster; return the number of accepted links."""
    con.execute(EDGE_SQL)
    propagate(con)
    con.execute(CONFLICT_SQL)
    conflicted = con.execute("select count(*) from conflicted").fetchone()
    if conflicted and conflicted[0]:
        logger.info("%d component(s) would mix SIRENs; links deferred to review", conflicted[0])
        execute(con, DEFER_SQL)
        propagate(con)
    execute(con, APPLY_SQL, {"pass_no": pass_no})
    row = con.execute("select count(*) from work.edge").fetchone()
    return int(row[0]) if row else 0
