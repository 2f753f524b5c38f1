"""Parallel feed requests against a live server: the rate limits are exact, on the database and on Redis."""

import os
import uuid
from urllib.parse import urlsplit

import pytest

from dxtasks.accounts.models import Role
from tests.concurrency import Call, burst

from .conftest import feed_path as _feed_url


def feed_path(secret: str) -> str:
    return urlsplit(_feed_url(secret)).path


PARALLEL = 40


def _redis_cache(settings):
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
            "KEY_PREFIX": f"feed-parallel-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(params=["database", "redis"])
def counters(request, settings):
    if request.param == "redis":
        _redis_cache(settings)
    return request.param


def test_parallel_requests_for_one_token_get_exactly_its_limit(
    counters, live_server, transactional_db, settings, user_factory, issue
):
    # An hour's window: a burst of a second or two does not straddle a window's end.
    settings.CALENDARS = {
        **settings.CALENDARS,
        "TOKEN_RATE": (6, 3600),
        "ADDRESS_RATE": (1000, 3600),
        "BODY_CACHE_MAX_BYTES": 0,
    }
    url = live_server.url + feed_path(issue(user_factory(role=Role.SECRETARIAT), "all").secret)
    codes = burst([Call("GET", url) for _ in range(PARALLEL)])
    assert codes.count(200) == 6 and codes.count(429) == PARALLEL - 6, codes


def test_parallel_guesses_from_one_address_get_exactly_its_limit(
    counters, live_server, transactional_db, settings, user_factory, issue
):
    settings.CALENDARS = {
        **settings.CALENDARS,
        "TOKEN_RATE": (1000, 3600),
        "ADDRESS_RATE": (10, 3600),
        "BODY_CACHE_MAX_BYTES": 0,
    }
    guesses = [Call("GET", live_server.url + feed_path(f"guess{n:04d}" + "x" * 39)) for n in range(PARALLEL)]
    codes = burst(guesses)
    assert codes.count(404) == 10 and codes.count(429) == PARALLEL - 10, codes
    # The real token from that address waits too; from another client behind the trusted proxy it does not.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    url = live_server.url + feed_path(issue(user_factory(role=Role.SECRETARIAT), "all").secret)
    assert burst([Call("GET", url, headers={"X-Forwarded-For": "127.0.0.1"})]) == [429]
    assert burst([Call("GET", url, headers={"X-Forwarded-For": "198.51.100.7"})]) == [200]
