"""Rewrite one benchmark's section of docs/benchmarks.md, leaving the others alone."""

from __future__ import annotations

import re
import sys
from datetime import datetime

from bench.common import ROOT, machine

DOC = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Run with `.venv/bin/python -m bench` (full sizes), `--quick` (smoke sizes, < 2 min) or
`--only NAME`. Each section below is rewritten by its benchmark on every run; the numbers
are the last real run. The machine is shared and noisy, so goals are ratios against a
baseline measured in the same run, or growth factors between sizes of the same run.
Peak memory is the resident-set high-water mark (VmHWM) of the process doing the work,
reset before each measured step (`/proc/self/clear_refs`), or of a fresh child process
per size for the scale benchmarks.
"""
ORDER = ("ingest_invoices", "matching_accuracy", "matching_scale", "build_scale")


def write_section(name: str, title: str, body: str, quick: bool) -> None:
    cmd = "python -m bench " + ("--quick " if quick else "") + f"--only {name}"
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    section = (
        f"<!-- bench:{name}:start -->\n## {title}\n\n"
        f"- command: `.venv/bin/{cmd}`"
        f" (or everything: `.venv/bin/python -m bench{' --quick' if quick else ''}`)\n"
        f"- date: {stamp}{' — QUICK (smoke) sizes, not the real numbers' if quick else ''}\n"
        f"- machine: {machine()}\n\n{body.strip()}\n<!-- bench:{name}:end -->\n"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    sections = dict(
        re.findall(r"<!-- bench:(\w+):start -->\n(.*?)<!-- bench:\1:end -->\n", text, re.S)
    )
    sections = {
        k: f"<!-- bench:{k}:start -->\n{v}<!-- bench:{k}:end -->\n" for k, v in sections.items()
    }
    sections[name] = section
    head = text.split("<!-- bench:", 1)[0].rstrip() + "\n"
    # Hand-written notes after the last generated section are kept as they are.
    ends = list(re.finditer(r"<!-- bench:\w+:end -->\n", text))
    tail = text[ends[-1].end() :].strip() if ends else ""
    parts = [head] + [sections[k] for k in ORDER if k in sections]
    parts += [v for k, v in sections.items() if k not in ORDER]
    if tail:
        parts.append(tail + "\n")
    DOC.write_text("\n".join(parts), encoding="utf-8")
    sys.stdout.write(f"docs/benchmarks.md: section {name} updated\n")
