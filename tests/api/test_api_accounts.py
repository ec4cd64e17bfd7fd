"""Accounts: sign-in throttling, lockout and unlock, disable, key revocation, token death
on a password change, password strength, `c360 user` without a terminal, app.db mode."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pipeline_company import PASSWORD
from sqlmodel import Session
from typer.testing import CliRunner

from api import store
from api.main import create_app
from api.security import password_problem
from c360.cli import app as cli
from kernel.settings import Settings

TOKEN = "/api/v1/auth/token"
MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, users: dict[str, str]) -> Iterator[MakeClient]:
    """A client over an app whose [api] settings are overridden."""
    opened: list[TestClient] = []

    def make(**api: int) -> TestClient:
        for key, value in api.items():
            setattr(settings.api, key, value)
        client = TestClient(create_app(settings))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
    store.dispose_engines()


@pytest.fixture
def config(settings: Settings, users: dict[str, str]) -> Path:
    """A c360.toml for the CLI over the same app.db."""
    path = settings.data_dir.parent / "c360.toml"
    path.write_text(f'data_dir = "{settings.data_dir}"\n', encoding="utf-8")
    return path


def sign_in(client: TestClient, username: str, password: str) -> httpx.Response:
    return client.post(TOKEN, data={"username": username, "password": password})


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    resp = sign_in(client, username, password)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_per_user_limit_answers_429_with_retry_after(make_client: MakeClient) -> None:
    client = make_client(login_per_user_per_minute=3, lockout_failures=100)
    for _ in range(3):
        assert sign_in(client, "alice", "wrong").status_code == 401
    for password in ("wrong", PASSWORD):  # the right password waits too
        resp = sign_in(client, "Alice ", password)  # same user, however it is spelled
        assert resp.status_code == 429
        assert resp.json()["code"] == "too_many_attempts"
        assert set(resp.json()) == {"code", "message"}
        assert 1 <= int(resp.headers["retry-after"]) <= 60
    # Another user from another address is not held up.
    assert sign_in(client, "bob", PASSWORD).status_code == 200


def test_per_address_limit_spans_usernames(make_client: MakeClient) -> None:
    client = make_client(login_per_address_per_minute=4, lockout_failures=100)
    for name in ("u1", "u2", "u3", "u4"):
        assert sign_in(client, name, "x").status_code == 401
    resp = sign_in(client, "alice", PASSWORD)
    assert resp.status_code == 429
    assert int(resp.headers["retry-after"]) >= 1


def test_lockout_refuses_the_right_password_until_an_admin_unlocks(
    make_client: MakeClient, settings: Settings
) -> None:
    client = make_client(lockout_failures=3, lockout_minutes=0)
    admin = bearer(client, "admin")
    for _ in range(3):
        assert sign_in(client, "bob", "guess").json()["code"] == "invalid_credentials"
    locked = sign_in(client, "bob", PASSWORD)
    assert locked.status_code == 401
    assert locked.json()["code"] == "account_locked"
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin).json()}
    assert listed["bob"]["failed_logins"] == 3 and listed["bob"]["locked_at"]
    # Only an admin may unlock.
    alice = bearer(client, "alice")
    assert client.post("/api/v1/users/bob/unlock", headers=alice).status_code == 403
    assert client.post("/api/v1/users/nobody/unlock", headers=admin).status_code == 404
    resp = client.post("/api/v1/users/bob/unlock", headers=admin)
    assert resp.status_code == 200
    assert resp.json()["locked_at"] is None and resp.json()["failed_logins"] == 0
    assert sign_in(client, "bob", PASSWORD).status_code == 200


def test_cli_unlock_and_lock_expiry(
    make_client: MakeClient, settings: Settings, config: Path
) -> None:
    client = make_client(lockout_failures=2, lockout_minutes=15)
    for _ in range(2):
        sign_in(client, "fiona", "guess")
    assert sign_in(client, "fiona", PASSWORD).json()["code"] == "account_locked"
    result = CliRunner().invoke(cli, ["user", "unlock", "fiona", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert sign_in(client, "fiona", PASSWORD).status_code == 200
    # A lock older than lockout_minutes has expired.
    for _ in range(2):
        sign_in(client, "fiona", "guess")
    with Session(store.get_engine(settings)) as session:
        user = session.get(store.User, "fiona")
        assert user is not None and user.locked_at is not None
        user.locked_at -= timedelta(minutes=16)
        session.add(user)
        session.commit()
    assert sign_in(client, "fiona", PASSWORD).status_code == 200


def test_a_good_sign_in_resets_the_failure_count(make_client: MakeClient) -> None:
    client = make_client(lockout_failures=3, login_per_user_per_minute=100)
    for _ in range(5):
        sign_in(client, "eric", "guess")
        sign_in(client, "eric", "guess")
        assert sign_in(client, "eric", PASSWORD).status_code == 200


def test_a_token_dies_when_its_password_changes(
    make_client: MakeClient, settings: Settings, config: Path
) -> None:
    client = make_client()
    old = bearer(client, "alice")
    assert client.get("/api/v1/me", headers=old).status_code == 200
    result = CliRunner().invoke(
        cli,
        ["user", "add", "alice", "--role", "sales", "--password-stdin", "-c", str(config)],
        input="a-new-Passw0rd-for-alice\n",
    )
    assert result.exit_code == 0, result.output
    resp = client.get("/api/v1/me", headers=old)
    assert resp.status_code == 401
    assert resp.json()["code"] == "not_authenticated"
    assert sign_in(client, "alice", PASSWORD).status_code == 401
    new = bearer(client, "alice", "a-new-Passw0rd-for-alice")
    assert client.get("/api/v1/me", headers=new).json()["owner_name"] == "Alice Martin"


def test_disabled_user_gets_401_at_once_and_cannot_sign_in(
    make_client: MakeClient, config: Path
) -> None:
    client = make_client()
    token = bearer(client, "eric")
    result = CliRunner().invoke(cli, ["user", "disable", "eric", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert sign_in(client, "eric", PASSWORD).status_code == 401
    # Enabled again, the old token stays dead; a new sign-in works.
    assert CliRunner().invoke(cli, ["user", "enable", "eric", "-c", str(config)]).exit_code == 0
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(client, "eric")).status_code == 200
    unknown = CliRunner().invoke(cli, ["user", "disable", "nobody", "-c", str(config)])
    assert unknown.exit_code == 1
    assert "no user named 'nobody'" in unknown.output


def test_admin_api_disables_a_user(make_client: MakeClient) -> None:
    client = make_client()
    bob = bearer(client, "bob")
    resp = client.post("/api/v1/users/bob/disable", headers=bearer(client, "admin"))
    assert resp.status_code == 200 and resp.json()["disabled"] is True
    assert client.get("/api/v1/me", headers=bob).status_code == 401


def test_revoked_key_gets_401(make_client: MakeClient, settings: Settings, config: Path) -> None:
    client = make_client()
    key = store.add_api_key(settings, "zapier", None)
    other = store.add_api_key(settings, "make", None)
    ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200 and ok.json()["username"] == "key:zapier"
    key_id = key.split("_")[1]
    listed = CliRunner().invoke(cli, ["user", "key", "list", "-c", str(config)])
    assert key_id in listed.output
    result = CliRunner().invoke(cli, ["user", "key", "revoke", key_id, "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert f"revoked key {key_id} (zapier)" in result.output
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 401 and resp.json()["code"] == "not_authenticated"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    again = CliRunner().invoke(cli, ["user", "key", "revoke", key_id, "-c", str(config)])
    assert again.exit_code == 1
    # `c360 user key NAME` still creates a key.
    created = CliRunner().invoke(cli, ["user", "key", "workato", "-c", str(config)])
    assert created.exit_code == 0 and created.output.startswith("c360_")


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("", "empty"),
        ("short-1", "at least 10"),
        ("Password123", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("azertyuiop", "too common"),
        ("correct horse battery", None),
        ("s3cret-pass", None),
    ],
)
def test_password_strength(password: str, refused: str | None) -> None:
    problem = password_problem(password, 10)
    assert (problem is None) if refused is None else (refused in (problem or ""))


def test_user_add_reads_stdin_env_or_prompt_and_refuses_weak(
    settings: Settings, config: Path
) -> None:
    runner = CliRunner()
    base = ["user", "add", "--role", "finance", "-c", str(config)]
    piped = runner.invoke(cli, [*base, "--password-stdin", "gina"], input="Gina-ledger-2026\n")
    assert piped.exit_code == 0, piped.output
    env = runner.invoke(
        cli, [*base, "--password-env", "NEW_PW", "hugo"], env={"NEW_PW": "Hugo-ledger-2026"}
    )
    assert env.exit_code == 0, env.output
    prompted = runner.invoke(cli, [*base, "ines"], input="Ines-ledger-2026\nInes-ledger-2026\n")
    assert prompted.exit_code == 0, prompted.output
    with TestClient(create_app(settings)) as client:
        for name in ("gina", "hugo", "ines"):
            password = f"{name.title()}-ledger-2026"
            assert sign_in(client, name, password).status_code == 200, name
    for args, kwargs, message in (
        (["--password-stdin", "jo"], {"input": "\n"}, "the password is empty"),
        (["--password-stdin", "jo"], {"input": "password123\n"}, "too common"),
        (["--password-env", "UNSET_PW_VAR", "jo"], {}, "UNSET_PW_VAR is not set"),
        (["jo"], {"input": ""}, "no password given"),
    ):
        result = runner.invoke(cli, [*base, *args], **kwargs)  # type: ignore[arg-type]
        assert result.exit_code == 1, args
        assert message in result.output, result.output
        assert "Traceback" not in result.output
    assert store.get_user(settings, "jo") is None
    store.dispose_engines()


def test_app_db_is_owner_only_and_old_files_are_fixed(tmp_path: Path) -> None:
    fresh = Settings(data_dir=tmp_path / "fresh")
    store.add_user(fresh, "a", "admin", "whatever-123")
    assert stat.S_IMODE(fresh.app_db.stat().st_mode) == 0o600
    # An app.db of an older release: mode 0644, no lockout or token-version columns.
    old = Settings(data_dir=tmp_path / "old")
    old.data_dir.mkdir()
    con = sqlite3.connect(old.app_db)
    con.execute(
        "create table app_user (username varchar primary key, role varchar not null, "
        "password_hash varchar not null, display_name varchar, owner_name varchar, "
        "disabled boolean not null, created_at datetime not null)"
    )
    con.execute(
        "create table api_key (key_id varchar primary key, name varchar not null, "
        "role varchar not null, key_hash varchar not null, source varchar, "
        "created_at datetime not null)"
    )
    con.execute(
        "insert into app_user values ('z', 'admin', 'x', null, null, 0, '2026-01-01 00:00:00')"
    )
    con.commit()
    con.close()
    old.app_db.chmod(0o644)
    user = store.get_user(old, "z")
    assert user is not None and user.token_version == 0 and user.failed_logins == 0
    assert stat.S_IMODE(old.app_db.stat().st_mode) == 0o600
    store.dispose_engines()


def test_password_checks_are_bounded(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from api.routes import auth as auth_routes

    client = make_client()
    monkeypatch.setattr(auth_routes, "PASSWORD_CHECK_WAIT", 0.01)
    busy = threading.BoundedSemaphore(1)
    busy.acquire()  # every slot taken by sign-ins in progress
    client.app.state.password_checks = busy  # type: ignore[attr-defined]
    resp = sign_in(client, "alice", PASSWORD)
    assert resp.status_code == 503 and resp.json()["code"] == "busy"
    assert resp.headers["retry-after"] == "2"
    busy.release()
    assert sign_in(client, "alice", PASSWORD).status_code == 200
