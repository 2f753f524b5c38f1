"""A directive submitted for review after its deadline is overdue everywhere the portal says "overdue".

The computed status counts it overdue until the secretariat confirms it; the
dashboard's list, the register's filter and the focal point's worklist all say
the same, and none of them lists a directive due today.
"""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import services, worklists
from dxtasks.directives.models import Directive
from dxtasks.directives.status import Status, annotate_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_submitted(user_factory, agency_factory, directive_factory):
    lead = agency_factory("LATE")
    focal = user_factory(role=Role.FOCAL_POINT, agency=lead)
    today = timezone.localdate()
    late = directive_factory(lead=lead, deadline_text=f"{today - datetime.timedelta(days=4):%d/%m/%Y}")
    due_today = directive_factory(lead=lead, deadline_text=f"{today:%d/%m/%Y}")
    services.submit_for_review(directive=late, by=focal, note="Đã xong")
    return focal, late, due_today


def test_the_computed_status_and_the_selector_call_it_overdue(late_submitted):
    _focal, late, due_today = late_submitted
    assert annotate_status(Directive.objects.filter(pk=late.pk)).get().status == Status.OVERDUE
    assert list(Directive.objects.overdue()) == [late]


def test_the_dashboard_register_and_worklist_list_it_as_overdue(late_submitted, client):
    focal, late, due_today = late_submitted
    client.force_login(focal)
    dashboard = client.get("/")
    assert [row.pk for row in dashboard.context["overdue"]] == [late.pk]
    register = client.get("/directives/", {"status": "overdue"}).content.decode()
    assert late.reference in register and due_today.reference not in register
    assert worklists.counts(focal)["overdue"] == 1
    assert [row.pk for row in worklists.mixed_rows(focal, "overdue")] == [late.pk]
    inbox = client.get("/inbox/", {"list": "overdue"}).content.decode()
    assert late.reference in inbox  # (the notifications beside it name both)
