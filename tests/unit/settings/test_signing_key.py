"""The token-signing key: configured, or generated once and kept private."""

from __future__ import annotations

import stat
from pathlib import Path

from kernel.settings import Settings


def test_a_generated_key_is_kept_and_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.signing_key()
    assert len(key) >= 48
    assert Settings(data_dir=tmp_path / "data").signing_key() == key  # same on restart
    mode = (tmp_path / "data" / ".secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_configured_key_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="k" * 40)
    assert settings.signing_key() == "k" * 40
    assert not (tmp_path / "data" / ".secret_key").exists()
