"""Dashboard configuration: the only place the dashboard reads the environment.

Two settings, both optional:

* ``C360_API_URL`` — base URL of the c360 API (default ``http://127.0.0.1:8360``);
* ``C360_DASHBOARD__LANGUAGE`` — initial UI language, ``fr`` or ``en`` (default ``fr``),
  the same variable that overrides ``[dashboard] language`` in ``c360.toml``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_API_URL = "http://127.0.0.1:8360"


@dataclass(frozen=True)
class DashboardConfig:
    """Where the API is and which language the UI starts in."""

    api_url: str = DEFAULT_API_URL
    language: Language = "fr"


def load_config(environ: Mapping[str, str] | None = None) -> DashboardConfig:
    """Read the dashboard settings from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    api_url = (env.get("C360_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
    raw_lang = (env.get("C360_DASHBOARD__LANGUAGE") or "fr").strip().lower()
    language: Language = "en" if raw_lang == "en" else "fr"
    return DashboardConfig(api_url=api_url, language=language)
