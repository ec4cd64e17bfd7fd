"""The OpenAPI document tells the truth: schemathesis, every check, against the real API.

The app runs in process over a copy of the 300-customer demo built by the real pipeline
(`built_demo`), signed in as an admin and as a salesperson. Every check schemathesis has
runs (`--checks all`), through its phases (examples, coverage, fuzzing, stateful), with a
fixed seed, a small number of examples per operation and no example database, so a run
is repeatable and bounded. A failure names the check, the operation and a curl line.

The same run by hand, against a live `c360 api` (docs/api.md):
    schemathesis run http://127.0.0.1:8360/api/v1/openapi.json --checks all \\
        -H "Authorization: Bearer $TOKEN" --max-examples 20 --seed 1
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events, from_schema  # noqa: E402

from api.list_rows import ListFiles  # noqa: E402
from api.main import create_app  # noqa: E402
from ingest.push_check import PushChecker  # noqa: E402
from kernel.serving_contract import connect_serving, serving_path  # noqa: E402
from kernel.settings import load_settings  # noqa: E402
from kernel.snapshots import current_snapshot  # noqa: E402

OPENAPI = "/api/v1/openapi.json"
SEED = 1
# Checks that cannot hold for one operation by design, with the reason (docs/api.md).
EXCLUDED = {
    # A push is checked against its source's profile (required fields, value formats):
    # a JSON object the document allows may still be refused with a 422 and its reason.
    ("positive_data_acceptance", "POST /api/v1/inbound/{source}"),
}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _copy_demo(built_demo: Any, tmp_path: Path) -> Path:
    """The demo company copied: the runs write decisions, users' states, audit reads."""
    target = tmp_path / "demo"
    shutil.copytree(built_demo.root, target, ignore=shutil.ignore_patterns("inbox", "landing"))
    return target / "c360.toml"


def _failures(app: Any, token: str, max_examples: int) -> list[str]:
    config = SchemathesisConfig.from_dict({"headers": {"Authorization": f"Bearer {token}"}})
    config.update(seed=SEED, max_failures=None)
    project = config.projects.override
    project.checks.update(included_check_names=["all"])
    project.generation.update(max_examples=max_examples, deterministic=True, database="none")
    schema = schemathesis.openapi.from_asgi(OPENAPI, app, config=config)
    found: dict[tuple[str, str, str], str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise event.exception
        if isinstance(event, events.NonFatalError):
            found[("error", event.label, type(event.value).__name__)] = str(event.value)[:300]
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        for checks in recorder.checks.values():
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                if (check.name, recorder.label) in EXCLUDED:
                    continue
                failure = check.failure_info.failure
                key = (check.name, recorder.label, failure.title)
                found.setdefault(
                    key, f"{failure.message[:300]}\n  {check.failure_info.code_sample}"
                )
    return [
        f"{name} {label}: {title}\n  {detail}" for (name, label, title), detail in found.items()
    ]


def _token(client: TestClient, username: str, password: str) -> str:
    resp = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


@pytest.mark.slow
@pytest.mark.parametrize(("role", "max_examples"), [("admin", 20), ("sales", 8)])
def test_schemathesis_finds_nothing(
    built_demo: Any, tmp_path: Path, role: str, max_examples: int
) -> None:
    settings = load_settings(_copy_demo(built_demo, tmp_path))
    app = create_app(settings, check_push=PushChecker(settings))
    user = built_demo.user(role)
    with TestClient(app) as client:
        token = _token(client, user["username"], user["password"])
    failures = _failures(app, token, max_examples)
    assert not failures, "\n".join(failures)


def test_serving_documents_carry_utc_offsets(built_demo: Any) -> None:
    """Timestamps precomputed into the serving file are RFC 3339 with Z, like the API's."""
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    # The profile's stored parts (warehouse/sql/serving/customer_profile.sql), as the API
    # splices them, and the sources' last loads (health_source); the provenance's
    # other timestamps are typed until the API writes them (test_api_timestamps_are_utc).
    lists = ListFiles(serving_path(snapshot))
    try:
        tails = [json.loads(t) for t in lists.column("customer_profile", "tail", 0, 50)]
    finally:
        lists.close()
    stamps = [d["updated_at"] for d in tails if d.get("updated_at")]
    lite = connect_serving(serving_path(snapshot))
    stamps += [
        r[0] for r in lite.execute("select doc ->> '$.last_success' from health_source") if r[0]
    ]
    lite.close()
    assert stamps, "the demo's documents carry timestamps"
    assert [s for s in stamps if not RFC3339_UTC.match(s)] == []


def test_api_timestamps_are_utc(built_demo: Any) -> None:
    settings = built_demo.settings
    admin = built_demo.user("admin")
    with TestClient(create_app(settings)) as client:
        headers = {
            "Authorization": f"Bearer {_token(client, admin['username'], admin['password'])}"
        }
        health = client.get("/api/v1/health").json()
        runs = client.get("/api/v1/runs", headers=headers).json()
        users = client.get("/api/v1/users", headers=headers).json()
    stamps = [health["published_at"], *(s["last_success"] for s in health["sources"])]
    stamps += [r[k] for r in runs["ingest_runs"] for k in ("started_at", "finished_at")]
    stamps += [b[k] for b in runs["builds"] for k in ("started_at", "finished_at")]
    stamps += [u["created_at"] for u in users]
    assert [s for s in stamps if s is not None and not RFC3339_UTC.match(s)] == []


def test_cursor_of_the_declared_form_is_served(built_demo: Any) -> None:
    """Any cursor matching the declared pattern gets a page (past the end, an empty one);
    any other is refused with 422 before the route runs."""
    settings = built_demo.settings
    admin = built_demo.user("admin")
    with TestClient(create_app(settings)) as client:
        headers = {
            "Authorization": f"Bearer {_token(client, admin['username'], admin['password'])}"
        }
        first = client.get("/api/v1/customers", params={"limit": 2}, headers=headers).json()
        cursor = first["next_cursor"]
        assert re.fullmatch(r"[1-9][0-9]*", cursor)
        second = client.get(
            "/api/v1/customers", params={"limit": 2, "cursor": cursor}, headers=headers
        ).json()
        assert {c["customer_id"] for c in second["data"]}.isdisjoint(
            c["customer_id"] for c in first["data"]
        )
        far = client.get(
            "/api/v1/customers", params={"cursor": "999999999999999999"}, headers=headers
        )
        assert far.status_code == 200 and far.json()["data"] == []
        far_search = client.get(
            "/api/v1/customers", params={"q": "sa", "cursor": "999999"}, headers=headers
        )
        assert far_search.status_code == 200 and far_search.json()["data"] == []
        for bad in ("", "0", "abc", "eyJrIjoxfQ", "1" * 19):
            resp = client.get("/api/v1/customers", params={"cursor": bad}, headers=headers)
            assert resp.status_code == 422, bad


def test_allow_names_every_method_of_the_path(built_demo: Any) -> None:
    settings = built_demo.settings
    with TestClient(create_app(settings)) as client:
        resp = client.request("DELETE", "/api/v1/match-decisions")
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["allow"].split(",")} >= {"GET", "POST"}
