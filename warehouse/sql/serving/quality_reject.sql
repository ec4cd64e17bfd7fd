-- needs: meta.reject
create or replace table serving.quality_reject as
select
    row_number() over (
        order by r.run_id desc, r.source, r.file, r.line
    ) as seq,
    r.source,
    to_json(r)::varchar as doc
from (
    select
        j.run_id,
        j.source,
        j.file,
        j.object,
        j.line,
        j.raw,
        j.reason
    from meta.reject as j
) as r
