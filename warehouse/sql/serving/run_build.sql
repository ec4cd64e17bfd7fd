-- needs: meta.build
-- GET /runs `builds`: the build log as the snapshot has it (every column), newest first.
create or replace table serving.run_build as
select
    row_number() over (
        order by coalesce(b.build_id::varchar, b.started_at::varchar, '') desc
    ) as seq,
    to_json(b)::varchar as doc
from meta.build as b
