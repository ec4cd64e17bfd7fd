"""The bad-input corpus (tests/data/bad/) through the real pipeline.

Each file is the only file of its own source, and all sources go through one real
`ingest()` run (one run per file would cost ~0.5 s each). expected.toml says, per file,
what must happen: loaded or refused, the row counts, each reject's reason and line, and
staging values. Whatever the file, nothing is lost: rows read = loaded + rejected +
skipped for every object, and every reject is in meta.reject.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import GENERATED, ROLES, staging

from ingest.pipeline import FileOutcome, IngestResult, ingest
from kernel.settings import Settings, SourceConfig

BAD = Path(__file__).parents[2] / "data" / "bad"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (BAD / "expected.toml").read_text(encoding="utf-8")
)["files"]


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("expected.toml", "make_corpus.py")}
    listed = {n for n, e in EXPECTED.items() if "generate" not in e}
    assert on_disk == listed
    assert len(EXPECTED) >= 30


@dataclass
class CorpusRun:
    settings: Settings
    result: IngestResult
    source: dict[str, str]  # file name -> source name

    def outcomes(self, name: str) -> list[FileOutcome]:
        return [o for o in self.result.outcomes if o.source == self.source[name]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    root = tmp_path_factory.mktemp("corpus")
    sources, names = [], {}
    for i, (name, exp) in enumerate(sorted(EXPECTED.items())):
        inbox = root / f"inbox{i}"
        inbox.mkdir()
        if "generate" in exp:
            GENERATED[exp["generate"]](inbox / name)
        else:
            shutil.copyfile(BAD / name, inbox / name)
        names[name] = f"bad{i}"
        sources.append(
            SourceConfig(
                name=f"bad{i}", system=exp["system"], role=ROLES[exp["system"]], inbox=inbox
            )
        )
    settings = Settings(data_dir=root / "data", sources=sources)
    return CorpusRun(settings, ingest(settings), names)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(corpus: CorpusRun, name: str) -> None:
    exp = EXPECTED[name]
    src = corpus.source[name]
    outcomes = corpus.outcomes(name)
    for o in outcomes:
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
    con = staging(corpus.settings)
    if exp["status"] == "refused":
        assert [o.status for o in outcomes] == ["refused"]
        assert exp["message"] in (outcomes[0].message or "")
        runs = con.execute(
            "select status, message from meta.ingest_run where source = ?", [src]
        ).fetchall()
        assert runs == [("refused", outcomes[0].message)]
        assert con.execute(
            "select count(*) from meta.landed_file where source = ?", [src]
        ).fetchone() == (0,)
        return
    by_object = {o.object: o for o in outcomes}
    main = by_object[exp["object"]]
    assert main.status == "loaded"
    got = [main.rows_read, main.rows_loaded, main.rows_rejected, main.rows_skipped]
    assert got == exp["counts"], main
    for obj, counts in exp.get("also", {}).items():
        o = by_object[obj]
        assert [o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped] == counts, o
    if "outcome_message" in exp:
        assert exp["outcome_message"] in (main.message or "")
    rejects = con.execute(
        "select line, reason from meta.reject where source = ? order by line", [src]
    ).fetchall()
    assert len(rejects) == len(exp.get("reasons", [])), rejects
    for (line, reason), want in zip(rejects, exp.get("reasons", []), strict=True):
        assert want in reason, (line, reason)
    if "lines" in exp:
        assert [r[0] for r in rejects] == exp["lines"]
    table = f"staging.{exp['object']}"
    assert con.execute(f"select count(*) from {table} where source = ?", [src]).fetchone() == (
        main.rows_loaded,
    )
    for check in exp.get("values", []):
        row = con.execute(
            f"select {check['column']} from {table} where source = ? and source_id = ?",
            [src, check["id"]],
        ).fetchone()
        assert row is not None, check
        assert str(row[0]) == check["equals"], check


def test_a_refused_file_does_not_stop_the_others(corpus: CorpusRun) -> None:
    statuses = {o.status for o in corpus.result.outcomes}
    assert statuses == {"loaded", "refused"}
    assert not corpus.result.ok
    assert {o.file for o in corpus.result.refused} == {
        n for n, e in EXPECTED.items() if e["status"] == "refused"
    }


FORMULAS = {
    "90": '=HYPERLINK("http://evil.example/x","Click")',
    "91": "+cmd|' /C calc'!A0",
    "92": "@SUM(1+1)",
    "93": "-2+3",
}


def test_formula_cells_stay_plain_text(corpus: CorpusRun) -> None:
    """Formulas are data: stored byte-for-byte in raw, staging and meta.reject, never run."""
    src = corpus.source["hs_companies_formula_injection.csv"]
    con = staging(corpus.settings)
    for sid, text in FORMULAS.items():
        assert con.execute(
            "select name from staging.customer where source = ? and source_id = ?", [src, sid]
        ).fetchone() == (text,)
        assert con.execute(
            f'select "Company name" from raw.{src}__customer where "Record ID" = ?', [sid]
        ).fetchone() == (text,)
    (raw,) = con.execute("select raw from meta.reject where source = ?", [src]).fetchone()  # type: ignore[misc,unused-ignore]
    row = json.loads(raw)
    assert row["Company name"] == "=1+1"
    assert row["Create Date"] == "=NOW()"


def test_parser_reject_keeps_the_raw_line(corpus: CorpusRun) -> None:
    name = "hs_companies_parser_rejects.csv"
    raws = (
        staging(corpus.settings)
        .execute(
            "select line, raw from meta.reject where source = ? order by line",
            [corpus.source[name]],
        )
        .fetchall()
    )
    source_lines = (BAD / name).read_text(encoding="utf-8").splitlines()
    assert raws[0] == (3, source_lines[2])
    assert raws[1] == (4, source_lines[3])
