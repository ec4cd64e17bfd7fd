"""Mapping profiles: how one source system's extracts become canonical objects.

A profile is data (`ingest/systems/<system>/profile.toml`), not code. For each canonical
object it says how a file of that object is recognised from its header, which source
column (or SQL expression over source columns) gives each canonical field, which values
are accepted, and how values are read (encoding, separator, decimal mark, date formats).
`[sources.columns]` in c360.toml overrides any column per source.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ingest import systems
from kernel.errors import C360Error
from kernel.sqlquote import quote_ident

CANONICAL_OBJECTS = (
    "customer",
    "contact",
    "opportunity",
    "quote",
    "sales_order",
    "order_line",
    "invoice",
    "payment",
    "receivable_item",
    "ledger_line",
    "product",
    "ticket",
    "activity",
    "owner",
    # Customer parts: ERP tables holding part of a customer, joined into staging.customer
    # by key at the end of the source's ingest (ingest/staging_join.py).
    "customer_company",
    "customer_credit",
    "customer_address",
    "customer_party",
)

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class ProfileError(C360Error):
    """A mapping profile or a column override is invalid."""

    hint = "fix the profile or the source's column override (see docs/profiles.md)"


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: candidate source columns, or SQL expressions over columns."""

    columns: tuple[str, ...] = ()
    exprs: tuple[str, ...] = ()
    values: dict[str, str] | None = None  # accepted source values → canonical value
    # The profile's own order of alternatives, columns and expressions mixed; the first
    # that the header can give wins. Empty = columns first, then expressions.
    order: tuple[tuple[str, str], ...] = ()

    def pick(self, header: dict[str, str]) -> tuple[str, str] | None:
        """Resolve against a file header (lower-cased name → real name).

        Returns ("column", real name) or ("expr", expression with placeholders resolved
        to quoted column names), or None when nothing in the header fits.
        """
        order = self.order or tuple(
            [("column", c) for c in self.columns] + [("expr", e) for e in self.exprs]
        )
        for kind, text in order:
            if kind == "column":
                real = header.get(normalise_header(text))
                if real is not None:
                    return ("column", real)
                continue
            expr = text
            names = PLACEHOLDER.findall(expr)
            reals = [header.get(normalise_header(n)) for n in names]
            if all(r is not None for r in reals):
                out = expr
                for n, r in zip(names, reals, strict=True):
                    out = out.replace("{" + n + "}", quote_ident(str(r)))
                return ("expr", out)
        return None


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    source_object: str
    detect: tuple[tuple[str, ...], ...]
    fields: dict[str, FieldSpec]
    required: tuple[str, ...] = ("source_id",)
    filter: str | None = None
    filter_reason: str | None = None
    dedupe: str = "reject"  # reject | last: what a repeated source_id means
    derived: bool = False  # fed by a file of another object (FEC customers)

    def matches(self, header: dict[str, str]) -> bool:
        return any(all(_has(header, c) for c in group) for group in self.detect)

    def missing_columns(self, header: dict[str, str]) -> list[str]:
        """Required fields that no column of this header can give."""
        return [
            f for f in self.required if f in self.fields and self.fields[f].pick(header) is None
        ]


@dataclass(frozen=True)
class ReadOptions:
    encoding: str = "auto"
    fallback_encoding: str = "cp1252"
    delimiter: str = "auto"
    # Quote character of delimited files; "" = none (FEC: a `"` is part of the text).
    quote: str = '"'
    decimal: str = "auto"
    date_formats: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")
    timestamp_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
    date_hint: str = "yyyy-mm-dd or dd/mm/yyyy"
    default_country: str = "FR"


@dataclass(frozen=True)
class Profile:
    system: str
    label: str
    read: ReadOptions
    objects: dict[str, ObjectSpec] = field(default_factory=dict)

    def detect(self, header: dict[str, str]) -> list[ObjectSpec]:
        """Objects a file with this header feeds (a FEC feeds items and customers)."""
        return [o for o in self.objects.values() if o.matches(header)]

    def with_overrides(self, overrides: dict[str, str]) -> Profile:
        """Apply `[sources.columns]`: "customer.siret" = "SIRET__C" wins over the profile."""
        if not overrides:
            return self
        objects = dict(self.objects)
        for key, column in overrides.items():
            obj_name, field_name = key.split(".", 1)
            if obj_name not in CANONICAL_OBJECTS:
                raise ProfileError(f"column override {key!r}: unknown object {obj_name!r}")
            obj = objects.get(obj_name)
            if obj is None:
                raise ProfileError(
                    f"column override {key!r}: profile {self.system!r} has no {obj_name!r} object"
                )
            fields = dict(obj.fields)
            old = fields.get(field_name, FieldSpec())
            fields[field_name] = FieldSpec(columns=(column,), values=old.values)
            objects[obj_name] = ObjectSpec(**{**obj.__dict__, "fields": fields})
        return Profile(self.system, self.label, self.read, objects)


def _has(header: dict[str, str], column: str) -> bool:
    """A detect column is present; "!name" is absent: it tells apart two objects whose
    other columns are the same (HubSpot owners and contacts both have firstName)."""
    if column.startswith("!"):
        return normalise_header(column[1:]) not in header
    return normalise_header(column) in header


def normalise_header(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def _field_spec(raw: Any, values: dict[str, str] | None) -> FieldSpec:
    items = raw if isinstance(raw, list) else [raw]
    columns: list[str] = []
    exprs: list[str] = []
    order: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            columns.append(item)
            order.append(("column", item))
        elif isinstance(item, dict) and "expr" in item:
            exprs.append(str(item["expr"]))
            order.append(("expr", str(item["expr"])))
        else:
            raise ProfileError(f"field mapping {item!r} must be a column name or {{expr = ...}}")
    return FieldSpec(tuple(columns), tuple(exprs), values, tuple(order))


def _object_spec(name: str, raw: dict[str, Any]) -> ObjectSpec:
    if name not in CANONICAL_OBJECTS:
        raise ProfileError(f"unknown canonical object {name!r}")
    detect = raw.get("detect", [])
    if detect and isinstance(detect[0], str):
        detect = [detect]
    values = raw.get("values", {})
    fields = {
        fname: _field_spec(
            spec, {str(k).lower(): v for k, v in values[fname].items()} if fname in values else None
        )
        for fname, spec in raw.get("fields", {}).items()
    }
    return ObjectSpec(
        name=name,
        source_object=raw.get("source_object", name),
        detect=tuple(tuple(g) for g in detect),
        fields=fields,
        required=tuple(raw.get("required", ["source_id"])),
        filter=raw.get("filter"),
        filter_reason=raw.get("filter_reason"),
        dedupe=raw.get("dedupe", "reject"),
        derived=bool(raw.get("derived", False)),
    )


@cache
def load_profile(system: str) -> Profile:
    path = systems.profile_path(system)
    if not path.exists():
        raise ProfileError(f"no mapping profile for system {system!r} (looked for {path})")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    read_raw = data.get("read", {})
    options: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v
        for k, v in read_raw.items()
        if k in ReadOptions.__dataclass_fields__
    }
    read = ReadOptions(**options)
    objects = {name: _object_spec(name, spec) for name, spec in data.get("objects", {}).items()}
    return Profile(data.get("system", system), data.get("label", system), read, objects)
