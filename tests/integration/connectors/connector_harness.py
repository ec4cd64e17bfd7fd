"""The test harness around the real `fetch`: builds a source for a fake, records waits.

`Harness.fetch` calls the public `fetch` against a fake server with a retry policy whose
sleep only records the waits, so retry tests take no wall time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.connectors import FetchResult, RetryPolicy, fetch
from kernel.settings import SourceConfig


@dataclass
class Harness:
    system: str
    fake: Any
    url: str
    token_env: str
    main_object: str
    api_defaults: dict[str, Any] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def source(self, *, extract: str = "full", **api: Any) -> SourceConfig:
        cfg = {"base_url": self.url, "token_env": self.token_env, **self.api_defaults, **api}
        return SourceConfig.model_validate(
            {"name": "src", "system": self.system, "role": "crm", "api": cfg, "extract": extract}
        )

    def fetch(
        self,
        out_dir: Path,
        *,
        watermark: datetime | None = None,
        env: dict[str, str] | None = None,
        max_attempts: int = 5,
        **api: Any,
    ) -> FetchResult:
        extract = "incremental" if watermark is not None else "full"
        policy = RetryPolicy(max_attempts=max_attempts, sleep=self.sleeps.append)
        return fetch(
            self.source(extract=extract, **api),
            out_dir,
            watermark=watermark,
            env={self.token_env: self.fake.token} if env is None else env,
            retry=policy,
        )


def read_pages(out_dir: Path, obj: str) -> list[list[dict[str, Any]]]:
    """The page files of one object, in order, as written by the connector."""
    paths = sorted(out_dir.glob(f"page-{obj}-*"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]
