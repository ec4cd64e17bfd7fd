"""/docs and /redoc work without internet: every asset they load is served by the API."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

# Any URL a page could load: src/href attributes and string literals in its inline script.
_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
_LITERAL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+|/[A-Za-z0-9_./-]+)["'`]""")


def _urls(html: str) -> set[str]:
    return set(_ATTR.findall(html)) | set(_LITERAL.findall(html))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_load_only_local_assets(client: TestClient, page: str) -> None:
    resp = client.get(page)
    assert resp.status_code == 200
    assert "text/html" in resp.headers["content-type"]
    html = resp.text
    assert "http://" not in html and "https://" not in html
    urls = _urls(html)
    assert any(u.endswith(".js") for u in urls), urls  # the parser does see the script
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(urljoin("http://testserver", url))
        assert asset.status_code == 200, (url, asset.status_code)
        assert len(asset.content) > 0


def test_assets_are_the_real_bundles(client: TestClient) -> None:
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert len(js.content) > 500_000  # the whole bundle, not a stub
    css = client.get("/docs/assets/swagger-ui.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    redoc = client.get("/docs/assets/redoc.standalone.js")
    assert redoc.status_code == 200 and len(redoc.content) > 500_000
    assert client.get("/docs/oauth2-redirect").status_code == 200
    assert client.get("/docs/assets/nothing.js").status_code == 404
