"""Quoting for the few SQL texts that cannot take a bound parameter (ATTACH paths, DDL
names, constants of profiles folded into generated SQL). Values from data are always bound
parameters, never quoted here. The one copy of each rule; it imports nothing, so every
layer can use it.
"""

from __future__ import annotations

from os import PathLike


def quote_literal(text: str | PathLike[str]) -> str:
    """A SQL string literal: single quotes around, inner single quotes doubled."""
    return "'" + str(text).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A SQL identifier: double quotes around, inner double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'
