"""Absolute feed URLs (https and webcal://) from a token, for pages and commands."""

from django.conf import settings
from django.urls import reverse


def feed_url(secret: str, fmt: str = "event", base_url: str | None = None) -> str:
    """The https URL of a feed, on SITE_URL unless another base is given."""
    path = reverse("calendars:feed", kwargs={"token": secret})
    suffix = "?format=todo" if fmt == "todo" else ""
    return f"{(base_url or settings.SITE_URL).rstrip('/')}{path}{suffix}"


def webcal(url: str) -> str:
    """The same URL with the webcal:// scheme, which opens the calendar program's subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def feed_links(secret: str) -> dict[str, str]:
    url = feed_url(secret)
    todo = feed_url(secret, "todo")
    return {"url": url, "webcal": webcal(url), "todo_url": todo, "todo_webcal": webcal(todo)}
