"""The subscribe page: issue, show once, regenerate, revoke."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dxtasks.accounts.models import Role
from dxtasks.calendars.models import FeedToken


def secret_urls(html: str) -> list[str]:
    return re.findall(r'value="((?:https?|webcal)://[^"]+\.ics[^"]*)"', html)


@pytest.fixture
def focal(user_factory, agency_factory):
    return user_factory(role=Role.FOCAL_POINT, agency=agency_factory(code="MPS"))


@pytest.fixture
def logged_in(client, focal):
    client.force_login(focal)
    return client


def test_page_needs_login(client):
    response = client.get(reverse("calendars:subscribe"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_new_url_is_shown_once_then_only_its_hint(logged_in, focal, fetch):
    response = logged_in.post(reverse("calendars:create"), {"kind": "mine"}, follow=True)
    html = response.content.decode()
    urls = secret_urls(html)
    https = next(u for u in urls if u.startswith("http") and "format" not in u)
    assert any(u.startswith("webcal://") for u in urls)
    assert any(u.endswith("?format=todo") for u in urls)
    assert "Google Calendar" in html and "Outlook" in html and "Apple Calendar" in html
    assert response["Cache-Control"] == "private, no-store"
    secret = https.rsplit("/", 1)[1].removesuffix(".ics")
    assert fetch(secret).status_code == 200
    later = logged_in.get(reverse("calendars:subscribe")).content.decode()
    assert secret not in later and secret_urls(later) == []
    assert f"…{secret[-4:]}" in later


def test_regenerate_replaces_the_url_and_revoke_ends_it(logged_in, focal, fetch):
    first = secret_urls(logged_in.post(reverse("calendars:create"), {"kind": "mine"}, follow=True).content.decode())[0]
    first_secret = first.rsplit("/", 1)[1].removesuffix(".ics")
    feed = FeedToken.objects.get(owner=focal, revoked_at__isnull=True)
    html = logged_in.post(reverse("calendars:regenerate", args=[feed.pk]), follow=True).content.decode()
    second_secret = secret_urls(html)[0].rsplit("/", 1)[1].removesuffix(".ics")
    assert second_secret != first_secret
    assert fetch(first_secret).status_code == 404 and fetch(second_secret).status_code == 200
    current = FeedToken.objects.get(owner=focal, revoked_at__isnull=True)
    logged_in.post(reverse("calendars:revoke", args=[current.pk]))
    assert fetch(second_secret).status_code == 404
    assert not FeedToken.objects.filter(owner=focal, revoked_at__isnull=True).exists()


def test_agency_and_meeting_feeds_are_created_by_code_and_number(logged_in, focal, agency_factory):
    import datetime

    from dxtasks.directives.models import Meeting

    agency_factory(code="SBV")
    Meeting.objects.create(
        committee="ncdt", number=8, date=datetime.date(2024, 4, 24), title_vi="Phiên 8", title_en="8th"
    )
    logged_in.post(reverse("calendars:create"), {"kind": "agency", "agency": "SBV"})
    logged_in.post(reverse("calendars:create"), {"kind": "meeting", "meeting": "8"})
    assert logged_in.post(reverse("calendars:create"), {"kind": "agency", "agency": "NOPE"}).status_code == 404
    assert logged_in.post(reverse("calendars:create"), {"kind": "meeting", "meeting": "x"}).status_code == 404
    assert logged_in.post(reverse("calendars:create"), {"kind": "meeting", "meeting": "99"}).status_code == 404
    # "²".isdigit() is true and int("²") fails: a 404 too, not a 500. "٨" (Arabic-Indic eight) is no number here.
    for number in ("²", "٨", "８"):
        assert logged_in.post(reverse("calendars:create"), {"kind": "meeting", "meeting": number}).status_code == 404
    scopes = set(FeedToken.objects.filter(owner=focal).values_list("kind", "agency__code", "meeting__number"))
    assert scopes == {("agency", "SBV", None), ("meeting", None, 8)}


def test_focal_point_cannot_create_the_all_feed(logged_in, focal):
    response = logged_in.post(reverse("calendars:create"), {"kind": "all"}, follow=True)
    assert not FeedToken.objects.filter(owner=focal).exists()
    assert "không có quyền" in response.content.decode()


def test_someone_elses_token_cannot_be_revoked_or_regenerated(logged_in, user_factory, issue, fetch):
    other = issue(user_factory())
    assert logged_in.post(reverse("calendars:revoke", args=[other.feed.pk])).status_code == 404
    assert logged_in.post(reverse("calendars:regenerate", args=[other.feed.pk])).status_code == 404
    assert fetch(other.secret).status_code == 200


def test_actions_need_post_and_csrf(focal):
    client = Client(enforce_csrf_checks=True)
    client.force_login(focal)
    assert client.get(reverse("calendars:create")).status_code == 405
    assert client.post(reverse("calendars:create"), {"kind": "mine"}).status_code == 403
    assert not FeedToken.objects.filter(owner=focal).exists()
