"""Sign-in throttling: a sliding window of attempts per key, in the API process.

The API runs as one process (uvicorn, one worker): a counter in memory is enough, costs
no store round trip, and is checked before bcrypt so a flood of attempts costs little.
It forgets on restart, which the persistent lockout (app_user.failed_logins) does not.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
# Past this many keys the idle ones are dropped, so a flood of invented usernames or
# addresses cannot grow the table without bound.
MAX_KEYS = 50_000


class SlidingWindow:
    """At most `limit` attempts per key in any WINDOW_SECONDS."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        """Count an attempt; None when allowed, else the seconds to wait (Retry-After)."""
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._prune(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
            hits.append(now)
            return None

    def _prune(self, now: float) -> None:
        idle = [k for k, h in self._hits.items() if not h or h[-1] <= now - WINDOW_SECONDS]
        for key in idle:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:  # all busy: forget the oldest half
            for key in list(self._hits)[: MAX_KEYS // 2]:
                del self._hits[key]


class LoginThrottle:
    """The two limits of a sign-in: per username and per client address."""

    def __init__(self, per_user: int, per_address: int) -> None:
        self.by_user = SlidingWindow(per_user)
        self.by_address = SlidingWindow(per_address)

    def check(self, username: str, address: str) -> int | None:
        """Count the attempt; the seconds to wait when either limit is reached."""
        wait_address = self.by_address.hit(address)
        if wait_address is not None:
            return wait_address
        return self.by_user.hit(username.strip().lower()[:256])
