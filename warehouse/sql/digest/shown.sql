-- What each digest shows: at most $max_lines lines per recipient and channel, the most
-- severe first, then the largest amounts; `more` counts the lines left out (told as
-- "and N more" with a link to the alerts list). Lines are in the order shown.
create or replace temp table digest_shown as
with
ranked as (
    select
        digest_new.*,
        row_number() over (
            partition by digest_new.username, digest_new.channel
            order by
                digest_new.severity_rank,
                abs(digest_new.amount) desc nulls last,
                digest_new.name,
                digest_new.customer_id,
                digest_new.kind
        ) as line_no,
        count(*) over (partition by digest_new.username, digest_new.channel) as line_count
    from digest_new
)

select
    ranked.*,
    greatest(ranked.line_count - $max_lines, 0) as more
from ranked
where ranked.line_no <= $max_lines
