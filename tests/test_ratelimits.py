"""The shared fixed-window limiter: counts, windows, and both backends."""

import os
import uuid

import pytest

from dxtasks.ratelimits import limiter
from dxtasks.ratelimits.models import RateCounter


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    if request.param == "redis":
        import redis

        url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip(f"no Redis at {url}")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"limiter-{uuid.uuid4().hex}",
            }
        }
    return request.param


def test_the_limit_holds_then_the_next_window_starts_again(backend, db, monkeypatch):
    now = [1_000_040.0]
    monkeypatch.setattr(limiter.time, "time", lambda: now[0])
    monkeypatch.setattr(limiter.random, "randrange", lambda n: 1)  # no pruning now: the rows are checked below
    assert [limiter.over_limit("b", 3, 60) for _ in range(4)] == [0, 0, 0, 40]  # the window ends at 1,000,080
    assert limiter.over_limit("other", 3, 60) == 0  # buckets are separate
    now[0] = 1_000_081.0
    assert limiter.over_limit("b", 3, 60) == 0
    if backend == "database":
        # One row per bucket, reused by the next window.
        assert sorted(RateCounter.objects.values_list("window_end", "count")) == [(1_000_080, 1), (1_000_140, 1)]


def test_ended_windows_are_pruned_from_the_table(db, monkeypatch):
    monkeypatch.setattr(limiter, "PRUNE_ONE_IN", 1)
    monkeypatch.setattr(limiter.time, "time", lambda: 2_000_000.0)
    for n in range(5):
        limiter.over_limit(f"old-{n}", 10, 60)
    monkeypatch.setattr(limiter.time, "time", lambda: 2_000_500.0)
    limiter.over_limit("new", 10, 60)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]
