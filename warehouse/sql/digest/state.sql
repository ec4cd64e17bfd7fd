-- What the last digest run told each salesperson on each channel (data/digest.duckdb):
-- one row per customer and kind with its amount then. An item is sent again only when it
-- is new or its amount changed; the `outstanding` rows are the base of balance jumps.
create table if not exists digest_sent (
    username    varchar not null,
    channel     varchar not null,
    customer_id varchar not null,
    kind        varchar not null,
    amount      decimal(18,2),
    sent_at     timestamp not null,
    primary key (username, channel, customer_id, kind)
);
