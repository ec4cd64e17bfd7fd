-- Generic profile (ingest/systems/generic/profile.toml): SQL value macros.

-- A list of document references as typed by hand: ';' or ',' between them, spaces around
-- ignored; NULL when it names none.
create or replace temp macro c360_ref_list(s) as
    nullif(
        array_to_string(
            list_filter(
                list_transform(string_split(replace(coalesce(s, ''), ',', ';'), ';'), lambda x: trim(x)),
                lambda x: x <> ''
            ),
            ';'
        ),
        ''
    );
