"""Bounds on JSON request bodies, checked before they are parsed.

Python's json parser recurses once per level: a body nested a few thousand levels deep
raises RecursionError (a 500). The depth is measured on the raw bytes first, so such a
body is a 422 and never reaches the parser.
"""

from __future__ import annotations

import re
from itertools import accumulate

# Deep enough for any record a CRM or an iPaaS sends (Zapier flattens to `a__b` keys).
MAX_JSON_DEPTH = 32
# JSON bodies of the API's own routes (steward decisions); pushes have their own limit
# (api.inbound.MAX_BODY_BYTES), read as a stream.
MAX_JSON_BYTES = 1024 * 1024

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OTHER = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nesting_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets in strings ignored)."""
    brackets = _STRING.sub(b"", body).translate(None, _OTHER)
    if not brackets:
        return 0
    return max(accumulate(_STEP[b] for b in brackets))


def depth_problem(body: bytes) -> str | None:
    """Why a JSON body is refused for its nesting, or None."""
    if nesting_depth(body) > MAX_JSON_DEPTH:
        return f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep."
    return None
