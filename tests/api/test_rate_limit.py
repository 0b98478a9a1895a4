"""The API's rate limit per client: a sliding window in Redis, exact across processes and threads."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache

from api.authentication import ClientRateThrottle


class _Request:
    def __init__(self, client) -> None:
        self.user = client


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited(video_client, monkeypatch):
    """A throttle at 10 requests a minute on a clock the test moves (a window starts at 6,000 min)."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "10/min"})
    clock = Clock(6000 * 60.0)
    monkeypatch.setattr(ClientRateThrottle, "timer", clock)
    cache.delete_many(
        [
            f"throttle:api:{video_client.pk}:{video_client.created_at.timestamp():.0f}:{w}"
            for w in (5999, 6000, 6001)
        ]
    )

    def ask() -> tuple[bool, float | None]:
        throttle = ClientRateThrottle()
        allowed = throttle.allow_request(_Request(video_client), None)
        return allowed, None if allowed else throttle.wait()

    return clock, ask


def test_the_last_minutes_requests_fade_out_of_the_count_as_the_window_slides(limited):
    clock, ask = limited
    clock.now += 30  # half-way through a minute
    assert [ask()[0] for _ in range(11)] == [True] * 10 + [False]
    clock.now += 35  # 5 s into the next minute: 10 × 55/60 ≈ 9.2 of the last minute still count
    allowed, wait = ask()
    assert not allowed and 1 <= wait <= 2
    clock.now += 15  # 20 s in: 10 × 40/60 ≈ 6.7 count, so 3 more fit
    assert [ask()[0] for _ in range(4)] == [True, True, True, False]
    clock.now += 45  # 5 s into the minute after: only those 3 (× 55/60) still count
    assert [ask()[0] for _ in range(8)] == [True] * 7 + [False]


def test_a_refused_request_does_not_count_and_retry_after_is_when_one_fits(limited):
    clock, ask = limited
    assert all(ask()[0] for _ in range(10))
    refused = [ask() for _ in range(5)]  # refused tries do not push the limit further out
    assert all(not allowed for allowed, _ in refused)
    wait = refused[-1][1]
    # All 10 at the start of this minute: one more fits 6 s into the next (10 × 54/60 = 9).
    assert 65 <= wait <= 67
    clock.now += wait - 1
    assert not ask()[0]
    clock.now += 1.5
    assert ask()[0]


def test_concurrent_requests_from_many_threads_are_counted_exactly(video_client, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "100/min"})
    clock = Clock(7000 * 60.0 + 1)
    monkeypatch.setattr(ClientRateThrottle, "timer", clock)
    cache.delete_many(
        [
            f"throttle:api:{video_client.pk}:{video_client.created_at.timestamp():.0f}:{w}"
            for w in (6999, 7000)
        ]
    )
    barrier = threading.Barrier(8)
    allowed: list[bool] = []

    def burst() -> None:
        barrier.wait()
        answers = [ClientRateThrottle().allow_request(_Request(video_client), None) for _ in range(20)]
        allowed.extend(answers)

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 160 and allowed.count(True) == 100
