"""Sign-in throttling: too many failures lock a username and an address for a while.

Counted in the shared cache (database or Redis), so every web process sees
the same counts. Two keys: per username (guessing one account's password from
many addresses) and per client address (trying many usernames). A success
clears the username's count.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache

# PORTAL_LOGIN_THROTTLE = {"FAILURES": 5, "WINDOW_SECONDS": 900}
DEFAULTS = {"FAILURES": 5, "WINDOW_SECONDS": 900}


def _policy() -> dict:
    return {**DEFAULTS, **getattr(settings, "PORTAL_LOGIN_THROTTLE", {})}


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"portal:login-failures:{kind}:{digest}"


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "")


def is_locked(username: str, address: str) -> bool:
    limit = _policy()["FAILURES"]
    counts = cache.get_many([_key("user", username), _key("addr", address)])
    return any(count >= limit for count in counts.values())


def record_failure(username: str, address: str) -> None:
    window = _policy()["WINDOW_SECONDS"]
    for key in (_key("user", username), _key("addr", address)):
        # add() starts the window; incr() keeps its expiry. A lost race only under-counts by one.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)


def record_success(username: str) -> None:
    cache.delete(_key("user", username))


def lock_minutes() -> int:
    return max(1, _policy()["WINDOW_SECONDS"] // 60)
