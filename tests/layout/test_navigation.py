"""The site's frame: the navigation is what the apps register, and only the portal's own templates use the portal."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from dxtasks.accounts.models import Role
from dxtasks.layout.navigation import Entry, registered_entries

from ..template_dirs import template_dirs

PORTAL_TEMPLATES = Path(apps.get_app_config("portal").path) / "templates"
EVERYONE = ["/", "/inbox/", "/directives/", "/meetings/", "/agencies/", "/subscribe/"]
MANAGERS = ["/", "/inbox/", "/directives/", "/meetings/", "/agencies/", "/import/", "/subscribe/"]

# The portal's template library, or one of its URLs, named in a template.
USES_THE_PORTAL = [
    (re.compile(r"{%\s*load\s[^%]*\bportal\b"), "loads the portal's template tags"),
    (re.compile(r"""["']portal:"""), "names a portal URL"),
]


@pytest.fixture(autouse=True)
def cache_table(db):
    call_command("createcachetable", verbosity=0)


def _nav(client, page="/subscribe/") -> list[str]:
    response = client.get(page, follow=True)
    assert response.status_code == 200, page
    html = response.content.decode()
    found = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"', found.group(0)) if found else []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_template_outside_the_portal_loads_its_tags_or_names_its_urls():
    scanned, found = [], []
    for directory in template_dirs():
        if directory == PORTAL_TEMPLATES:
            continue
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            scanned.append(path.relative_to(directory).as_posix())
            text = path.read_text(encoding="utf-8")
            found += [f"{path}: {what}" for pattern, what in USES_THE_PORTAL if pattern.search(text)]
    assert not found, found
    assert {"base.html", "404.html", "calendars/subscribe.html", "reminders/preferences.html"} <= set(scanned)
    assert {"briefings/options.html", "registration/password_change_done.html"} <= set(scanned)


@pytest.mark.parametrize(
    "sample",
    ["{% load i18n portal %}", "{% load portal %}", "{% url 'portal:inbox' %}", '{% optional_url "portal:x" %}'],
)
def test_the_scan_would_see_a_portal_tag_library_or_url(sample):
    assert any(pattern.search(sample) for pattern, _ in USES_THE_PORTAL)
    assert not any(pattern.search("{% load i18n layout %}<a href='/portal-help/'>") for pattern, _ in USES_THE_PORTAL)


def test_each_role_sees_its_links_on_every_apps_pages(user_factory, agency_factory):
    agency = agency_factory("LEAD")
    users = {
        "secretariat": user_factory(Role.SECRETARIAT),
        "focal point": user_factory(Role.FOCAL_POINT, agency=agency),
        "viewer": user_factory(Role.VIEWER),
    }
    expected = {"secretariat": MANAGERS, "focal point": EVERYONE, "viewer": EVERYONE}
    for role, user in users.items():
        client = _client(user)
        for page in ["/", "/subscribe/", "/reminders/preferences/", "/accounts/password_change/"]:
            assert _nav(client, page) == expected[role], (role, page)
    assert _nav(Client(), "/accounts/login/") == []  # signed out: no navigation


def test_the_navigation_is_exactly_the_registered_entries_in_their_order(user_factory, monkeypatch):
    secretariat = _client(user_factory(Role.SECRETARIAT))
    assert [entry.url_name for entry in registered_entries()] == [
        "portal:dashboard",
        "portal:inbox",
        "portal:register",
        "portal:meetings",
        "portal:agencies",
        "portal:import",
        "calendars:subscribe",
    ]
    # An entry another app registers shows up in its place; one whose URL is not published, nowhere.
    reminders = apps.get_app_config("reminders")
    monkeypatch.setattr(
        reminders,
        "navigation_entries",
        lambda: [Entry("reminders:my_preferences", "Nhắc việc", order=65), Entry("nowhere:page", "Không có", order=1)],
        raising=False,
    )
    assert _nav(secretariat) == MANAGERS[:6] + ["/reminders/preferences/", "/subscribe/"]
    monkeypatch.setattr(apps.get_app_config("calendars"), "navigation_entries", lambda: [])
    assert "/subscribe/" not in _nav(secretariat)


def test_the_current_page_is_marked_once_and_an_empty_count_not_shown(user_factory):
    client = _client(user_factory(Role.SECRETARIAT))
    html = client.get("/subscribe/").content.decode()
    assert '<a href="/subscribe/" aria-current="page">Lịch</a>' in html
    assert '<a href="/inbox/">Việc cần xử lý</a>' in html  # nothing to do: no count
    assert html.count('aria-current="page"') == 1
