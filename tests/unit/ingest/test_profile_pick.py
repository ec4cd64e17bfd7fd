"""Field mappings resolve in the profile's own order, columns and expressions mixed."""

from __future__ import annotations

from ingest.profile import (
    FieldSpec,
    Profile,
    ReadOptions,
    _field_spec,
    load_profile,
    normalise_header,
)
from kernel.settings import SYSTEMS


def _header(*names: str) -> dict[str, str]:
    return {normalise_header(n): n for n in names}


def test_an_expression_listed_first_wins_over_a_later_column() -> None:
    spec = _field_spec([{"expr": "upper({A})"}, "B"], None)
    assert spec.pick(_header("A", "B")) == ("expr", 'upper("A")')
    assert spec.pick(_header("B")) == ("column", "B")
    assert spec.pick(_header("C")) is None


def test_headers_match_case_and_space_insensitively() -> None:
    spec = _field_spec(["Company name"], None)
    assert spec.pick(_header("COMPANY  NAME")) == ("column", "COMPANY  NAME")


def test_column_override_replaces_the_profile_mapping() -> None:
    profile = load_profile("hubspot").with_overrides({"customer.siret": "Mon SIRET"})
    assert profile.objects["customer"].fields["siret"].pick(_header("Mon SIRET", "SIRET")) == (
        "column",
        "Mon SIRET",
    )


def test_every_shipped_profile_loads() -> None:
    for system in SYSTEMS:
        profile = load_profile(system)
        assert isinstance(profile, Profile) and isinstance(profile.read, ReadOptions)
        assert profile.objects, system
        for obj in profile.objects.values():
            assert obj.detect, (system, obj.name)
            assert all(isinstance(f, FieldSpec) for f in obj.fields.values())
