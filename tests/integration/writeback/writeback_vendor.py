"""One fake CRM as the write-back tests see it (a module of its own: conftest is not importable
by name once several test folders have one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.connectors import RetryPolicy
from kernel.settings import SourceConfig


@dataclass
class Vendor:
    """One fake CRM with what a source needs to reach it; `sleeps` records retry waits."""

    system: str
    fake: Any
    url: str
    token_env: str
    api: dict[str, Any] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def source(self, name: str = "crm", **writeback: Any) -> SourceConfig:
        return SourceConfig.model_validate(
            {
                "name": name,
                "system": self.system,
                "role": "crm",
                "api": {"base_url": self.url, "token_env": self.token_env, **self.api},
                "writeback": writeback,
            }
        )

    @property
    def env(self) -> dict[str, str]:
        return {self.token_env: self.fake.token}

    def retry(self, max_attempts: int = 5) -> RetryPolicy:
        return RetryPolicy(max_attempts=max_attempts, sleep=self.sleeps.append)
