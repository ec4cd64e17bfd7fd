"""A worker runs at most `api.request_threads` requests at once in its threads: more only
fight over the GIL (docs/benchmarks.md, 1M search with one worker: 90 req/s with anyio's
40 threads, 520 with 2)."""

from __future__ import annotations

from pathlib import Path

from anyio import to_thread
from fastapi.testclient import TestClient

from api.main import create_app
from kernel.settings import load_settings


def _limit(client: TestClient) -> float:
    assert client.portal is not None

    async def read() -> float:
        return to_thread.current_default_thread_limiter().total_tokens

    return client.portal.call(read)


def test_the_worker_thread_pool_is_the_configured_size(tmp_path: Path) -> None:
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        'secret_key = "test-secret-key-with-enough-bytes-0123456789"\n'
        "[api]\nrequest_threads = 3\n",
        encoding="utf-8",
    )
    with TestClient(create_app(load_settings(config))) as client:
        assert _limit(client) == 3


def test_the_default_is_two_threads(tmp_path: Path) -> None:
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        'secret_key = "test-secret-key-with-enough-bytes-0123456789"\n',
        encoding="utf-8",
    )
    with TestClient(create_app(load_settings(config))) as client:
        assert _limit(client) == 2
