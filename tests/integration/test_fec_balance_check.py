"""An unbalanced FEC is not published: the previous snapshot stays served, and the serving
contract that was being written beside the failed build's checks is stopped and removed."""

from __future__ import annotations

from pathlib import Path

from demo_company import generate_demo
from ingest.pipeline import ingest
from kernel.settings import load_settings
from kernel.snapshots import current_snapshot
from warehouse.build import build


def test_unbalanced_entry_stops_the_publish(tmp_path: Path) -> None:
    generate_demo(tmp_path, customers=60, seed=9)
    settings = load_settings(tmp_path / "c360.toml")
    assert ingest(settings).ok
    first = build(settings)
    assert first.published, first.message
    served = current_snapshot(settings.snapshots_dir)
    before = sorted(p.name for p in settings.snapshots_dir.iterdir())

    fec = next((tmp_path / "inbox/fec").glob("*FEC*.txt"))
    lines = fec.read_bytes().decode("iso-8859-15").split("\r\n")
    # Change the credit of a sales line (706) so its entry no longer balances.
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if len(fields) > 13 and fields[4].startswith("706") and fields[12] not in ("", "0,00"):
            fields[12] = "1,00"
            lines[i] = "\t".join(fields)
            entry = (fields[0], fields[2])
            break
    fec.write_bytes("\r\n".join(lines).encode("iso-8859-15"))
    assert ingest(settings).ok  # the file itself reads fine: the ledger is what is wrong

    second = build(settings)
    assert not second.published
    assert "fec_entries_balanced" in second.message
    assert current_snapshot(settings.snapshots_dir) == served
    # The contract had started once the core tables were committed: nothing of it is left.
    assert sorted(p.name for p in settings.snapshots_dir.iterdir()) == before
    assert any(entry[1] in str(f.sample) for f in second.failed_checks if "fec" in f.name)
