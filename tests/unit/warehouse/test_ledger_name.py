"""Ledger accounts without a customer code: an embedded code, or a name borne by one
customer only; everything doubtful goes to the review queue."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import duckdb
from warehouse_fixtures import insert, snapshot, staging, xref_of

from kernel.settings import Settings
from kernel.sqlfiles import execute, statements
from warehouse.build import build
from warehouse.sqlfiles import sql

SOURCES = [
    {"name": "crm", "system": "hubspot", "role": "crm"},
    {"name": "erp", "system": "odoo", "role": "erp"},
    {"name": "compta", "system": "fec", "role": "accounting"},
]


def _build(
    staging_factory: Callable[..., Settings],
    rows: list[dict[str, Any]],
    **overrides: Any,
) -> duckdb.DuckDBPyConnection:
    settings = staging_factory(with_seed=False, **overrides)
    with staging(settings) as con:
        for row in rows:
            insert(con, "customer", **row)
    result = build(settings)
    assert result.published, result.message
    assert result.snapshot is not None
    return snapshot(result.snapshot)


def _review(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "select left_source_id, right_source_id, evidence from core.match_candidate "
        "order by left_source_id, right_source_id"
    ).fetchall()
    return [(r[0], r[1], json.loads(r[2])["match"]) for r in rows]


def test_ligatures_and_special_letters_fold(staging_factory: Callable[..., Settings]) -> None:
    pairs = [
        ("ŒUVRE D'ÆSOP", "Oeuvre d'Aesop"),
        ("STRAẞE BAU", "Strasse Bau GmbH"),
        ("ﬁNANCE ﬂORE", "Finance Flore SAS"),
        ("SØRENSEN ŁÓDŹ", "Sorensen Lodz"),
        ("Bœuf & Cœur", "BOEUF ET COEUR"),  # '&' is not 'et': no exact name
    ]
    rows: list[dict[str, Any]] = []
    for i, (ledger, crm) in enumerate(pairs):
        rows.append({"source": "compta", "source_id": f"4110{i}", "name": ledger})
        rows.append({"source": "crm", "source_id": f"H{i}", "name": crm, "city": f"Ville {i}"})
    con = _build(staging_factory, rows)
    x = xref_of(con)
    for i in range(4):
        assert x[("compta", f"4110{i}")] == (x[("crm", f"H{i}")][0], "ledger_name"), pairs[i]
    assert x[("compta", "41104")][0] != x[("crm", "H4")][0]
    con.close()


def test_the_fold_macro() -> None:
    con = duckdb.connect()
    # The macro is the first statement of the file that normalises every name.
    execute(con, statements(sql("core/customer_record"))[0])
    folded = con.execute(
        "select c360_fold('Bœuf & Cœur'), c360_fold('ÆSOP ẞ ﬃ ĳ Þór Đinh'), c360_fold(null)"
    ).fetchone()
    assert folded == ("boeuf & coeur", "aesop ss ffi ij thor dinh", None)
    con.close()


def test_uniqueness_counts_customers_not_records(
    staging_factory: Callable[..., Settings],
) -> None:
    # The CRM and ERP records of Lemoine are one customer: the name is still unique.
    con = _build(
        staging_factory,
        [
            {"source": "erp", "source_id": "E1", "customer_code": "K1", "name": "LEMOINE SA"},
            {"source": "crm", "source_id": "H1", "customer_code": "K1", "name": "Lemoine"},
            {"source": "compta", "source_id": "41100001", "name": "LEMOINE"},
        ],
    )
    x = xref_of(con)
    assert x[("compta", "41100001")] == (x[("erp", "E1")][0], "ledger_name")
    evidence = con.execute(
        "select evidence from core.customer_xref where source_id = '41100001'"
    ).fetchone()
    assert evidence is not None
    # The ERP record represents the customer.
    assert json.loads(evidence[0])["name_b"] == "LEMOINE SA"
    assert _review(con) == []
    con.close()


def test_a_name_twice_in_the_books_is_never_linked(
    staging_factory: Callable[..., Settings],
) -> None:
    con = _build(
        staging_factory,
        [
            {"source": "crm", "source_id": "H1", "name": "Garnier", "city": "Lyon"},
            {"source": "compta", "source_id": "41100001", "name": "GARNIER"},
            {"source": "compta", "source_id": "41100002", "name": "GARNIER SARL"},
            # An auxiliary account of the same name, already linked by its code, counts too.
            {"source": "crm", "source_id": "H2", "customer_code": "C9", "name": "Roux"},
            {"source": "compta", "source_id": "C9", "customer_code": "C9", "name": "ROUX"},
            {"source": "compta", "source_id": "41100003", "name": "ROUX"},
        ],
    )
    x = xref_of(con)
    assert len({x[("crm", "H1")][0], x[("compta", "41100001")][0]}) == 2
    assert len({x[("crm", "H1")][0], x[("compta", "41100002")][0]}) == 2
    assert x[("compta", "41100003")][1] == "single"
    assert _review(con) == [
        ("41100001", "H1", "ambiguous"),
        ("41100002", "H1", "ambiguous"),
        ("41100003", "H2", "ambiguous"),
    ]
    con.close()


def test_account_code_is_read_in_the_warehouse(staging_factory: Callable[..., Settings]) -> None:
    sources = [dict(s) for s in SOURCES]
    sources[2]["account_code"] = r"411(?P<code>K\d+)"
    con = _build(
        staging_factory,
        [
            {"source": "erp", "source_id": "E1", "customer_code": "K0001", "name": "Atlas"},
            {"source": "compta", "source_id": "411K0001", "name": "SOCIETE ATLAS NORD"},
            # Only the whole number counts: 4164110K2 is no 411 account.
            {"source": "erp", "source_id": "E2", "customer_code": "K2", "name": "Borea"},
            {"source": "compta", "source_id": "416411K2", "name": "CLIENT DOUTEUX"},
        ],
        sources=sources,
    )
    x = xref_of(con)
    assert x[("compta", "411K0001")] == (x[("erp", "E1")][0], "xref")
    assert x[("compta", "416411K2")][1] == "single"
    codes = dict(
        con.execute(
            "select xref.source_id, customer.customer_code from core.customer_xref as xref "
            "join core.customer as customer using (customer_id) where xref.source = 'compta'"
        ).fetchall()
    )
    assert codes == {"411K0001": "K0001", "416411K2": None}
    con.close()


def test_the_step_is_a_configurable_pass(staging_factory: Callable[..., Settings]) -> None:
    con = _build(
        staging_factory,
        [
            {"source": "crm", "source_id": "H1", "name": "Marchand et Fils"},
            {"source": "compta", "source_id": "41100559", "name": "MARCHAND ET FILS SARL"},
        ],
        matching={"passes": ["xref", "legal_id", "contact", "fuzzy"]},
    )
    x = xref_of(con)
    assert x[("compta", "41100559")][0] != x[("crm", "H1")][0]
    con.close()
