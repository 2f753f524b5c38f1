"""Fixed-window request counters that hold under parallel requests, across web processes.

`over_limit(bucket, limit, window_seconds)` counts one request and answers how
long to wait (0 = go ahead). Call it before the expensive work. Each count is
one atomic operation, so N parallel requests get exactly `limit` through:

- Redis (the default cache is Django's RedisCache, i.e. REDIS_URL is set):
  INCR and EXPIRE in one MULTI/EXEC on a key naming the window.
- Otherwise the database: one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
  on RateCounter (PostgreSQL, SQLite ≥ 3.35), the row locked by the statement
  itself. The database cache's incr() is a read then a write, which parallel
  requests outran (900 a minute through a limit of 120), hence a table.
"""

import hashlib
import random
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction

from .models import RateCounter

PRUNE_ONE_IN = 100  # a new window deletes the ended ones, now and then


def _key(bucket: str) -> str:
    return hashlib.sha256(bucket.encode()).hexdigest()[:40]


def _count_in_redis(cache: RedisCache, key: str, window_end: int, ttl: int) -> int:
    name = cache.make_and_validate_key(f"ratelimit:{key}:{window_end}")
    client = cache._cache.get_client(name, write=True)  # Django's own pool; its incr() refuses a missing key
    pipe = client.pipeline(transaction=True)
    pipe.incr(name)
    pipe.expire(name, ttl)
    count, _expiry_set = pipe.execute()
    return int(count)


def _count_in_database(key: str, window_end: int, now: int) -> int:
    q = connection.ops.quote_name
    table, k, end, n = q(RateCounter._meta.db_table), q("key"), q("window_end"), q("count")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {end}, {n}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({k}) DO UPDATE SET "
            f"{n} = CASE WHEN {table}.{end} = excluded.{end} THEN {table}.{n} + 1 ELSE 1 END, "
            f"{end} = excluded.{end} RETURNING {n}",
            [key, window_end],
        )
        count = cursor.fetchone()[0]
        if count == 1 and random.randrange(PRUNE_ONE_IN) == 0:
            RateCounter.objects.filter(window_end__lt=now).delete()
    return count


def over_limit(bucket: str, limit: int, window_seconds: int) -> int:
    """Count one request in `bucket`; the seconds until its window ends if over `limit`, else 0."""
    now = int(time.time())
    window_end = (now // window_seconds + 1) * window_seconds
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        count = _count_in_redis(cache, _key(bucket), window_end, window_end - now + 1)
    else:
        count = _count_in_database(_key(bucket), window_end, now)
    if count > limit:
        return max(1, window_end - now)
    return 0
