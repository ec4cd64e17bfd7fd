"""Shared fixtures: one small demo company generated once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from demo_company import DemoSummary, generate_demo

TEST_CUSTOMERS = 300  # small enough for a fast suite, big enough for every kind of dirt
TEST_SEED = 42


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return generate_demo(tmp_path_factory.mktemp("demo"), customers=TEST_CUSTOMERS, seed=TEST_SEED)


@pytest.fixture(scope="session")
def truth(demo: DemoSummary) -> dict[str, Any]:
    return json.loads(demo.truth_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def inbox(demo: DemoSummary) -> Path:
    return demo.out_dir / "inbox"


@pytest.fixture(scope="session")
def fec_rows(demo: DemoSummary) -> list[dict[str, str]]:
    text = demo.fec_path.read_bytes().decode("iso8859_15")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]
