"""Query counts that do not grow with the data: the register, the dashboard, a directive page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxtasks.directives import services
from dxtasks.directives.models import Meeting

from .conftest import client_for

D = datetime.date


def _fill(world, directive_factory, n: int):
    meeting = Meeting.objects.get_or_create(
        number=7, defaults={"committee": "ncdt", "date": D(2023, 12, 28), "title_vi": "7", "title_en": "7"}
    )[0]
    for i in range(n):
        d = directive_factory(
            lead=world.lead if i % 2 else world.other,
            co_agencies=[world.co],
            owner=world.users["lead_focal"],
            meeting=meeting,
            deadline_text="trong quý II/2024" if i % 3 else "trong năm 2031",
        )
        services.record_progress(directive=d, by=world.users["lead_focal"], percent=i % 100, note="x")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/directives/",
        "/directives/?agency=COAG&q=nhiem+vu&sort=-due",
        "/meetings/7/",
        "/agencies/LEAD/",
        "/directives/export.xlsx",
    ],
)
def test_list_pages_query_count_does_not_grow_with_data(world, directive_factory, url):
    client = client_for(world.users["lead_focal"])
    client.get(url)  # once: the dashboard's deletion stamp is stored on first use (dashboard.data_version)
    _fill(world, directive_factory, 5)
    small = _count(client, url)
    _fill(world, directive_factory, 45)
    # Never more; the dashboard may read fewer (its worklist stops at the list that fills its five rows).
    assert _count(client, url) <= small


def test_directive_page_query_count_does_not_grow_with_history(world):
    client = client_for(world.users["secretariat"])
    url = world.directive.get_absolute_url()
    services.record_progress(directive=world.directive, by=world.users["lead_focal"], percent=5, note="x")
    small = _count(client, url)
    for i in range(20):
        services.record_progress(directive=world.directive, by=world.users["co_focal"], percent=i, note=f"n{i}")
    services.request_extension(
        directive=world.directive, by=world.users["lead_focal"], proposed_due=D(2031, 6, 30), reason="r"
    )
    for i in range(3):
        services.change_deadline(
            directive=world.directive, approved_by=world.users["secretariat"], new_due=D(2032 + i, 1, 1), reason="r"
        )
    services.submit_for_review(directive=world.directive, by=world.users["lead_focal"])
    services.return_for_rework(directive=world.directive, by=world.users["secretariat"], note="x")
    assert _count(client, url) == small
    assert small <= 17  # 16, and one for the audit trail's table (DirectiveChange)


def test_register_page_stays_within_a_fixed_number_of_queries(world, directive_factory, django_assert_max_num_queries):
    _fill(world, directive_factory, 50)
    client = client_for(world.users["viewer"])
    with django_assert_max_num_queries(10):
        client.get("/directives/")
