-- SQLite (data/app.db): how each user receives the morning digest. Set with
-- `c360 user set NAME --email … --webhook … --language …`.
create table if not exists digest_subscription (
    username     text primary key,
    email        text,
    webhook_url  text,
    webhook_kind text not null default 'slack',
    language     text
);
