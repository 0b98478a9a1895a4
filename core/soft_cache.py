"""The cache as a hint: when Redis cannot be reached, the page goes on without it.

For values the database can always answer (a keyword's frequency, "did this user just write?"),
an unreachable cache must cost speed, never a page. Each miss of this kind is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger("omnihana.cache")


def cache_get(key: str, default: Any = None, unreachable: Any = None) -> Any:
    """The cached value, `default` when there is none, `unreachable` when the cache cannot answer."""
    try:
        return cache.get(key, default)
    except Exception:  # an unreachable Redis: the caller decides what not knowing means
        logger.warning("cache unreachable; %s read without it", key.split(":")[0], exc_info=True)
        return unreachable


def cache_set(key: str, value: Any, timeout: float | None) -> bool:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unreachable; %s not kept", key.split(":")[0], exc_info=True)
        return False
    return True
