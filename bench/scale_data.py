"""Synthetic staging.customer / staging.invoice / staging.sales_order at any size, in SQL.

`make_staging(folder, per_side, crm_share, invoices_per_customer, orders_per_customer)`
writes `folder/staging.duckdb` through `warehouse.connection.init_staging` and fills it
with DuckDB SQL over range() and hash(): no Python loop per row. Cached by parameters
(a `ready.json` marker), so re-runs reuse the file.

Company k (1..n) always has an ERP record; it has a CRM record for `crm_share` of k, and
the remaining CRM records are prospects (companies absent from the ERP). Key coverage of
matched pairs: 60 % share a valid SIRET (Luhn-valid SIREN and SIRET), 30 % are linked only
by the ERP code held by the CRM record (`customer_code`), 10 % carry no key at all (only
name variant + postcode + city: the fuzzy pass). Half the keyed pairs also share an e-mail
domain, a third a phone. The ERP often spells the name differently (upper case, dotted
legal form, no legal form, "Ets" prefix, one-letter typo). Postcodes: 6,000 values,
skewed (index = 6000·u², so dense "cities" exist as in France).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import one_row
from kernel.connection import connect, init_staging

SYLLABLES = [
    "bar",
    "del",
    "mon",
    "tis",
    "ver",
    "lau",
    "ric",
    "dou",
    "fer",
    "gal",
    "hen",
    "jar",
    "ker",
    "lem",
    "mar",
    "nor",
    "pel",
    "quen",
    "ros",
    "sau",
    "tho",
    "vil",
    "bou",
    "cha",
    "dra",
    "gre",
    "bre",
    "fon",
    "lac",
    "mer",
    "pon",
    "roc",
    "sal",
    "tan",
    "van",
    "zel",
    "ber",
    "cor",
    "dam",
    "lou",
]
ACTIVITIES = [
    "Menuiserie",
    "Transports",
    "Boulangerie",
    "Garage",
    "Imprimerie",
    "Atelier",
    "Laboratoires",
    "Métallerie",
    "Plomberie",
    "Électricité",
    "Fromagerie",
    "Brasserie",
    "Chaudronnerie",
    "Scierie",
    "Mécanique",
    "Plasturgie",
    "Logistique",
    "Carrosserie",
    "Vignobles",
    "Usinage",
    "Fonderie",
    "Emballages",
    "Câblerie",
    "Agroalimentaire",
]
FORMS = ["SARL", "SAS", "SA", "EURL", "SASU"]
DOTTED = ["S.A.R.L.", "S.A.S.", "S.A.", "E.U.R.L.", "S.A.S.U."]

MACROS = """
create or replace temp macro luhn_digit(b) as (
    (10 - list_sum(list_transform(range(length(b)), lambda j:
        case when (length(b) - j) % 2 = 1
            then cast(substr(b, j + 1, 1) as integer) * 2
                 - case when cast(substr(b, j + 1, 1) as integer) * 2 > 9 then 9 else 0 end
            else cast(substr(b, j + 1, 1) as integer)
        end)) % 10) % 10
);
create or replace temp macro syl(h) as ({syllables}[1 + cast(h % 40 as integer)]);
"""

COMPANY_SQL = """
create or replace temp table company as
with base as (
    select
        k,
        hash(k, 11) % 100 as key_roll,
        hash(k, 12) as h_name,
        hash(k, 13) % 100 as variant_roll,
        cast(floor(6000 * pow((hash(k, 14) % 1000000) / 1000000.0, 2)) as integer) as pc_idx,
        lpad(cast(hash(k, 15) % 100000000 as varchar), 8, '0') as siren_body,
        lpad(cast(hash(k, 16) % 10000 as varchar), 4, '0') as nic,
        hash(k, 17) % 100 as contact_roll
    from range(1, $n_companies + 1) as t(k)
)
select
    base.*,
    upper(left(syl(h_name >> 8), 1)) || substr(syl(h_name >> 8), 2) || syl(h_name >> 16)
        || syl(h_name >> 24) as surname,
    $act[1 + cast((h_name >> 32) % 24 as integer)] as activity,
    1 + cast((h_name >> 40) % 5 as integer) as form_idx,
    lpad(cast(1000 + (pc_idx * 7919) % 94000 as varchar), 5, '0') as postcode,
    upper(left(syl(pc_idx), 1)) || substr(syl(pc_idx), 2) || syl(pc_idx // 40)
        || case when pc_idx % 3 = 0 then '-sur-Mer' else '' end as city,
    siren_body || cast(luhn_digit(siren_body) as varchar) as siren
from base
"""

CUSTOMER_SQL = """
insert into staging.customer by name
with c as (
    select
        company.*,
        company.siren || company.nic
            || cast(luhn_digit(company.siren || company.nic) as varchar) as siret,
        company.activity || ' ' || company.surname as core_name,
        lower(company.surname) || cast(company.k as varchar) || '.fr' as domain,
        '+3314' || lpad(cast(company.k % 10000000 as varchar), 7, '0') as phone_e164
    from company
),
erp as (
    select
        'erp' as source,
        'P' || lpad(cast(k as varchar), 9, '0') as source_id,
        'E' || lpad(cast(k as varchar), 8, '0') as customer_code,
        case
            when variant_roll < 10 then upper(core_name || ' ' || $forms[form_idx])
            when variant_roll < 20 then core_name || ' ' || $dotted[form_idx]
            when variant_roll < 28 then core_name
            when variant_roll < 34 then 'Ets ' || core_name
            when variant_roll < 40 then left(core_name, length(core_name) - 2)
                || right(core_name, 1) || ' ' || $forms[form_idx]
            else core_name || ' ' || $forms[form_idx]
        end as name,
        case when key_roll < 90 then siren end as siren,
        case when key_roll < 90 then siret end as siret,
        case when key_roll < 90 then true end as siren_valid,
        case when key_roll < 90 then true end as siret_valid,
        case when contact_roll < 50 and key_roll < 90 then 'compta@' || domain end as email,
        case when contact_roll < 33 and key_roll < 90 then phone_e164 end as phone,
        postcode, city, 'FR' as country, true as is_customer, 30 as payment_terms_days,
        cast(10000 as decimal(18,2)) as credit_limit_amount
    from c
    where k <= $n_erp
),
crm as (
    select
        'crm' as source,
        'H' || lpad(cast(k as varchar), 11, '0') as source_id,
        case when key_roll >= 60 and key_roll < 90 and k <= $n_erp
            then 'E' || lpad(cast(k as varchar), 8, '0') end as customer_code,
        core_name || ' ' || $forms[form_idx] as name,
        case when key_roll < 60 or k > $n_erp then siren end as siren,
        case when key_roll < 60 or k > $n_erp then siret end as siret,
        case when key_roll < 60 or k > $n_erp then true end as siren_valid,
        case when key_roll < 60 or k > $n_erp then true end as siret_valid,
        case when contact_roll < 50 and key_roll < 90 then 'contact@' || domain end as email,
        case when contact_roll < 33 and key_roll < 90 then phone_e164 end as phone,
        postcode, city, 'FR' as country, k <= $n_erp as is_customer,
        null::integer as payment_terms_days, null::decimal(18,2) as credit_limit_amount
    from c
    where k <= $n_crm_matched or k > $n_erp
)
select *, 'EUR' as currency, false as is_deleted, 'bench' as _run_id,
       'bench.csv' as _file, cast(null as bigint) as _line,
       timestamp '2025-01-01' as created_at, timestamp '2026-11-01' as updated_at
from (select * from erp union all by name select * from crm)
"""

INVOICE_SQL = """
insert into staging.invoice by name
with inv as (
    select
        k, j,
        date '2025-01-01' + cast(hash(k, j, 21) % 690 as integer) as issue,
        cast(5000 + hash(k, j, 22) % 2000000 as bigint) as ht,
        hash(k, j, 23) % 100 as roll
    from range(1, $n_erp + 1) as c(k), range(1, $per + 1) as i(j)
)
select
    'erp' as source,
    'INV' || cast(k as varchar) || '-' || cast(j as varchar) as source_id,
    'P' || lpad(cast(k as varchar), 9, '0') as customer_source_id,
    'FA' || cast(k as varchar) || '-' || cast(j as varchar) as invoice_number,
    case when roll < 5 then 'credit_note' else 'invoice' end as kind,
    'posted' as status,
    issue as issue_date,
    issue + 30 as due_date,
    cast(ht / 100.0 as decimal(18,2)) as amount_excl_tax,
    cast(ht * 1.2 / 100.0 as decimal(18,2)) as amount_incl_tax,
    case when roll < 5 or roll >= 80 then 0
         else cast(ht * 1.2 / 100.0 as decimal(18,2)) end as amount_open,
    'EUR' as currency, false as is_deleted, 'bench' as _run_id
from inv
"""

ORDER_SQL = """
insert into staging.sales_order by name
select
    'erp' as source,
    'SO' || cast(k as varchar) || '-' || cast(j as varchar) as source_id,
    'P' || lpad(cast(k as varchar), 9, '0') as customer_source_id,
    'SO' || cast(k as varchar) || '-' || cast(j as varchar) as order_number,
    ['confirmed', 'shipped', 'delivered', 'invoiced', 'cancelled'][
        1 + cast(hash(k, j, 31) % 5 as integer)] as status,
    date '2025-01-01' + cast(hash(k, j, 32) % 690 as integer) as order_date,
    cast((5000 + hash(k, j, 33) % 500000) / 100.0 as decimal(18,2)) as amount_excl_tax,
    cast((5000 + hash(k, j, 33) % 500000) * 1.2 / 100.0 as decimal(18,2)) as amount_incl_tax,
    'EUR' as currency, false as is_deleted, 'bench' as _run_id
from range(1, $n_erp + 1) as c(k), range(1, $per + 1) as i(j)
where hash(k, 30) % 2 = 0
"""


def make_staging(
    folder: Path,
    per_side: int,
    crm_matched_share: float = 0.85,
    invoices_per_customer: int = 0,
    orders_per_customer: int = 0,
) -> dict[str, Any]:
    """Create (or reuse) folder/staging.duckdb; return its row counts."""
    params = {
        "per_side": per_side,
        "crm_matched_share": crm_matched_share,
        "invoices": invoices_per_customer,
        "orders": orders_per_customer,
        "v": 3,
    }
    marker = folder / "ready.json"
    if marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("params") == params:
            counts: dict[str, Any] = saved["counts"]
            return counts
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "staging.duckdb"
    for p in (db, db.with_name(db.name + ".wal"), marker):
        p.unlink(missing_ok=True)
    n_erp = per_side
    n_crm_matched = int(per_side * crm_matched_share)
    n_companies = n_erp + (per_side - n_crm_matched)  # prospects fill the CRM side up
    con = connect(db)
    init_staging(con)
    # The syllables are constants of this module, so they can be written into the macro.
    literal = "[" + ", ".join(f"'{x}'" for x in SYLLABLES) + "]"
    con.execute(MACROS.replace("{syllables}", literal))
    con.execute(COMPANY_SQL, {"n_companies": n_companies, "act": ACTIVITIES})
    con.execute(
        CUSTOMER_SQL,
        {"n_erp": n_erp, "n_crm_matched": n_crm_matched, "forms": FORMS, "dotted": DOTTED},
    )
    if invoices_per_customer:
        con.execute(INVOICE_SQL, {"n_erp": n_erp, "per": invoices_per_customer})
    if orders_per_customer:
        con.execute(ORDER_SQL, {"n_erp": n_erp, "per": orders_per_customer})
    counts = {
        t: one_row(con, f"select count(*) from staging.{t}")[0]
        for t in ("customer", "invoice", "sales_order")
    }
    counts["largest_postcode_block"] = one_row(
        con, "select max(n) from (select count(*) n from staging.customer group by postcode)"
    )[0]
    # Upper bound of the fuzzy pass's candidate pairs (warehouse/sql/core/fuzzy_pair.sql
    # blocks on postcode, city, city + first name token, each block kept if <= 2000 rows),
    # before its distinct / same-cluster / SIREN filters.
    counts["fuzzy_pairs_upper_bound"] = one_row(
        con,
        """with b as (
            select 'p' || postcode k from staging.customer
            union all select 'c' || city from staging.customer
            union all select 'n' || city || split_part(name, ' ', 1) from staging.customer
        ), s as (select count(*) c from b group by k)
        select sum(c * (c - 1) // 2) filter (where c <= 2000),
               count(*) filter (where c > 2000)
        from s""",
    )[0]
    con.execute("checkpoint")
    con.close()
    marker.write_text(json.dumps({"params": params, "counts": counts}))
    return counts


def true_pairs_sql() -> str:
    """Same-company (crm, erp) pairs: both source ids carry k."""
    return (
        "select count(*) from core.customer_xref a join core.customer_xref b "
        "on a.customer_id = b.customer_id and a.source = 'crm' and b.source = 'erp' "
        "and cast(substr(a.source_id, 2) as bigint) = cast(substr(b.source_id, 2) as bigint)"
    )
