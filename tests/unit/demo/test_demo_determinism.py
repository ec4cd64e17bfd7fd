"""Same seed, same bytes; another seed, another company."""

from __future__ import annotations

from pathlib import Path

from demo_company import DemoSummary, generate_demo


def _all_files(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_same_seed_gives_identical_bytes(demo: DemoSummary, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again", customers=demo.companies, seed=42)
    first, second = _all_files(demo.out_dir), _all_files(again.out_dir)
    assert sorted(first) == sorted(second)
    for name, content in first.items():
        assert content == second[name], f"{name} differs between two runs with the same seed"
    assert again.counts == demo.counts


def test_other_seed_gives_other_files(demo: DemoSummary, tmp_path: Path) -> None:
    other = generate_demo(tmp_path / "other", customers=demo.companies, seed=43)
    first, second = _all_files(demo.out_dir), _all_files(other.out_dir)
    for name in ("inbox/hubspot/companies.csv", "inbox/odoo/account_move.csv", "truth.json"):
        assert first[name] != second[name], f"{name} identical for two different seeds"
