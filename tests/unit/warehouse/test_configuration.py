"""Matching level, survivorship and blocking are configuration, not code."""

from __future__ import annotations

from pathlib import Path

import duckdb
from warehouse_fixtures import golden_of, make_settings, snapshot, staging, write_staging, xref_of

from kernel.connection import connect
from warehouse.build import build


def _built(tmp_path: Path, **overrides: object) -> duckdb.DuckDBPyConnection:
    settings = make_settings(tmp_path / "data", **overrides)
    write_staging(settings)
    result = build(settings)
    assert result.published, result.message
    return snapshot(result.snapshot)


def test_survivorship_order_is_configuration(tmp_path: Path) -> None:
    default = _built(tmp_path / "a")
    assert golden_of(default, "erp", "E1")["street"] == "1 rue de la Paix"  # ERP address
    crm_first = _built(
        tmp_path / "b",
        survivorship={
            "coordinates": ["crm", "erp", "accounting"],
            "relationship": ["erp", "crm", "accounting"],
        },
    )
    acme = golden_of(crm_first, "erp", "E1")
    assert acme["street"] == "3 avenue Foch"  # the CRM's address now wins
    assert acme["address_source"] == "crm"


def test_establishment_level_keeps_two_sites_apart(tmp_path: Path) -> None:
    from warehouse_fixtures import insert, siret

    def two_sites(settings_dir: Path, level: str) -> duckdb.DuckDBPyConnection:
        settings = make_settings(settings_dir / "data", matching={"level": level})
        write_staging(settings, with_seed=False)
        with staging(settings) as con:
            for i, nic in enumerate(("0001", "0002"), start=1):
                insert(con, "customer", source="erp", source_id=f"S{i}", name="Multisite SA", siret=siret("732829320", nic), siret_valid=True, postcode=f"7500{i}", city="Paris", _run_id="r")  # fmt: skip
        result = build(settings)
        assert result.published and result.snapshot is not None, result.message
        return connect(result.snapshot, read_only=True)

    legal = xref_of(two_sites(tmp_path / "legal", "legal_unit"))
    assert legal[("erp", "S1")][0] == legal[("erp", "S2")][0]
    sites = xref_of(two_sites(tmp_path / "sites", "establishment"))
    assert sites[("erp", "S1")][0] != sites[("erp", "S2")][0]


def test_blocking_is_configuration(tmp_path: Path) -> None:
    con = _built(tmp_path / "all")
    fuzzy_all = con.execute(
        "select count(*) from core.customer_xref where match_rule = 'fuzzy'"
    ).fetchone()
    none = _built(tmp_path / "none", matching={"blocking": []})
    fuzzy_none = none.execute(
        "select count(*) from core.customer_xref where match_rule = 'fuzzy'"
    ).fetchone()
    assert fuzzy_all is not None and fuzzy_all[0] > 0
    assert fuzzy_none == (0,)
