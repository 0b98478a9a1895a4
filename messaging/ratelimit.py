"""A token bucket per provider, shared by every worker through Redis, so a bulk send never
exceeds the provider's rate. Without Redis (the embedded local run, one worker) the bucket
lives in the process."""

from __future__ import annotations

import threading
import time
from functools import lru_cache

import redis
from django.conf import settings

# Atomic refill-and-take on Redis's own clock (workers' clocks may differ).
_TAKE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 10)
return tostring(wait)
"""


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


class _LocalBucket:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: float | None = None
        self.ts = time.monotonic()

    def take(self, rate: float, burst: float) -> float:
        with self.lock:
            now = time.monotonic()
            tokens = burst if self.tokens is None else min(burst, self.tokens + (now - self.ts) * rate)
            self.ts = now
            if tokens >= 1:
                self.tokens = tokens - 1
                return 0.0
            self.tokens = tokens
            return (1 - tokens) / rate


_local: dict[str, _LocalBucket] = {}


def take_token(provider: str) -> float:
    """Take one send from the bucket; returns 0, or how many seconds to wait before asking again."""
    rate = float(settings.SMS_RATE_PER_SECOND)
    if rate <= 0:
        return 0.0
    burst = max(1.0, float(settings.SMS_RATE_BURST or rate))
    if settings.REDIS_URL:
        try:
            return float(_redis().eval(_TAKE, 1, f"omnihana:sms-rate:{provider}", rate, burst))
        except redis.RedisError:
            pass  # Redis down: fall back to this process's bucket rather than stop sending
    return _local.setdefault(provider, _LocalBucket()).take(rate, burst)


def wait_for_token(provider: str, *, max_wait: float = 30.0) -> bool:
    """Block until a token is had (True) or max_wait passes (False)."""
    deadline = time.monotonic() + max_wait
    while True:
        wait = take_token(provider)
        if wait <= 0:
            return True
        if time.monotonic() + wait > deadline:
            return False
        time.sleep(wait)
