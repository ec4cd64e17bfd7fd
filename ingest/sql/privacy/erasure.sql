-- Erasures of contact persons: when, how many records, never the address in clear.
-- meta.erasure_key holds the pseudonymous keys (sha256 of a prefixed, normalised value)
-- that the ingest applies to every later load, so an old extract loaded again is erased
-- again (a suppression list). The same macros compute the keys at erase and at ingest.
create table if not exists meta.erasure (
    erasure_id    varchar not null,   -- the erase run's id (UTC time)
    erased_at     timestamp not null,
    key_kind      varchar not null,   -- email | phone: what the person was named by
    key_hash      varchar not null,
    contacts      bigint not null,    -- staging.contact rows removed
    activities    bigint not null,    -- activities and tickets unlinked from them
    landed_files  bigint not null,    -- landed files rewritten or deleted
    sources       varchar             -- the source systems that still hold the person
);

create table if not exists meta.erasure_key (
    kind      varchar not null,       -- email | phone | contact (a CRM record: source:id)
    key_hash  varchar not null,
    primary key (kind, key_hash)
);

create or replace temp macro erasure_email(v) as nullif(lower(trim(v)), '');

create or replace temp macro erasure_phone(v) as
    nullif(regexp_replace(v, '[^0-9+]', '', 'g'), '');

create or replace temp macro erasure_hash(kind, v) as sha256('c360-erasure:' || kind || ':' || v);
