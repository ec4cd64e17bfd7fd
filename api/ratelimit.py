"""Sign-in throttling: a sliding window of attempts per key, shared by every worker.

`c360 api` runs several worker processes (`api.workers`, one per core by default): a
counter in each worker's memory would multiply the limits by the number of workers. The
attempts are kept in app.db (table `login_attempt`, one row per counted attempt, deleted
once out of the window), which every worker opens, and checked before bcrypt so a flood
of attempts costs a small write each, not a password check. The times are wall-clock
seconds, the one clock the processes share.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from api.store import LoginAttempt, get_engine
from kernel.settings import Settings

WINDOW_SECONDS = 60.0


def _hit(con: Connection, key: str, limit: int, now: float) -> int | None:
    """Count an attempt of `key`; None when allowed, else the seconds to wait."""
    oldest, count = con.execute(
        select(func.min(LoginAttempt.at), func.count()).where(col(LoginAttempt.key) == key)
    ).one()
    if count >= limit:
        return max(1, math.ceil(oldest + WINDOW_SECONDS - now))
    con.execute(insert(LoginAttempt).values(key=key, at=now))
    return None


class LoginThrottle:
    """The two limits of a sign-in: per username and per client address."""

    def __init__(
        self,
        settings: Settings,
        per_user: int,
        per_address: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.per_user = per_user
        self.per_address = per_address
        self._clock = clock

    def check(self, username: str, address: str) -> int | None:
        """Count the attempt; the seconds to wait when either limit is reached.

        One transaction whose first statement writes (the delete of expired attempts),
        so it holds SQLite's write lock from the start: two workers never both read a
        count below the limit and both add to it."""
        now = self._clock()
        user_key = "user:" + username.strip().lower()[:256]
        with get_engine(self.settings).begin() as con:
            con.execute(delete(LoginAttempt).where(col(LoginAttempt.at) <= now - WINDOW_SECONDS))
            wait = _hit(con, "address:" + address, self.per_address, now)
            if wait is None:
                wait = _hit(con, user_key, self.per_user, now)
        return wait
