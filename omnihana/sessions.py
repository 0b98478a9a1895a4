"""Sessions read from Redis, kept in the table as well (Django's cached_db), for every signed-in page.

Every request reads its session: with the database engine that is one PostgreSQL round trip and an
ORM query before anything else happens. Here it is a Redis GET (the session table stays the record:
every save is written there first, and a miss in Redis reads it back). Only when Redis is the cache
(settings.REDIS_URL): with the per-process memory cache a sign-out in one process would not reach
another process's copy.

One change from Django's cached_db: a session read while Redis is unreachable comes from the table
and the page is served (Django's load() raises when it cannot put the row back into the cache).
A sign-out still fails loudly then, so a deleted session can never come back from a stale copy.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    _cache: Any  # (set by Django's __init__; not in its stubs)

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # an unreachable Redis (or a key the cache refuses): the table answers
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("session cache unreachable; session read from the table", exc_info=True)
        return data
