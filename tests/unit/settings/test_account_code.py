"""`account_code`: a source's pattern for customer codes embedded in account numbers,
checked when the settings load, refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.settings import ConfigError, load_settings

SOURCE = '[[sources]]\nname = "books"\nsystem = "fec"\nrole = "accounting"\n'


def _load(tmp_path: Path, pattern: str) -> str | None:
    path = tmp_path / "c360.toml"
    path.write_text(SOURCE + f"account_code = '{pattern}'\n", encoding="utf-8")
    return load_settings(path).sources[0].account_code


def test_a_pattern_with_a_code_group_is_kept(tmp_path: Path) -> None:
    assert _load(tmp_path, "411(?P<code>.+)") == "411(?P<code>.+)"
    path = tmp_path / "c360.toml"
    path.write_text(SOURCE, encoding="utf-8")
    assert load_settings(path).sources[0].account_code is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("411(.+)", "has no group named code, e.g. 411(?P<code>.+)"),
        ("411(?P<num>.+)", "has no group named code"),
        ("411(?P<code>.+", "is not a valid regular expression (missing )"),
        # Python's re reads it; RE2, which runs it, does not.
        ("(?=411)(?P<code>.+)", "is not a valid regular expression (invalid perl operator"),
    ],
)
def test_a_bad_pattern_is_refused_in_one_line(tmp_path: Path, pattern: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, pattern)
    text = str(refused.value)
    assert "\n" not in text
    assert f"sources.0.account_code: '{pattern}' {message}" in text
