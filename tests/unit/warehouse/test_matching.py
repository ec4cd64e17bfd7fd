"""Identity resolution on the reference dataset: exact links per pass."""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
from warehouse_fixtures import SIREN_BETA, SIREN_GAMMA, xref_of

from kernel.settings import Settings


def test_every_live_record_is_in_the_xref_once(reference: duckdb.DuckDBPyConnection) -> None:
    keys = reference.execute("select source, source_id from core.customer_xref").fetchall()
    assert len(keys) == len(set(keys)) == 21
    assert ("crm", "H99") not in set(keys)  # deleted at source


def test_xref_pass_links_crm_erp_and_fec_by_customer_code(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    x = xref_of(reference)
    assert x[("erp", "E1")][0] == x[("crm", "H1")][0] == x[("compta", "CUST001")][0]
    assert {x[k][1] for k in [("erp", "E1"), ("crm", "H1"), ("compta", "CUST001")]} == {"xref"}
    evidence = reference.execute(
        "select evidence from core.customer_xref where source = 'crm' and source_id = 'H1'"
    ).fetchone()
    assert evidence is not None
    assert json.loads(evidence[0]) == {"rule": "xref", "customer_code": "CUST001"}


def test_legal_id_pass_uses_siret_siren_and_french_vat(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    x = xref_of(reference)
    assert x[("erp", "E2")] == (x[("crm", "H2")][0], "legal_id")
    assert x[("erp", "E3")] == (x[("crm", "H3")][0], "legal_id")
    rows = reference.execute(
        "select source_id, evidence from core.customer_xref where source_id in ('H2', 'H3')"
    ).fetchall()
    sirens = {sid: json.loads(ev)["siren"] for sid, ev in rows}
    assert sirens == {"H2": SIREN_BETA, "H3": SIREN_GAMMA}


def test_contact_pass_domain_and_postcode_or_phone(reference: duckdb.DuckDBPyConnection) -> None:
    x = xref_of(reference)
    assert x[("erp", "E4")] == (x[("crm", "H4")][0], "contact")
    assert x[("erp", "E6")] == (x[("crm", "H6")][0], "contact")
    # gmail.com is a free-mail domain: same domain and postcode do not link.
    assert x[("erp", "E5")][0] != x[("crm", "H5")][0]


def test_fuzzy_pass_merges_above_threshold_and_queues_the_review_band(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    x = xref_of(reference)
    assert x[("erp", "E7")] == (x[("crm", "H7")][0], "fuzzy")
    assert x[("erp", "E8")][0] != x[("crm", "H8")][0]
    queued = reference.execute(
        "select left_source_id, right_source_id, score from core.match_candidate"
    ).fetchall()
    assert len(queued) == 1
    assert {queued[0][0], queued[0][1]} == {"E8", "H8"}
    assert 0.80 <= float(queued[0][2]) < 0.92


def test_two_valid_sirens_are_never_merged(reference: duckdb.DuckDBPyConnection) -> None:
    x = xref_of(reference)
    # Same name, same postcode, same phone: still two customers.
    assert x[("erp", "E9")][0] != x[("crm", "H9")][0]


def test_a_record_between_two_sirens_goes_to_review(
    staging_factory: Callable[..., Settings],
) -> None:
    from warehouse_fixtures import SIREN_ALPHA_1, SIREN_ALPHA_2, insert, snapshot, staging

    from warehouse.build import build

    settings = staging_factory(with_seed=False)
    with staging(settings) as con:
        insert(con, "customer", source="erp", source_id="A", name="Un", siren=SIREN_ALPHA_1, phone="+33100000001")  # fmt: skip
        insert(con, "customer", source="erp", source_id="B", name="Deux", siren=SIREN_ALPHA_2, email="a@bridge.fr", postcode="75001")  # fmt: skip
        insert(con, "customer", source="crm", source_id="X", name="Pont", phone="+33100000001", email="b@bridge.fr", postcode="75001")  # fmt: skip
    result = build(settings)
    assert result.published
    assert result.snapshot is not None
    with snapshot(result.snapshot) as snap:
        x = xref_of(snap)
        # X shares a phone with A and a domain + postcode with B, whose SIRENs differ:
        # joining it to either would be a guess, so it stays alone and both links wait.
        assert len({x[("erp", "A")][0], x[("erp", "B")][0], x[("crm", "X")][0]}) == 3
        assert x[("crm", "X")][1] == "single"
        queued = snap.execute("select evidence from core.match_candidate").fetchall()
        assert len(queued) == 2
        assert all(json.loads(e[0])["reason"] == "would join two different SIRENs" for e in queued)


def test_steward_decisions_are_reapplied(staging_factory: Callable[..., Settings]) -> None:
    import sqlite3

    from warehouse_fixtures import snapshot

    from warehouse.build import build

    settings = staging_factory()
    app = sqlite3.connect(settings.app_db)
    app.execute(
        "create table match_decision (left_source text, left_source_id text, "
        "right_source text, right_source_id text, decision text)"
    )
    app.executemany(
        "insert into match_decision values (?, ?, ?, ?, ?)",
        [("erp", "E8", "crm", "H8", "match"), ("crm", "H7", "erp", "E7", "no_match")],
    )
    app.commit()
    app.close()
    result = build(settings)
    assert result.snapshot is not None
    with snapshot(result.snapshot) as snap:
        x = xref_of(snap)
        assert x[("erp", "E8")] == (x[("crm", "H8")][0], "steward")
        assert x[("erp", "E7")][0] != x[("crm", "H7")][0]
        assert snap.execute("select count(*) from core.match_candidate").fetchone() == (0,)
