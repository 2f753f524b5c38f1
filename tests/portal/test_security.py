"""Security headers, error pages, and the deploy check with production settings."""

import contextlib
import logging
import os
import re
import subprocess
import sys

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from ..template_dirs import template_dirs
from .conftest import client_for

# The policy settings.PORTAL_CSP declares, written out here so the test does not read it from the code.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@contextlib.contextmanager
def logging_disabled():
    """The 500 below logs its traceback on purpose: keep it out of the run's output."""
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def test_pages_carry_a_strict_content_security_policy(world):
    response = client_for(world.users["viewer"]).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "private, no-store"


# Templates the policy never applies to, each with its reason. Everything else a browser may render.
NOT_SERVED_TO_BROWSERS = {
    "emails": "mail clients ignore stylesheets and pages' headers: e-mails carry their styles inline",
    "briefings/briefing.html": "WeasyPrint's input for the PDF, never sent to a browser",
}
INLINE = [
    (re.compile(r"<style", re.I), "an inline <style> element"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an event-handler attribute (on…=)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def _exempt(relative: str) -> bool:
    return any(relative == name or relative.startswith(name + "/") for name in NOT_SERVED_TO_BROWSERS)


def test_no_template_has_inline_script_style_or_event_handlers_that_the_policy_would_block():
    scanned, found = [], []
    for directory in template_dirs():
        for path in sorted(directory.rglob("*.html")) + sorted(directory.rglob("*.txt")):
            relative = path.relative_to(directory).as_posix()
            if _exempt(relative):
                continue
            scanned.append(relative)
            text = path.read_text(encoding="utf-8")
            found += [f"{relative}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert not found, found
    # Every page template is in the scan, not a chosen few.
    assert {"base.html", "404.html", "calendars/subscribe.html", "reminders/preferences.html"} <= set(scanned)
    assert {"briefings/options.html", "api/tokens.html", "portal/directive_detail.html"} <= set(scanned)


def test_the_scan_would_see_each_kind_of_inline_code():
    samples = [
        "<style>p{}</style>",
        '<p style="color:red">',
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ]
    assert all(any(pattern.search(sample) for pattern, _what in INLINE) for sample in samples)
    assert not any(pattern.search('<script src="/static/portal/portal.js" defer></script>') for pattern, _ in INLINE)
    for name in NOT_SERVED_TO_BROWSERS:  # an exemption for a template that is gone is removed, not kept
        assert any((d / name).exists() for d in template_dirs()), name


def _assert_policy(response, what: str):
    csp = response.get("Content-Security-Policy", "")
    assert csp == STRICT_CSP, f"{what} ({response.status_code} {response.get('Content-Type')}): {csp!r}"
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp


def test_every_kind_of_response_carries_the_policy(world, settings, seed_data):
    """HTML pages, redirects, error pages (400, 403, 404, 500), an ICS feed, a PDF and JSON alike."""
    from dxtasks.api import tokens as api_tokens
    from dxtasks.calendars import tokens as feed_tokens
    from dxtasks.calendars.links import feed_url

    settings.ROOT_URLCONF = "tests.portal.error_urls"  # the project's URLs plus a 400 and a 500
    viewer = world.users["viewer"]
    signed_in = client_for(viewer)
    signed_in.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)

    page = signed_in.get("/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    _assert_policy(page, "an HTML page")
    redirect = anonymous.get("/")
    assert redirect.status_code == 302
    _assert_policy(redirect, "a redirect to sign in")
    for path, status in [("/test-malformed/", 400), ("/directives/new/", 403), ("/meetings/999/", 404)]:
        response = signed_in.get(path)
        assert response.status_code == status, path
        _assert_policy(response, f"the {status} page")
    with contextlib.suppress(Exception), logging_disabled():
        failed = signed_in.get("/test-fails/")
    assert failed.status_code == 500
    _assert_policy(failed, "the 500 page")

    secret = feed_tokens.issue_token(owner=viewer, kind="mine").secret
    feed = anonymous.get(feed_url(secret, "event", base_url=""))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    _assert_policy(feed, "an ICS feed")

    pdf = signed_in.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    _assert_policy(pdf, "a PDF")

    bearer = {"Authorization": f"Bearer {api_tokens.issue_token(owner=viewer, name='csp', scope='read').secret}"}
    api = anonymous.get("/api/v1/directives/", headers=bearer)
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json"), api.content[:300]
    _assert_policy(api, "a JSON API answer")
    refused = anonymous.get("/api/v1/directives/")
    assert refused.status_code == 401
    _assert_policy(refused, "a JSON API refusal")


def test_403_page_says_why_and_404_page_is_friendly(world):
    client = client_for(world.users["viewer"])
    forbidden = client.get("/directives/new/")
    assert forbidden.status_code == 403
    body = forbidden.content.decode()
    assert "Chỉ Thư ký Ủy ban được tạo" in body and "Không có thay đổi nào được lưu." in body
    for url in ["/meetings/999/", "/agencies/NOPE/", "/directives/00000000-0000-0000-0000-000000000000/"]:
        missing = client.get(url)
        assert missing.status_code == 404
        assert "Không tìm thấy trang" in missing.content.decode()


def test_deploy_check_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-0123456789abcdef",
        "ALLOWED_HOSTS": "dxtasks.example.gov.vn",
        "SITE_URL": "https://dxtasks.example.gov.vn",
        "DJANGO_SETTINGS_MODULE": "dxtasks.settings",
        "EMAIL_URL": "smtp+tls://dxtasks@mail.example.gov.vn:587",
    }  # production mail (dxtasks.E001 otherwise)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests of this run; never in deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
