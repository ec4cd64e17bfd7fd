"""Settings: file, environment, validation, and a documented key for every setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from kernel.settings import ConfigError, Settings, load_settings

DOCS = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c360.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path,
        'data_dir = "d"\n[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\n'
        'inbox = "in/hs"\n[sources.columns]\n"customer.siret" = "SIRET__c"\n',
    )
    s = load_settings(cfg)
    assert s.data_dir == (tmp_path / "d").resolve()
    assert s.sources[0].inbox == (tmp_path / "in" / "hs").resolve()
    assert s.sources[0].columns == {"customer.siret": "SIRET__c"}
    assert s.staging_db == s.data_dir / "staging.duckdb"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _write(tmp_path, 'currency = "EUR"\n[api]\nport = 9000\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("C360_API__PORT", "9100")
    monkeypatch.setenv("C360_CURRENCY", "CHF")
    s = load_settings(cfg)
    assert s.api.port == 9100
    assert s.api.host == "0.0.0.0"  # the file's other nested keys survive
    assert s.currency == "CHF"


def test_config_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _write(tmp_path, 'as_of = "2026-11-28"\n')
    monkeypatch.setenv("C360_CONFIG", str(cfg))
    assert str(load_settings().as_of) == "2026-11-28"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[sources]]\nname = "CRM"\nsystem = "hubspot"\nrole = "crm"\n', "must match"),
        ('[[sources]]\nname = "crm"\nsystem = "pipedrive"\nrole = "crm"\n', "unknown system"),
        ('[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "bank"\n', "role"),
        ('currency = "euro"\n', "ISO 4217"),
        ("data_dir = \n", "invalid TOML"),
        (
            '[[sources]]\nname = "a"\nsystem = "fec"\nrole = "accounting"\n'
            '[[sources]]\nname = "a"\nsystem = "odoo"\nrole = "erp"\n',
            "unique",
        ),
        (
            '[[sources]]\nname = "a"\nsystem = "fec"\nrole = "accounting"\n'
            '[sources.columns]\n"siret" = "X"\n',
            "object.field",
        ),
    ],
)
def test_bad_configuration_is_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(_write(tmp_path, text))


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out: list[str] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        nested = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if nested is not None and name not in ("sources",):
            out += _keys(nested, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def test_every_setting_is_documented() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", doc, flags=re.M))
    # Nested sections are documented by their own key names in their tables.
    keys = [k for k in _keys(Settings) if k != "sources"]
    missing = [k for k in keys if k not in documented and k.split(".")[-1] not in documented]
    assert not missing, f"settings missing from docs/configuration.md: {missing}"
