"""The only way WeasyPrint may read anything while it prints a briefing.

WeasyPrint's default fetcher follows any URL a document names: `http(s)://`
(network), `file:///etc/passwd` (an `<img>` or a `<link rel="attachment">`
would embed a server file into the PDF). Briefings print user-written text,
so the fetcher here serves plain files under the project's static directories
and refuses everything else: no other scheme, no network, hence no redirect,
and no path that resolves (symlinks and `..` included) outside those roots.
"""

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    """A URL the briefing fetcher will not open; WeasyPrint logs it and goes on."""


def static_roots() -> list[Path]:
    """The directories whose files a briefing may use (CSS, fonts, images)."""
    roots = [Path(d if isinstance(d, (str, os.PathLike)) else d[1]) for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [Path(os.path.realpath(root)) for root in roots]


class StaticFilesFetcher(URLFetcher):
    """Serves `file:` URLs under the static roots; refuses every other URL."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.roots = roots if roots is not None else static_roots()
        self.refused: list[str] = []  # kept for the log and the tests

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self._allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"Briefings read only the project's static files, not {url[:200]!r}")
        mime_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
        )

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        resolved = Path(os.path.realpath(unquote(parts.path)))
        for root in self.roots:
            if resolved.is_relative_to(root) and resolved.is_file():
                return resolved
        return None
