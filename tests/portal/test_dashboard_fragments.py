"""The dashboard's rendered lists and scorecards are cached with its figures: never stale, never another person's.

The overdue and due-soon tables and the per-agency scorecards show the cached figures' rows and nothing of the
reader, so their HTML is kept under the figures' key and the language; "my directives" per person as well.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxtasks.directives import services

from .conftest import client_for
from .test_pages import spread  # noqa: F401  (the fixture)


def section(page: str, heading: str) -> str:
    return re.search(rf'<section class="card" aria-labelledby="{heading}">.*?</section>', page, re.S).group(0)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_an_edit_shows_on_the_next_dashboard_though_the_tables_are_cached(world, spread):  # noqa: F811
    client = client_for(world.users["secretariat"])
    first = client.get("/").content.decode()
    with CaptureQueriesContext(connection) as again:
        second = client.get("/").content.decode()
    assert "OD-1" in section(first, "h-overdue") and section(second, "h-overdue") == section(first, "h-overdue")
    # The second dashboard took its tables from the cache: it read no co-ordinating agencies (the lists' prefetch).
    assert not [q for q in again.captured_queries if "directive_co_agencies" in q["sql"]]

    services.update_directive(directive=spread["overdue"], by=world.users["secretariat"], title_vi="Tiêu đề đã sửa")
    assert "Tiêu đề đã sửa" in section(client.get("/").content.decode(), "h-overdue")


def test_each_language_gets_its_own_tables(world, spread):  # noqa: F811
    client = client_for(world.users["secretariat"])
    vietnamese = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Quá hạn lâu nhất (ngày)" in section(vietnamese, "h-agencies")
    assert "Quá hạn lâu nhất (ngày)" not in section(english, "h-agencies")
    assert "Chủ trì" in section(vietnamese, "h-overdue") and "Chủ trì" not in section(english, "h-overdue")


def test_my_directives_are_nobody_elses(world, spread):  # noqa: F811
    """OD-1 is the lead focal point's own: another agency's focal point, right after, never sees it as theirs."""
    assert "OD-1" in section(client_for(world.users["lead_focal"]).get("/").content.decode(), "h-mine")
    assert "OD-1" not in section(client_for(world.users["other_focal"]).get("/").content.decode(), "h-mine")


def test_no_cache_setting_renders_every_time(world, spread, settings):  # noqa: F811
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(world.users["secretariat"])
    client.get("/")
    spread["overdue"].__class__.objects.filter(pk=spread["overdue"].pk).update(title_vi="Sửa thẳng trong cơ sở dữ liệu")
    # Even a change that moves no updated_at (a raw UPDATE) shows at once when nothing is cached.
    assert "Sửa thẳng trong cơ sở dữ liệu" in section(client.get("/").content.decode(), "h-overdue")
