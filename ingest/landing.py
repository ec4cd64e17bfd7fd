"""Landing: every extract is copied unchanged to data/landing/<source>/<run_id>/.

The landed copy is the bronze layer: it is never modified, and a manifest beside it
records each file's sha256, size and row count. A file whose checksum was already
loaded for this source is not landed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"


@dataclass
class LandedFile:
    original: str
    path: Path
    sha256: str
    bytes: int
    rows: int | None = None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def land(src: Path, landing_root: Path, source: str, run_id: str, sha256: str) -> LandedFile:
    """Copy `src` into the run's landing folder (fsynced), keeping its name."""
    folder = landing_root / source / run_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / src.name
    n = 1
    while target.exists():  # two inbox files of the same name (sub-folders): keep both
        n += 1
        target = folder / f"{src.stem}.{n}{src.suffix}"
    tmp = folder / f".{target.name}.part"
    shutil.copyfile(src, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return LandedFile(str(src), target, sha256, target.stat().st_size)


def write_manifest(folder: Path, files: list[LandedFile]) -> None:
    if not files:
        return
    entries = [{**asdict(f), "path": f.path.name} for f in files]
    tmp = folder / f".{MANIFEST}.part"
    tmp.write_text(json.dumps({"files": entries}, indent=2), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
