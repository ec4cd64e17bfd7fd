"""Rewrite one benchmark's section of docs/benchmarks.md, leaving the others alone."""

from __future__ import annotations

import re
import sys
from datetime import datetime

from bench.common import ROOT, machine

DOC = ROOT / "docs" / "benchmarks.md"
QUICK_DOC = ROOT / "bench" / "out" / "benchmarks-quick.md"
HEADER = """# Benchmarks

Run with `.venv/bin/python -m bench` (full sizes, about 25 min on 2 cores), `--quick`
(smoke sizes, < 2 min, written to `bench/out/benchmarks-quick.md` instead of this page),
`--only NAME` (repeatable) or `--max-size N` (scale benchmarks: skip sizes above N). Each section below is rewritten by its benchmark on every run; the numbers
are the last real run. The machine is shared and noisy, so goals are ratios against a
baseline measured in the same run, or growth factors between sizes of the same run.
Peak memory is the resident-set high-water mark (VmHWM) of the process doing the work,
reset before each measured step (`/proc/self/clear_refs`), or of a fresh child process
per size for the scale benchmarks.
"""
ORDER = (
    "ingest_invoices",
    "ingest_activities",
    "matching_accuracy",
    "money_accuracy",
    "matching_scale",
    "build_scale",
    "serving",
    "dashboard_pages",
)


def tree_state() -> str:
    """The commit measured, and whether the measured code had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    head = git("log", "-1", "--format=%h %s")[:90] or "unknown"
    dirty = git("status", "--short", "--", "ingest", "warehouse", "demo_company")
    return f"`{head}`" + (
        " + uncommitted changes in ingest/, warehouse/ or demo_company/" if dirty else ""
    )


def write_section(name: str, title: str, body: str, quick: bool) -> None:
    cmd = "python -m bench " + ("--quick " if quick else "") + f"--only {name}"
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    section = (
        f"<!-- bench:{name}:start -->\n## {title}\n\n"
        f"- command: `.venv/bin/{cmd}`"
        f" (or everything: `.venv/bin/python -m bench{' --quick' if quick else ''}`)\n"
        f"- date: {stamp}{' — QUICK (smoke) sizes, not the real numbers' if quick else ''}\n"
        f"- machine: {machine()}\n"
        f"- code (HEAD when the section was written; others commit during runs): {tree_state()}\n\n{body.strip()}\n<!-- bench:{name}:end -->\n"
    )
    # Smoke runs must not overwrite the real numbers: they go to bench/out/.
    doc = QUICK_DOC if quick else DOC
    text = doc.read_text(encoding="utf-8") if doc.exists() else HEADER
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
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(parts), encoding="utf-8")
    sys.stdout.write(f"{doc.relative_to(ROOT)}: section {name} updated\n")
