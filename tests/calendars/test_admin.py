"""Administrators revoke and regenerate tokens from the admin."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from dxtasks.calendars.models import FeedToken


def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.gov.vn", "correct horse battery")
    client.force_login(admin)
    return client


def test_admin_revoke_action(client, user_factory, issue, fetch):
    issued = issue(user_factory())
    response = admin_client(client).post(
        reverse("admin:calendars_feedtoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.feed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert fetch(issued.secret).status_code == 404


def test_admin_regenerate_action_shows_the_new_url_once(client, user_factory, issue, fetch):
    issued = issue(user_factory())
    response = admin_client(client).post(
        reverse("admin:calendars_feedtoken_changelist"),
        {"action": "regenerate", "_selected_action": [issued.feed.pk]},
        follow=True,
    )
    new_secret = re.search(r"/feeds/([A-Za-z0-9_-]{43})\.ics", response.content.decode()).group(1)
    assert fetch(issued.secret).status_code == 404
    assert fetch(new_secret).status_code == 200
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_admin_cannot_add_tokens_or_see_digests(client, user_factory, issue):
    issued = issue(user_factory())
    client = admin_client(client)
    assert client.get(reverse("admin:calendars_feedtoken_add")).status_code == 403
    page = client.get(reverse("admin:calendars_feedtoken_change", args=[issued.feed.pk])).content.decode()
    assert issued.feed.token_hash not in page
