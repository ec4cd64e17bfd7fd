-- The data-quality page's aggregates, one document per part: match rates per source,
-- conflicts per field, rejects per source and reason, failed checks. A part whose
-- table is absent from the snapshot is simply missing (the page shows it empty).
create or replace table serving.quality_part (part varchar primary key, doc varchar)
