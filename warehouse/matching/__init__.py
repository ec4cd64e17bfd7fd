"""Identity resolution: link source customer records into golden customers.

Passes run in the configured order (xref, legal_id, contact, fuzzy, ledger_name). Each pass produces
record links; links are merged into clusters by SQL min-label propagation, and a cluster
never holds two different SIRENs. Everything is set-based over `work.*` tables.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb

from kernel.errors import C360Error
from kernel.sqlfiles import execute
from warehouse.matching.components import init_clusters, merge_pass_links
from warehouse.matching.decisions import apply_decisions, load_decisions
from warehouse.matching.fuzzy import fuzzy_pass_links
from warehouse.matching.ledger_name import apply_account_codes, ledger_name_links
from warehouse.sqlfiles import run_file, sql

logger = logging.getLogger(__name__)

# The passes that link records sharing a key: each writes work.pass_key from its SQL file,
# filling the {key} column name (a constant) and binding the rest.
KEY_PASSES: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    # Pass 1: the ERP customer code, held by CRM records and used as FEC auxiliary account.
    "xref": (
        "core/pass_key",
        {"key": "code_key"},
        {"key_prefix": "code:", "evidence_name": "customer_code"},
    ),
    # Pass 2: the SIREN, from a valid SIRET, a valid SIREN or a French VAT number.
    "legal_id": (
        "core/pass_key",
        {"key": "match_siren"},
        {"key_prefix": "siren:", "evidence_name": "siren"},
    ),
    # Pass 3: company e-mail domain with postcode, or an E.164 phone number.
    "contact": ("core/pass_contact", {}, {}),
}
OTHER_PASSES = ("fuzzy", "ledger_name")
LEGAL_FORMS = [
    "sarl",
    "sas",
    "sasu",
    "sa",
    "eurl",
    "sci",
    "snc",
    "sca",
    "selarl",
    "gmbh",
    "ltd",
    "ets",
    "etablissements",
    "inc",
    "llc",
    "plc",
    "ag",
    "bv",
    "srl",
    "spa",
]

# Luhn check over a digit string (SIREN, SIRET), used when ingest left a flag empty.
LUHN_MACRO = sql("core/luhn_ok")


class MatchingError(C360Error, ValueError):
    """The matching configuration names an unknown pass."""


def resolve(
    con: duckdb.DuckDBPyConnection,
    passes: list[str],
    params: dict[str, Any],
    app_db: Path | None = None,
) -> dict[str, int]:
    """Fill work.cluster (rid → cid), work.link and work.review; return links per rule.

    The automatic passes run first and their clusters are kept as work.receivable_group.
    Steward decisions from `app_db` then apply on top: 'no_match' pairs cut the automatic
    links between two records, 'match' pairs join (even across two SIRENs: the steward
    decided). See warehouse/matching/decisions.py.
    """
    unknown = [p for p in passes if p not in KEY_PASSES and p not in OTHER_PASSES]
    if unknown:
        raise MatchingError(f"unknown matching pass(es): {', '.join(unknown)}")
    execute(con, LUHN_MACRO)
    run_file(con, "core/customer_record", {**params, "legal_forms": LEGAL_FORMS})
    apply_account_codes(con, params.get("account_codes", {}))
    init_clusters(con)
    counts: dict[str, int] = {}
    for pass_no, rule in enumerate(passes, start=1):
        if rule == "fuzzy":
            fuzzy_pass_links(con, params)
        elif rule == "ledger_name":
            ledger_name_links(con, params)
        else:
            name, identifiers, key_params = KEY_PASSES[rule]
            run_file(con, name, {"rule": rule, **key_params}, identifiers=identifiers or None)
            run_file(
                con,
                "core/pass_link",
                {"rule": rule, "cross_source_only": rule == "xref"},
            )
        counts[rule] = merge_pass_links(con, pass_no)
        logger.info("matching pass %s: %d links accepted", rule, counts[rule])
    run_file(con, "core/receivable_group")
    if load_decisions(con, app_db):
        counts["steward"] = apply_decisions(con)
    return counts
