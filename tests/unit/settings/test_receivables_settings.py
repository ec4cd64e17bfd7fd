"""`[receivables] default_terms_days`, and the deprecated `fec.default_payment_terms_days`."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from kernel.settings import ConfigError, Settings, load_settings
from warehouse.build import build_params


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "c360.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_default_is_30_days(tmp_path: Path) -> None:
    assert _load(tmp_path, "").receivables.default_terms_days == 30


def test_new_key_is_what_the_build_binds(tmp_path: Path) -> None:
    settings = _load(tmp_path, "[receivables]\ndefault_terms_days = 45\n")
    params = build_params(settings, "b", datetime(2026, 11, 28))
    assert params["default_terms_days"] == 45


def test_old_key_still_works_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kernel.settings"):
        settings = _load(tmp_path, "[fec]\ndefault_payment_terms_days = 60\n")
    assert settings.receivables.default_terms_days == 60
    assert "deprecated" in caplog.text and "default_terms_days = 60" in caplog.text


def test_new_key_wins_over_the_old_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kernel.settings"):
        settings = _load(
            tmp_path,
            "[fec]\ndefault_payment_terms_days = 60\n[receivables]\ndefault_terms_days = 15\n",
        )
    assert settings.receivables.default_terms_days == 15
    assert "is ignored" in caplog.text


def test_environment_sets_the_new_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_RECEIVABLES__DEFAULT_TERMS_DAYS", "10")
    assert _load(tmp_path, "").receivables.default_terms_days == 10


def test_negative_terms_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="default_terms_days"):
        _load(tmp_path, "[receivables]\ndefault_terms_days = -1\n")
