from __future__ import annotations

import redis
from django.conf import settings as django_settings

from messaging.ratelimit import take_token


def test_the_shared_bucket_grants_the_burst_then_makes_senders_wait(settings):
    settings.SMS_RATE_PER_SECOND = 5
    settings.SMS_RATE_BURST = 5
    redis.Redis.from_url(django_settings.REDIS_URL).delete("omnihana:sms-rate:test-provider")
    waits = [take_token("test-provider") for _ in range(8)]
    assert waits[:5] == [0.0] * 5
    assert all(0 < wait <= 0.2 + 1e-6 for wait in waits[5:])


def test_no_limit_configured_means_no_waiting(settings):
    settings.SMS_RATE_PER_SECOND = 0
    assert {take_token("test-provider") for _ in range(100)} == {0.0}
