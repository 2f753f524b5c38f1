"""The feed over HTTP: headers, conditional GET, HEAD, rate limits, constant query count."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dxtasks.accounts.models import Role
from dxtasks.calendars.models import FeedToken
from dxtasks.directives import services

from .conftest import feed_path


@pytest.fixture
def secretary(user_factory):
    return user_factory(role=Role.SECRETARIAT)


def test_headers_name_the_file_and_set_no_cookie(secretary, directive_factory, issue, fetch):
    directive_factory(deadline_text="30/06/2031")
    response = fetch(issue(secretary, "all").secret)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="dxtasks-all.ics"' in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("private")
    assert response.cookies == {} and "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    todo = fetch(issue(secretary, "all").secret, fmt="todo")
    assert 'filename="dxtasks-all-todo.ics"' in todo["Content-Disposition"]


def test_if_none_match_gives_304_until_the_data_changes(secretary, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    first = fetch(secret)
    again = fetch(secret, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    services.change_deadline(
        directive=directive, approved_by=secretary, reason="Gia hạn", new_due=datetime.date(2031, 12, 31)
    )
    changed = fetch(secret, **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_if_modified_since_gives_304(secretary, directive_factory, issue, fetch):
    directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    first = fetch(secret)
    assert fetch(secret, **{"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    assert fetch(secret, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_a_progress_note_changes_the_etag(secretary, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    first = fetch(secret)
    services.record_progress(directive=directive, by=secretary, percent=10, note="Bắt đầu")
    assert fetch(secret, **{"If-None-Match": first["ETag"]}).status_code == 200


def test_a_new_version_without_a_newer_updated_at_changes_the_etag(secretary, directive_factory, issue, fetch):
    """A write that bumps `version` but not `updated_at` (a queryset update) must still move the tag."""
    from django.db.models import F

    from dxtasks.directives.models import Directive

    directive = directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    first = fetch(secret)
    Directive.objects.filter(pk=directive.pk).update(version=F("version") + 1)
    assert Directive.objects.get(pk=directive.pk).updated_at == directive.updated_at
    assert fetch(secret, **{"If-None-Match": first["ETag"]}).status_code == 200


def test_a_different_owner_language_changes_the_etag(user_factory, agency_factory, directive_factory, issue, fetch):
    agency = agency_factory()
    directive_factory(lead=agency, deadline_text="30/06/2031")
    reader = user_factory(language="vi")
    secret = issue(reader, "agency", agency=agency).secret
    first = fetch(secret)
    reader.language = "en"
    reader.save()
    assert fetch(secret, **{"If-None-Match": first["ETag"]}).status_code == 200


def test_head_answers_headers_without_building(secretary, directive_factory, issue):
    directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    client = Client()
    head = client.head(feed_path(secret))
    get = client.get(feed_path(secret))
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.post(feed_path(secret)).status_code == 405


def test_unknown_format_is_404(secretary, issue, fetch):
    assert fetch(issue(secretary, "all").secret, fmt="event").status_code == 200
    assert Client().get(feed_path(issue(secretary).secret) + "?format=pdf").status_code == 404


def test_bursts_from_one_token_are_answered_429(settings, secretary, issue):
    settings.CALENDARS = {**settings.CALENDARS, "TOKEN_RATE": (3, 60), "ADDRESS_RATE": (1000, 60)}
    cache.clear()
    path = feed_path(issue(secretary, "all").secret)
    client = Client()
    codes = [client.get(path).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.get(path)
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another token of the same address is not held back.
    assert client.get(feed_path(issue(secretary).secret)).status_code == 200


@pytest.mark.parametrize("language", ["vi", "en", "fr"])
def test_feed_errors_say_the_same_in_both_languages_whatever_the_client_asks(settings, secretary, issue, language):
    settings.CALENDARS = {**settings.CALENDARS, "TOKEN_RATE": (1, 60), "ADDRESS_RATE": (1000, 60)}
    cache.clear()
    secret = issue(secretary, "all").secret
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    missing = client.get(feed_path("A" * 43))
    assert client.get(feed_path(secret)).status_code == 200
    limited = client.get(feed_path(secret))
    assert (missing.status_code, missing.content.decode()) == (404, "Không tìm thấy lịch. / Calendar not found.\n")
    assert (limited.status_code, limited.content.decode()) == (
        429,
        "Quá nhiều yêu cầu; hãy thử lại sau. / Too many requests; try again later.\n",
    )


def test_bursts_from_one_address_are_answered_429_even_for_unknown_tokens(settings, secretary, issue):
    settings.CALENDARS = {**settings.CALENDARS, "TOKEN_RATE": (1000, 60), "ADDRESS_RATE": (4, 60)}
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.get(feed_path("B" * 43)).status_code for _ in range(4)]
    assert codes == [404] * 4
    assert client.get(feed_path(issue(secretary, "all").secret)).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.10").get(feed_path("B" * 43)).status_code == 404


def test_last_use_is_recorded(secretary, issue, fetch):
    issued = issue(secretary, "all")
    assert issued.feed.last_used_at is None
    fetch(issued.secret)
    assert FeedToken.objects.get(pk=issued.feed.pk).last_used_at is not None


def test_number_of_queries_does_not_grow_with_the_number_of_events(
    settings, secretary, agency_factory, directive_factory, issue, fetch
):
    settings.CALENDARS = {**settings.CALENDARS, "BODY_CACHE_MAX_BYTES": 0}  # count the building path
    co = agency_factory()
    secret = issue(secretary, "all").secret

    def queries_for_feed() -> int:
        fetch(secret)  # warm up: last_used_at is written once a minute at most
        with CaptureQueriesContext(connection) as captured:
            assert fetch(secret).status_code == 200
        return len(captured)

    directive_factory(deadline_text="30/06/2031", co_agencies=[co])
    few = queries_for_feed()
    for n in range(25):
        directive = directive_factory(deadline_text=f"{n + 1:02d}/01/2031", co_agencies=[co])
        services.record_progress(directive=directive, by=secretary, percent=n, note=f"ghi chú {n}")
    many = queries_for_feed()
    assert many == few
    etag = fetch(secret)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        assert fetch(secret, **{"If-None-Match": etag}).status_code == 304
    assert len(captured) < few


def test_unchanged_feed_is_served_from_the_shared_cache_until_the_data_changes(
    secretary, directive_factory, issue, fetch
):
    directive = directive_factory(deadline_text="30/06/2031")
    secret = issue(secretary, "all").secret
    first = fetch(secret)
    services.record_progress(directive=directive, by=secretary, percent=10, note="Đã khởi động")
    with CaptureQueriesContext(connection) as building:
        second = fetch(secret)  # no validators, like most calendar programs
    with CaptureQueriesContext(connection) as cached:
        third = fetch(secret)
    assert second.content != first.content and "Đã khởi động" in second.content.decode()
    assert third.content == second.content
    assert len(cached) < len(building)
    assert not any("progressupdate" in q["sql"] for q in cached.captured_queries)
    from dxtasks.calendars.feeds import MEMO

    MEMO.clear()  # a fresh process: the bytes still come from the shared cache
    assert fetch(secret).content == second.content


def test_rate_limit_holds_on_the_redis_cache(settings, secretary, issue):
    """The production cache for several web processes: counters are atomic INCRs there."""
    import os
    import uuid

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
            "KEY_PREFIX": f"calendars-test-{uuid.uuid4().hex}",
        }
    }
    settings.CALENDARS = {
        **settings.CALENDARS,
        "TOKEN_RATE": (2, 60),
        "ADDRESS_RATE": (1000, 60),
        "BODY_CACHE_MAX_BYTES": 0,
    }
    path = feed_path(issue(secretary, "all").secret)
    client = Client()
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]


def test_no_cookie_and_no_vary_cookie_with_the_portal_middleware_chain(settings, secretary, user_factory, issue):
    """The production chain (portal security headers, language middleware) sets no cookie on a feed."""
    assert "dxtasks.portal.security.SecurityHeadersMiddleware" in settings.MIDDLEWARE
    path = feed_path(issue(secretary, "all").secret)
    anonymous = Client().get(path)
    signed_in = Client()
    signed_in.force_login(user_factory())  # a browser that also has a portal session open
    with_session = signed_in.get(path)
    for response in (anonymous, with_session):
        assert response.status_code == 200
        assert "Set-Cookie" not in response and not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
