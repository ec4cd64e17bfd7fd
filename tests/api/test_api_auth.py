"""Sign-in, tokens, API keys and the single error shape."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from pipeline_company import PASSWORD

from api.security import create_access_token
from kernel.settings import Settings

Auth = Callable[[str], dict[str, str]]


def test_token_good_password(client: TestClient) -> None:
    resp = client.post("/api/v1/auth/token", data={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "sales"
    assert body["username"] == "alice"
    assert body["display_name"] == "Alice"
    assert body["expires_in"] == 12 * 60 * 60
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {
        "username": "alice",
        "role": "sales",
        "display_name": "Alice",
        "owner_name": "Alice Martin",
    }


def test_token_bad_password_and_unknown_user(client: TestClient) -> None:
    for username, password in (("alice", "wrong"), ("nobody", PASSWORD)):
        resp = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert resp.status_code == 401
        assert resp.json() == {
            "code": "invalid_credentials",
            "message": "Wrong username or password.",
        }
        assert resp.headers["www-authenticate"] == "Bearer"


def test_missing_invalid_and_expired_tokens(client: TestClient, settings: Settings) -> None:
    expired_settings = settings.model_copy(deep=True)
    expired_settings.api.token_minutes = -1
    expired, _ = create_access_token(expired_settings, "alice", "sales")
    forged, _ = create_access_token(
        settings.model_copy(update={"secret_key": "another-secret-key-0123456789abcdef"}),
        "admin",
        "admin",
    )
    for headers in (
        {},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": "Bearer c360_unknown_key"},
    ):
        resp = client.get("/api/v1/me", headers=headers)
        assert resp.status_code == 401, headers
        assert resp.json()["code"] == "not_authenticated"
        assert set(resp.json()) == {"code", "message"}
        assert resp.headers["www-authenticate"] == "Bearer"


def test_disabled_or_deleted_user_loses_access(client: TestClient, auth: Auth) -> None:
    from sqlmodel import Session

    from api.store import User, get_engine

    headers = auth("bob")
    settings = client.app.state.settings  # type: ignore[attr-defined]
    with Session(get_engine(settings)) as session:
        user = session.get(User, "bob")
        assert user is not None
        user.disabled = True
        session.add(user)
        session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_api_key_resolves_to_integration(client: TestClient, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["role"] == "integration"
    resp = client.get("/api/v1/customers", headers=headers)
    assert resp.status_code == 403
    assert resp.json() == {
        "code": "forbidden",
        "message": "Your role does not give access to this resource.",
    }


def test_error_shape_is_pinned(client: TestClient, auth: Auth, published: Path) -> None:
    """Every error answers {"code", "message"} and nothing else."""
    cases = [
        (client.get("/api/v1/customers"), 401, "not_authenticated"),
        (client.get("/api/v1/runs", headers=auth("alice")), 403, "forbidden"),
        (client.get("/api/v1/nowhere", headers=auth("admin")), 404, "not_found"),
        (
            client.get("/api/v1/customers/C9999999", headers=auth("admin")),
            404,
            "customer_not_found",
        ),
        (client.get("/api/v1/customers?limit=0", headers=auth("admin")), 422, "validation_error"),
        (client.delete("/api/v1/customers", headers=auth("admin")), 405, "method_not_allowed"),
        (client.get("/api/v1/customers?cursor=%%%", headers=auth("admin")), 422, "invalid_cursor"),
    ]
    for resp, status, code in cases:
        assert resp.status_code == status, resp.text
        body = resp.json()
        assert set(body) == {"code", "message"}, body
        assert body["code"] == code
        assert isinstance(body["message"], str) and body["message"]
    assert cases[4][0].json()["message"].startswith("Invalid request: limit: ")
    assert cases[3][0].json()["message"] == "No customer has the id 'C9999999'."


def test_health_needs_no_auth(client: TestClient) -> None:
    health = client.get("/api/v1/health").json()
    assert {k: health[k] for k in ("status", "snapshot", "published_at")} == {
        "status": "ok",
        "snapshot": None,
        "published_at": None,
    }


def test_unexpected_errors_keep_the_shape() -> None:
    from api.errors import error_body

    status, body, _headers = error_body(RuntimeError("boom"))
    assert status == 500
    assert body == {"code": "internal_error", "message": "Something went wrong on our side."}
