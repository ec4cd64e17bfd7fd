"""Search on hand-made customers (accents, legal forms, typos, owners), its index built by
the build's own SQL (warehouse/sql/serving/customer_search.sql, search_key.sql,
sqlite_search_text.sql) and copied into SQLite with the contract's definitions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from search_cost import files_of, search_with_cost, serving_main

from api.schemas import CustomerSummary, Page
from api.search import FILTERED_CANDIDATES, page_json, search
from kernel.serving_contract import docs_file, keys_file
from warehouse.serving import TABLES, load_macros
from warehouse.serving_lists import copy_file
from warehouse.sqlfiles import sql

NO_FILTERS: dict[str, Any] = {"segment": None, "owner": None, "has_overdue": None}

# (customer_id, name, siren, siret, vat, city, postcode, segment, owner, code, e-mail,
#  phone, outstanding, overdue), as a CRM and an ERP export them: accents, legal forms
# with and without dots, ids spaced or not, phones in several formats.
CUSTOMERS = [
    (
        "C001",
        "Société Générale d'Électricité SARL",
        "732829320",
        "73282932000074",
        "FR44732829320",
        "Lyon",
        "69003",
        "SMB",
        "alice",
        "CL-0001",
        "compta@sge-lyon.fr",
        "04 78 12 34 56",
        "1200.50",
        "200.00",
    ),
    (
        "C002",
        "Boulangerie Lefèvre S.A.R.L.",
        "552100554",
        "55210055400013",
        "FR23552100554",
        "Saint-Étienne",
        "42000",
        "SMB",
        "bob",
        "CL-0002",
        "contact@lefevre-pain.fr",
        "+33 4 77 00 11 22",
        "0.00",
        "0.00",
    ),
    (
        "C003",
        "Transports Müller & Fils SAS",
        "403052111",
        "40305211100025",
        "FR61403052111",
        "Strasbourg",
        "67000",
        "ENT",
        "alice",
        "CL-0003",
        None,
        "03.88.55.66.77",
        "98000.00",
        "0.00",
    ),
    (
        "C004",
        "ÉTABLISSEMENTS DUPONT-AIGNAN EURL",
        "812345678",
        "81234567800011",
        None,
        "Nîmes",
        "30000",
        "SMB",
        "bob",
        "CL-0004",
        "dupont@aignan.fr",
        None,
        "15.75",
        "15.75",
    ),
    (
        "C005",
        "Menuiserie Côté Jardin",
        "321654987",
        "32165498700019",
        None,
        "Annecy",
        "74000",
        "SMB",
        "alice",
        "CL-0005",
        "info@cotejardin.fr",
        "0450112233",
        "0.00",
        "0.00",
    ),
]
CONTACTS = [
    ("C003", "k.muller@muller-fils.fr", "06 12 34 56 78"),
    ("C005", "Jeanne.Durand@CoteJardin.fr", None),
]


def _serving(
    path: Path,
    extra: Sequence[tuple[Any, ...]] = (),
    others: int = 0,
) -> sqlite3.Connection:
    """The search tables as the build makes them, from these customers (and `extra`, and
    `others` look-alikes named 'Société Sarlat <i>' of another owner)."""
    con = duckdb.connect()
    load_macros(con)
    con.execute("create schema mart")
    con.execute("create schema core")
    con.execute("attach ':memory:' as serving")
    con.execute(
        "create table mart.customer_360 (customer_id varchar, name varchar, siren varchar,"
        " siret varchar, vat_number varchar, city varchar, postcode varchar,"
        " segment varchar, owner varchar, customer_code varchar, email varchar,"
        " phone varchar, outstanding_amount decimal(18,2), overdue_amount decimal(18,2),"
        " alert_count integer, source_count integer)"
    )
    con.executemany(
        "insert into mart.customer_360 values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 2)",
        [*CUSTOMERS, *extra],
    )
    con.execute(
        "insert into mart.customer_360 select 'X' || lpad(i::varchar, 6, '0'),"
        " 'Société Sarlat ' || lpad(i::varchar, 6, '0'), null, null, null, 'Sarlat',"
        " '24200', 'SMB', 'carol', null, null, null, 0, 0, 0, 1 from range(?) as r(i)",
        [others],
    )
    con.execute("create table core.contact (customer_id varchar, email varchar, phone varchar)")
    con.executemany("insert into core.contact values (?, ?, ?)", CONTACTS)
    lite = sqlite3.connect(path)
    for table in TABLES:
        if table.name not in ("customer_search", "search_key"):
            continue
        con.execute(sql(f"serving/{table.name}").replace("{contacts}", "core.contact"))
        select = f"select * from serving.{table.name} order by {table.order or 'all'}"
        if table.file is not None:
            copy_file(con, select, keys_file(serving_main(lite)))
            continue
        lite.execute(f"create table {table.name} {table.ddl}")
        result = con.execute(select)
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
        # The documents in their own file, row k that of rowid k + 1 (seq, 1 .. n).
        at = columns.index(table.docs) if table.docs else None
        if at is not None:
            docs = pa.table({table.docs: [r[at] for r in rows]})
            with pa.ipc.new_file(str(docs_file(serving_main(lite), table.name)), docs.schema) as f:
                f.write_table(docs)
            columns = [c for i, c in enumerate(columns) if i != at]
            rows = [tuple(v for i, v in enumerate(r) if i != at) for r in rows]
        marks = ", ".join("?" * len(columns))
        lite.executemany(
            f"insert into {table.name} ({', '.join(columns)}) values ({marks})",
            [tuple(str(v) if isinstance(v, Decimal) else v for v in r) for r in rows],
        )
        for i, columns_sql in enumerate(table.indexes):
            lite.execute(f"create index {table.name}_{i} on {table.name} {columns_sql}")
        if table.after:
            lite.executescript(sql(f"serving/{table.after}"))
    lite.commit()
    lite.execute("analyze")
    con.close()
    return lite


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    return _serving(tmp_path_factory.mktemp("search") / "s.sqlite")


def _find(lite: sqlite3.Connection, q: str, **filters: Any) -> list[tuple[str, str]]:
    body = search(lite, files_of(lite), q, {**NO_FILTERS, **filters}, 50, None)
    return [(h["customer_id"], h["match_reason"]) for h in body["data"]]


def test_accents_and_case_are_ignored(lite: sqlite3.Connection) -> None:
    assert _find(lite, "ÉLECTRIC")[0] == ("C001", "name contains 'ÉLECTRIC'")
    assert _find(lite, "societe gen")[0] == ("C001", "name starts with 'societe gen'")
    assert _find(lite, "etablissements dup")[0][0] == "C004"
    assert _find(lite, "MULLER")[0] == ("C003", "name contains 'MULLER'")
    assert _find(lite, "saint-etienne")[0] == ("C002", "city contains 'saint-etienne'")
    assert _find(lite, "nimes")[0] == ("C004", "city contains 'nimes'")


def test_typos_find_the_name_meant(lite: sqlite3.Connection) -> None:
    for typo, meant in (
        ("boulangrie", "C002"),
        ("lefebvre", "C002"),
        ("menusierie", "C005"),
        ("tarnsports", "C003"),
    ):
        hits = _find(lite, typo)
        assert hits and hits[0][0] == meant, (typo, hits)
        assert hits[0][1].startswith(f"name close to '{typo}' (0.")
    assert _find(lite, "zzqxw-nothing") == []


def test_ids_in_any_spacing_come_alone(lite: sqlite3.Connection) -> None:
    for q in ("732 829 320 00074", "73282932000074", "732.829.320.00074", "fr 44 732829320"):
        hits = _find(lite, q)
        assert hits[0][0] == "C001", q
        # A query naming an id wants that customer: no substring or typo tier after it.
        assert all(not r.startswith(("name", "city", "e-mail")) for _, r in hits), hits
    assert _find(lite, "732829320") == [("C001", "SIREN 732 829 320")]
    assert _find(lite, "cl-0004") == [("C004", "customer code CL-0004")]


def test_emails_and_phones_of_the_company_and_its_contacts(lite: sqlite3.Connection) -> None:
    assert _find(lite, "COMPTA@SGE-LYON.FR") == [("C001", "e-mail compta@sge-lyon.fr")]
    assert _find(lite, "jeanne.durand@cotejardin.fr") == [
        ("C005", "contact e-mail Jeanne.Durand@CoteJardin.fr")
    ]
    assert _find(lite, "0477001122") == [("C002", "phone +33 4 77 00 11 22")]
    assert _find(lite, "+33 6 12 34 56 78") == [("C003", "contact phone 06 12 34 56 78")]
    assert _find(lite, "04.50.11.22.33") == [("C005", "phone 0450112233")]
    # A fragment of an e-mail is a substring hit.
    assert _find(lite, "aignan.fr") == [("C004", "e-mail contains 'aignan.fr'")]


def test_ranked_exact_then_prefix_then_substring(lite: sqlite3.Connection) -> None:
    extra = [
        (
            "C010",
            "Lyonnaise des Cuivres",
            None,
            None,
            None,
            "Vienne",
            "38200",
            "SMB",
            "alice",
            "CL-0010",
            None,
            None,
            "0.00",
            "0.00",
        ),
    ]
    more = _serving(
        Path(lite.execute("pragma database_list").fetchone()[2]).with_name("ranked.sqlite"), extra
    )
    hits = _find(more, "lyon")
    assert hits == [
        ("C010", "name starts with 'lyon'"),
        ("C001", "city contains 'lyon'"),
    ]


def test_a_salesperson_only_finds_their_customers(lite: sqlite3.Connection) -> None:
    for q in ("s", "sa", "sar", "societe", "732 829 320 00074", "lyon", "electricte"):
        for owner in ("alice", "bob"):
            hits = _find(lite, q, owner=owner)
            owners = {
                lite.execute(
                    "select owner from customer_search where customer_id = ?", (c,)
                ).fetchone()[0]
                for c, _ in hits
            }
            assert owners <= {owner}, (q, owner, hits)
    assert _find(lite, "societe", owner="bob") == []
    assert _find(lite, "societe", owner="alice")[0][0] == "C001"
    assert _find(lite, "electricte", owner="alice")[0][0] == "C001"
    assert _find(lite, "electricte", owner="bob") == []


def _steps(lite: sqlite3.Connection, q: str, filters: dict[str, Any]) -> tuple[int, list[str]]:
    cost, body = search_with_cost(lite, q, {**NO_FILTERS, **filters})
    return cost, [h["customer_id"] for h in body["data"]]


def test_a_salesperson_search_does_not_scan_other_books(tmp_path: Path) -> None:
    """Other owners' look-alike names cost a salesperson's search at most what
    FILTERED_CANDIDATES of them cost: three times as many cost (nearly) the same."""

    some = _serving(tmp_path / "some.sqlite", others=FILTERED_CANDIDATES + 500)
    many = _serving(tmp_path / "many.sqlite", others=3 * FILTERED_CANDIDATES)
    for q in ("soc", "societe g", "sarl", "socete"):
        cost, hits = _steps(some, q, {"owner": "alice"})
        cost_many, hits_many = _steps(many, q, {"owner": "alice"})
        assert hits == hits_many and hits[0] == "C001", (q, hits_many)
        assert cost_many < cost * 1.3 + 20, (q, cost, cost_many)
    # Their names starting with the query are one range of the (owner, name) index.
    prefix = "select s.seq from customer_search as s where s.folded_name >= ? and"
    plan = many.execute(
        f"explain query plan {prefix} s.folded_name < ? and s.owner = ? "
        "order by s.folded_name, s.seq limit 200",
        ("soc", "sod", "alice"),
    ).fetchall()
    assert "(owner=? AND folded_name>? AND folded_name<?)" in plan[0][3], plan


def test_page_json_is_the_page_model(lite: sqlite3.Connection) -> None:
    for q in ("societe", "lyon", "boulangrie", "732829320"):
        body = search(lite, files_of(lite), q, dict(NO_FILTERS), 50, None)
        model = Page[CustomerSummary].model_validate(body).model_dump(mode="json")
        assert json.loads(page_json(body)) == model
    assert (
        json.loads(
            page_json(search(lite, files_of(lite), "transports", dict(NO_FILTERS), 50, None))
        )["data"][0]["outstanding_amount"]
        == "98000.00"
    )


def test_trigram_counts_are_those_of_the_names(lite: sqlite3.Connection) -> None:
    names = [r[0] for r in lite.execute("select folded_name from customer_search")]
    for gram in ("ele", "sar", "rie", "ull"):
        expected = sum(gram in name for name in names)
        row = lite.execute("select docs from search_gram where gram = ?", (gram,)).fetchone()
        assert row == (expected,), gram
