"""Peak memory of `c360 nightly` on each hostile file, with the default [limits].

`python -m bench.hostile_memory [--only NAME ...]` runs, per file, a real `c360 nightly`
in a subprocess on a data folder of its own: one source of the file's system whose inbox
holds the hostile file next to a good one. The peak resident size is the child's
`ru_maxrss` from `os.wait4` (that process alone, its own high-water mark). Prints one
Markdown row per file (docs/reliability.md, "Peak memory"); exits 1 when a run peaks
above 1 GB.

The files: every file of tests/data/bad/ (their system from expected.toml), and the
hostile files of the hardening probes, generated at their real sizes (too big to commit),
plus files just under each limit, which are loaded, not refused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
LIMIT_BYTES = 1 << 30
ROLES = {"hubspot": "crm", "odoo": "erp", "fec": "accounting", "generic": "erp"}
GOOD = {
    "hubspot": ("good_companies.csv", b'"Record ID","Company name"\n"1","Alpha"\n'),
    "odoo": (
        "good_res_partner.csv",
        b'"id","name","ref","vat","is_company"\n"p1","Alpha","C1","","True"\n',
    ),
}
HUBSPOT_HEADER = b'"Record ID","Company name"\n'

_NS = "http://schemas.openxmlformats.org"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships"><sheets><sheet name="Export" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _xlsx(
    path: Path, header: list[str], rows: int, columns: int, padding: int = 0, ids: bool = False
) -> None:
    """A one-sheet xlsx written as a stream: `rows` rows of `columns` numeric cells under
    `header` (with `ids`, the first two cells a distinct id and name, as in a real
    export), and optionally a part of `padding` blank bytes (a zip bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _XLSX_PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}/'
                'spreadsheetml/2006/main"><sheetData><row>'.encode()
            )
            for h in header:
                fh.write(f'<c t="inlineStr"><is><t>{h}</t></is></c>'.encode())
            fh.write(b"</row>")
            rest = b"<c><v>1</v></c>" * (columns - 2 if ids else columns) + b"</row>"
            for i in range(rows):
                if ids:
                    fh.write(
                        b'<row><c><v>%d</v></c><c t="inlineStr"><is><t>Company %d</t></is></c>'
                        % (i + 1, i + 1)
                        + rest
                    )
                else:
                    fh.write(b"<row>" + rest)
            fh.write(b"</sheetData></worksheet>")
        if padding:
            with zf.open("xl/worksheets/padding.xml", "w", force_zip64=True) as fh:
                block = b" " * (1 << 20)
                for _ in range(padding >> 20):
                    fh.write(block)


def _lying_zip(path: Path) -> None:
    """A zip bomb whose directory says its 1 GB part is 1 KB."""
    _xlsx(path, ["Record ID", "Company name"], 1, 2, padding=1 << 30)
    data = bytearray(path.read_bytes())
    at = data.rfind(b"xl/worksheets/padding.xml")
    entry = data.rfind(b"PK\x01\x02", 0, at)
    # A zip64 entry keeps its sizes in the extra field: rewrite the 8-byte size there.
    extra = at + len(b"xl/worksheets/padding.xml")
    if data[extra : extra + 2] == b"\x01\x00":
        data[extra + 4 : extra + 12] = (1024).to_bytes(8, "little")
    else:
        data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _write(path: Path, chunks: Callable[[], object]) -> None:
    with path.open("wb") as fh:
        for chunk in chunks():  # type: ignore[attr-defined]
            fh.write(chunk)


# name -> (system, writer, what it is). Sizes as in the probes of issue 11.
GENERATED: dict[str, tuple[str, Callable[[Path], object], str]] = {
    "one_line_50mb.csv": (
        "hubspot",
        lambda p: _write(p, lambda: (b"a;" * (1 << 20) for _ in range(25))),
        "50 MB CSV that is one line",
    ),
    "columns_100k.csv": (
        "hubspot",
        lambda p: p.write_bytes(
            b",".join(b"c%d" % i for i in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n"
        ),
        "0.9 MB CSV with 100,000 columns",
    ),
    "zip_bomb_1gb.xlsx": (
        "hubspot",
        lambda p: _xlsx(p, ["Record ID", "Company name"], 1, 2, padding=1 << 30),
        "xlsx zip bomb, 1 MB inflating to 1 GB",
    ),
    "zip_bomb_4gb.xlsx": (
        "hubspot",
        lambda p: _xlsx(p, ["Record ID", "Company name"], 1, 2, padding=4 << 30),
        "xlsx zip bomb, 4 MB inflating to 4 GB",
    ),
    "zip_bomb_lying.xlsx": ("hubspot", _lying_zip, "zip bomb declaring 1 KB for 1 GB"),
    "cells_20m.xlsx": (
        "hubspot",
        lambda p: _xlsx(p, ["Record ID", "Company name"], 100_000, 200),
        "xlsx of 20M valid cells",
    ),
    "cells_under_limit.xlsx": (
        "hubspot",
        lambda p: _xlsx(
            p,
            ["Record ID", "Company name", *(f"Extra {i}" for i in range(8))],
            199_000,
            10,
            ids=True,
        ),
        "xlsx of 1.99M cells, 199,000 companies (under spreadsheet_max_cells): loaded",
    ),
    "lines_under_limit.csv": (
        "hubspot",
        lambda p: _write(
            p,
            lambda: [HUBSPOT_HEADER] + [b'"%d","%s"\n' % (i, b"x" * 1_000_000) for i in range(60)],
        ),
        "60 lines of 1 MB (under max_line_bytes): each row a reject (max_value_bytes)",
    ),
    "columns_under_limit.csv": (
        "hubspot",
        lambda p: _write(
            p,
            lambda: (
                [
                    b'"Record ID","Company name",'
                    + b",".join(b"c%d" % i for i in range(1998))
                    + b"\n"
                ]
                + [b'"%d","n",' % i + b"1," * 1997 + b"1\n" for i in range(10_000)]
            ),
        ),
        "2,000 columns x 10,000 rows (under max_columns): loaded",
    ),
}


def _cases() -> dict[str, tuple[str, Callable[[Path], object] | None, str]]:
    expected = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))["files"]
    cases: dict[str, tuple[str, Callable[[Path], object] | None, str]] = {}
    for name, exp in sorted(expected.items()):
        if "generate" not in exp:
            cases[name] = (exp["system"], None, f"tests/data/bad ({exp['status']})")
    for name, (system, writer, what) in GENERATED.items():
        cases[name] = (system, writer, what)
    return cases


def measure(name: str, system: str, writer: Callable[[Path], object] | None) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="c360-hostile-"))
    try:
        inbox = work / "inbox"
        inbox.mkdir()
        if writer is None:
            shutil.copyfile(BAD / name, inbox / name)
        else:
            writer(inbox / name)
        size = (inbox / name).stat().st_size
        if system in GOOD:
            good_name, good = GOOD[system]
            (inbox / good_name).write_bytes(good)
        (work / "c360.toml").write_text(
            f'data_dir = "data"\n\n[[sources]]\nname = "src"\nsystem = "{system}"\n'
            f'role = "{ROLES[system]}"\ninbox = "inbox"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "c360.cli", "nightly", "-c", str(work / "c360.toml")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        lines = [line.strip() for line in err.splitlines() if "refused" in line or "src/" in line]
        return {
            "name": name,
            "bytes": size,
            "exit": proc.returncode,
            "peak_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
            "seconds": time.monotonic() - started,
            "note": lines[0][:160] if lines else "",
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n / 1024:.1f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_memory", description=__doc__)
    parser.add_argument("--only", action="append", help="run only this file name")
    args = parser.parse_args(argv)
    cases = _cases()
    over = 0
    print("| file | what | size | exit | peak RSS | time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (system, writer, what) in cases.items():
        if args.only and name not in args.only:
            continue
        r = measure(name, system, writer)
        over += float(r["peak_mb"]) * (1 << 20) > LIMIT_BYTES  # type: ignore[arg-type]
        print(
            f"| `{name}` | {what} | {_size(int(r['bytes']))} | {r['exit']} | "  # type: ignore[call-overload]
            f"{float(r['peak_mb']):.0f} MB | {float(r['seconds']):.1f} s |",  # type: ignore[arg-type]
            flush=True,
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
