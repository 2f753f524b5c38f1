"""Fixed-window request counters in the shared Django cache (database or Redis).

A calendar program polls a feed about hourly; dozens of requests a minute
from one token or one address are a loop or a guessing attempt. Counting in
the shared cache makes the limit hold across web processes.
"""
import hashlib
import time

from django.core.cache import cache


def over_limit(bucket: str, limit: int, window_seconds: int) -> int:
    """Count one request; return the seconds to wait if the bucket is over its limit, else 0."""
    now = int(time.time())
    window = now // window_seconds
    key = "calendars:rate:" + hashlib.sha256(f"{bucket}:{window}".encode()).hexdigest()[:40]
    # incr() is atomic on Redis (the database cache does get-then-set, good enough for a
    # flood guard); it raises on a missing key, which starts the window's counter.
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=window_seconds + 1) else cache.incr(key)
    if count > limit:
        return (window + 1) * window_seconds - now or 1
    return 0
