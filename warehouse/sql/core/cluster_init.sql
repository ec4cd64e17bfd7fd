-- Every record starts as its own cluster; links and the review queue start empty.
create or replace table work.cluster as
select rid, rid as cid, match_siren as siren from work.customer_record;
create or replace table work.link (
    rid_a bigint, rid_b bigint, rule varchar, score double, evidence varchar, pass_no integer
);
create or replace table work.review (
    rid_a bigint, rid_b bigint, score double, evidence varchar
);
