"""Built feeds kept in the shared Django cache, keyed by their ETag.

Most calendar programs re-fetch without If-None-Match, hourly, and most
hours nothing changed: the ETag (computed from the data in one query) then
finds the bytes built the last time, in this or another web process, even
after a restart. The ETag covers everything the bytes depend on, so an entry
is never stale; entries expire after a day (the day is part of the ETag).
Stored zlib-compressed: iCalendar text shrinks about tenfold.
"""

import zlib
from collections.abc import Callable

from django.core.cache import cache

from .conf import setting

TIMEOUT_SECONDS = 24 * 3600


def _key(etag: str) -> str:
    return f"calendars:feed:{etag}"


def cached_feed(etag: str, build: Callable[[], bytes]) -> bytes:
    limit = setting("BODY_CACHE_MAX_BYTES")
    if not limit:
        return build()
    packed = cache.get(_key(etag))
    if packed is not None:
        return zlib.decompress(packed)
    body = build()
    packed = zlib.compress(body, 1)
    if len(packed) <= limit:
        cache.set(_key(etag), packed, TIMEOUT_SECONDS)
    return body
