"""A small company built by the real pipeline for the API tests.

Hand-written source extracts under tests/data/api_company/ (a HubSpot export: companies,
contacts, deals; an Odoo export: res_partner, account_move, sale_order) go through the
production functions exactly as `c360 nightly` runs them: `ingest.pipeline.ingest`, then
`warehouse.build.build`, which publishes the snapshot and its serving file. Three nights:

- night1 (as of 2026-11-27): eight customers; "Établissements Dupont" (ERP C00048) is a
  customer of its own;
- night2 (as of 2026-11-28): C00048 now carries Dupont SARL's SIRET, so the build merges
  it into Dupont and its id redirects; Dupont's first invoice was partly paid (865.44 →
  500.00 open). This is the snapshot the tests read;
- renamed (as of 2026-11-28): Odoo renames Dupont SARL "Dupont & Fils" (the ERP wins the
  name), for the tests that switch snapshots.

Every amount the tests assert is worked out by hand from those files in
tests/data/api_company/README.md.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.serving_contract import serving_files
from kernel.settings import Settings
from kernel.snapshots import CURRENT, current_snapshot, write_pointer
from warehouse.build import build

DATA = Path(__file__).resolve().parents[1] / "data" / "api_company"
ALICE = "Alice Martin"
BOB = "Bob Durand"
PASSWORD = "s3cret-pass"  # of every test user
SECRET = "test-secret-key-with-enough-bytes-0123456789"
# (folder of tests/data/api_company, as-of date of its build)
NIGHTS = (
    ("night1", date(2026, 11, 27)),
    ("night2", date(2026, 11, 28)),
    ("renamed", date(2026, 11, 28)),
)
SERVED = "night2"
SYSTEMS = {"crm": "hubspot", "erp": "odoo"}

# Golden ids as the build gives them (first seen, in name order of night1's records);
# build_company checks them, so a change in how ids are given fails here, once.
DUPONT = "C0000001"  # CRM 1001 + Odoo C00042 (+ C00048 from night2)
CAFE = "C0000002"  # CRM 1002 only
ACME = "C0000003"  # CRM 1003 ≈ Odoo C00044 (fuzzy name, same postcode)
ZETA = "C0000004"  # CRM 1005 + Odoo C00046
BOULANGERIE = "C0000005"  # Odoo C00045 only
ETE = "C0000006"  # Odoo C00047 only, no owner
MERGED = "C0000007"  # Odoo C00048 "Négoce Rhône Alpes": its own in night1, Dupont's since
FILS = "C0000008"  # Odoo C00049, close to C00045 by name (0.82): in the review queue
NAMES = {
    DUPONT: "Dupont SARL",
    CAFE: "Café Éléphant SAS",
    ACME: "ACME Industrie SA",
    ZETA: "Zeta Logistique",
    BOULANGERIE: "Boulangerie Martin",
    ETE: "Entreprise Été",
    FILS: "Boulangerie Martin et Fils",
}


def company_settings(
    data_dir: Path, inbox: Path | None = None, as_of: date | None = None
) -> Settings:
    sources = [
        {
            "name": name,
            "system": system,
            "role": name,
            **({"inbox": inbox / system} if inbox is not None else {}),
        }
        for name, system in SYSTEMS.items()
    ]
    return Settings(
        data_dir=data_dir, as_of=as_of or NIGHTS[1][1], secret_key=SECRET, sources=sources
    )


@dataclass(frozen=True)
class Built:
    """The company's data folder and the snapshot file of each night."""

    settings: Settings
    snapshots: dict[str, Path]

    def build_id(self, night: str = SERVED) -> str:
        return self.snapshots[night].stem


def build_company(root: Path) -> Built:
    """Run the three nights in `root`; CURRENT is left on night2."""
    inbox = root / "inbox"
    snapshots: dict[str, Path] = {}
    settings = company_settings(root / "data", inbox)
    for night, as_of in NIGHTS:
        # Full extracts: a night's folder holds the files that changed, the others stay.
        for source_dir in (DATA / night).iterdir():
            target = inbox / source_dir.name
            target.mkdir(parents=True, exist_ok=True)
            for path in source_dir.glob("*.csv"):
                shutil.copyfile(path, target / path.name)
        settings = company_settings(root / "data", inbox, as_of)
        result = ingest(settings)
        assert result.ok, [o.message for o in result.refused]
        built = build(settings)
        assert built.published, built.message
        published = current_snapshot(settings.snapshots_dir)
        assert published is not None
        snapshots[night] = published
    publish(settings.snapshots_dir, snapshots[SERVED])
    with connect(snapshots[SERVED], read_only=True) as con:
        names = dict(con.execute("select customer_id, name from mart.customer_360").fetchall())
    assert names == NAMES, names
    return Built(settings, snapshots)


def publish(snapshots_dir: Path, snapshot: Path, *, with_serving: bool = True) -> Path:
    """Copy a built snapshot (and its serving file) into `snapshots_dir` and point CURRENT
    at it, as warehouse.publish leaves them. Without its serving file, the API makes one
    for itself (a snapshot published before the serving contract)."""
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    target = snapshots_dir / snapshot.name
    if target != snapshot:
        shutil.copyfile(snapshot, target)
        if with_serving:
            for source, copy in zip(serving_files(snapshot), serving_files(target), strict=True):
                shutil.copyfile(source, copy)
    write_pointer(snapshots_dir, CURRENT, target.name)
    return target
