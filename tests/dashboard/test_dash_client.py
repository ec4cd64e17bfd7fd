"""ApiClient: request shapes and the mapping of error responses to ``ApiError``.

Uses ``httpx.MockTransport`` only to produce response shapes; the real API is exercised
by the browser end-to-end test.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from dashboard.client import ApiClient, ApiError, rows

BASE = "http://api.test"


def client_for(
    handler: Callable[[httpx.Request], httpx.Response], token: str | None = "tok"
) -> ApiClient:
    http = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    return ApiClient(BASE, token, http=http)


def test_error_json_becomes_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, json={"code": "customer_not_found", "message": "No customer C0000042."}
        )

    with pytest.raises(ApiError) as caught:
        client_for(handler).customer("C0000042")
    err = caught.value
    assert (err.status, err.code, err.message) == (
        404,
        "customer_not_found",
        "No customer C0000042.",
    )


@pytest.mark.parametrize(
    ("response", "status", "code", "message"),
    [
        (
            httpx.Response(503, json={"code": "no_snapshot", "message": "Nothing published."}),
            503,
            "no_snapshot",
            "Nothing published.",
        ),
        (
            httpx.Response(401, json={"detail": "Not authenticated"}),
            401,
            "http_401",
            "Not authenticated",
        ),
        (
            httpx.Response(403, json={"detail": {"code": "forbidden", "message": "No."}}),
            403,
            "forbidden",
            "No.",
        ),
        (
            httpx.Response(502, text="Bad gateway from proxy"),
            502,
            "http_502",
            "Bad gateway from proxy",
        ),
        (httpx.Response(500), 500, "http_500", "Internal Server Error"),
    ],
)
def test_error_shapes(response: httpx.Response, status: int, code: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        client_for(lambda _: response).quality()
    assert (caught.value.status, caught.value.code, caught.value.message) == (status, code, message)


def test_unreachable_api_is_status_zero() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ApiError) as caught:
        client_for(handler).me()
    assert caught.value.status == 0 and caught.value.code == "unreachable"


def test_login_posts_oauth2_form_fields() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["type"] = request.headers["content-type"]
        seen["body"] = dict(httpx.QueryParams(request.content.decode()))
        return httpx.Response(
            200,
            json={
                "access_token": "abc",
                "token_type": "bearer",
                "role": "finance",
                "username": "fin",
            },
        )

    result = client_for(handler, token=None).login("fin", "pw")
    assert result["access_token"] == "abc"
    assert seen["path"] == "/api/v1/auth/token"
    assert seen["type"] == "application/x-www-form-urlencoded"
    assert seen["body"] == {"username": "fin", "password": "pw", "grant_type": "password"}


def test_search_sends_bearer_and_clean_params() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer tok"
        assert dict(request.url.params) == {"q": "acme", "has_overdue": "true", "limit": "50"}
        return httpx.Response(
            200, json={"data": [{"customer_id": "C1"}], "count": 1, "next_cursor": None}
        )

    payload = client_for(handler).search_customers(q="acme", has_overdue=True, segment="")
    assert rows(payload) == [{"customer_id": "C1"}]


def test_merged_customer_redirect_is_followed_with_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer tok"
        if request.url.path.endswith("/C0000002"):
            return httpx.Response(308, headers={"location": "/api/v1/customers/C0000001"})
        return httpx.Response(200, content=json.dumps({"customer_id": "C0000001"}))

    assert client_for(handler).customer("C0000002")["customer_id"] == "C0000001"


def test_rows_tolerates_shapes() -> None:
    assert rows({"data": [{"a": 1}, "junk"]}) == [{"a": 1}]
    assert rows([{"a": 1}]) == [{"a": 1}]
    assert rows(None) == [] and rows({"count": 0}) == []
