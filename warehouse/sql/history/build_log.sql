-- One row per build, its outcome and checks (rewritten when a build ends).
insert or replace into hist.build_log
values ($build_id, $started_at, $finished_at, $status, $message, $checks, $counts)
