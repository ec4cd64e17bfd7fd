-- needs: mart.data_quality
-- GET /quality/findings: every finding of the data-quality checks (the records behind
-- the counts of /quality `checks`), by check, source and record, paged by `seq`.
create or replace table serving.quality_finding as
select
    row_number() over (
        order by d.check_name, d.source, d.source_id, d.customer_id, d.detail
    ) as seq,
    d.check_name,
    d.source,
    to_json(d)::varchar as doc
from (
    select
        q.check_name,
        q.severity,
        q.customer_id,
        q.source,
        q.source_id,
        q.detail
    from mart.data_quality as q
) as d
