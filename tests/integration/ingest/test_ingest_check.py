"""`c360 sources check`: a table of what each inbox file would become, nothing loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from ingest.check import check_sources
from kernel.settings import Settings, SourceConfig

BAD = Path(__file__).parents[2] / "data" / "bad"


def test_check_sources_reports_without_loading(tmp_path: Path) -> None:
    crm, erp = tmp_path / "crm", tmp_path / "erp"
    crm.mkdir()
    erp.mkdir()
    for name in (
        "hs_companies_cp1252.csv",
        "hs_companies_utf16_bom_tab.csv",
        "hs_companies_truncated_quoted.csv",
        "hs_companies_unknown_header.csv",
        "hs_companies_parser_rejects.csv",
    ):
        shutil.copyfile(BAD / name, crm / name)
    shutil.copyfile(BAD / "odoo_moves_missing_required.csv", erp / "moves.csv")
    shutil.copyfile(BAD / "odoo_moves_filtered.csv", erp / "moves_ok.csv")
    settings = Settings(
        data_dir=tmp_path / "data",
        sources=[
            SourceConfig(name="crm", system="hubspot", role="crm", inbox=crm),
            SourceConfig(name="erp", system="odoo", role="erp", inbox=erp),
            SourceConfig(name="gone", system="fec", role="accounting", inbox=tmp_path / "nope"),
        ],
    )
    console = Console(record=True, width=400)
    problems = check_sources(settings, console)
    out = console.export_text()
    lines = {line.split("│")[2].strip(): line for line in out.splitlines() if line.count("│") > 4}
    assert problems == 4  # truncated, unknown header, missing columns, missing inbox
    assert "cp1252" in lines["hs_companies_cp1252.csv"]
    assert "customer" in lines["hs_companies_cp1252.csv"]
    assert "utf-16" in lines["hs_companies_utf16_bom_tab.csv"]
    assert "tab" in lines["hs_companies_utf16_bom_tab.csv"]
    assert "truncated" in lines["hs_companies_truncated_quoted.csv"]
    assert "expected the header" in lines["hs_companies_unknown_header.csv"]
    assert " 5 " in lines["hs_companies_parser_rejects.csv"]
    assert "2 unreadable row(s)" in lines["hs_companies_parser_rejects.csv"]
    assert "customer_source_id" in lines["moves.csv"]
    assert "amount_total" in lines["moves.csv"]
    assert "invoice" in lines["moves_ok.csv"] and "ok" in lines["moves_ok.csv"]
    assert "does not exist" in out
    # Nothing was written: no staging database, no landing folder.
    assert not settings.staging_db.exists()
    assert not settings.landing_dir.exists()
