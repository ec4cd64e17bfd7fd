-- One row per live source customer record: its golden id and the strongest link that
-- attached it (first pass, then best score); records alone get match_rule 'single'.
create or replace table core.customer_xref as
with
record as (
    select * from work.golden_record
),

link_end as (
    select link.rid_a as rid, link.* exclude (rid_a, rid_b) from work.link as link
    union all
    select link.rid_b as rid, link.* exclude (rid_a, rid_b) from work.link as link
),

best_link as (
    select
        link_end.rid,
        arg_min(link_end.rule, [link_end.pass_no::double, -link_end.score]) as match_rule,
        arg_min(link_end.score, [link_end.pass_no::double, -link_end.score]) as match_score,
        arg_min(link_end.evidence, [link_end.pass_no::double, -link_end.score]) as evidence
    from link_end
    group by link_end.rid
),

final as (
    select
        record.customer_id,
        record.source,
        record.source_id,
        record.system,
        record.role,
        coalesce(best_link.match_rule, 'single') as match_rule,
        coalesce(best_link.match_score, 1.0)::decimal(5,4) as match_score,
        coalesce(best_link.evidence, json_object('rule', 'single')::varchar) as evidence,
        -- when the source last changed the record (provenance for the profile)
        record.updated_at as source_updated_at,
        record._run_id as loaded_in_run
    from record
    left join best_link
        on best_link.rid = record.rid
)

select * from final
