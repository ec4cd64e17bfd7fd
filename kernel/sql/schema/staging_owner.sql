-- CRM owners (users): the people other objects name in their `owner` column, by id in most
-- sources (HubSpot hubspot_owner_id, Salesforce OwnerId, Dynamics _ownerid_value, Odoo
-- user_id). The build resolves those ids to names (core/owner.sql) and the API ties a sales
-- login to its owner by e-mail.
create table if not exists staging.owner (
    source               varchar not null,
    source_id            varchar not null,  -- the id other objects' owner column holds
    name                 varchar,
    email                varchar,
    email_valid          boolean,
    is_active            boolean,           -- false: deactivated / archived / disabled user
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);
