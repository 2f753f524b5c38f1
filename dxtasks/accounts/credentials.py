"""Secrets handed to a person once and kept only as a digest (feed links, API tokens).

A secret is `secrets.token_urlsafe(32)`: 256 random bits in 43 URL-safe
characters. Only its SHA-256 digest is stored, so a copy of the database
gives nobody a working credential. A plain (unsalted) hash is enough here:
the secret is random, not a password, so there is nothing to guess from the
digest, and the lookup by digest stays one indexed query.
"""

import hashlib
import re
import secrets

SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def well_formed(secret: str | None) -> bool:
    return bool(SECRET_PATTERN.match(secret or ""))


def touch_last_used(credential, every_seconds: int) -> None:
    """Set `credential.last_used_at` to now, writing at most once per `every_seconds`
    so that a credential polled often keeps its requests read-only."""
    from django.utils import timezone

    now = timezone.now()
    if credential.last_used_at and (now - credential.last_used_at).total_seconds() < every_seconds:
        return
    type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now
