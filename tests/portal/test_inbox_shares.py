"""/inbox/ follows collective directives share by share: a focal point's agency's shares, the secretariat's
shares without an owner or waiting for a decision, and inline actions on a share that come back to the inbox."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import events, services, worklists
from dxtasks.directives.models import Share, State

from .conftest import client_for

D = datetime.date
pytestmark = pytest.mark.django_db


def _day(offset: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=offset):%d/%m/%Y}"


@pytest.fixture
def collective(world, agency_factory):
    """Two collective directives to LEAD, OTHER and a third agency with no focal point (its share: no owner)."""
    agency_factory("EACH", kind="other")
    third = agency_factory("THIRD", name_vi="Tỉnh Thứ Ba", short_name_vi="T3", kind="province")
    sec = world.users["secretariat"]
    today = timezone.localdate()
    with events.muted():
        soon = services.create_directive(
            by=sec,
            reference="COL-1",
            title_vi="Mỗi cơ quan ban hành kế hoạch",
            share_agencies=[world.lead, world.other, third],
            deadline_text=_day(5),
            assigned_on=today - datetime.timedelta(days=60),
        )
        late = services.create_directive(
            by=sec,
            reference="COL-2",
            title_vi="Mỗi cơ quan báo cáo kết quả",
            share_agencies=[world.lead, world.other, third],
            deadline_text=_day(-3),
            assigned_on=today - datetime.timedelta(days=60),
        )
    return soon, late, third


def share(directive, code) -> Share:
    return directive.shares.select_related("agency").get(agency__code=code)


def keys(rows) -> list[tuple[str, str]]:
    """(reference, agency code or "") of each row, in order."""
    return [
        (row.directive.reference, row.agency.code) if row.worklist_model == "share" else (row.reference, "")
        for row in rows
    ]


def test_a_focal_point_lists_their_agencys_shares_due_soon_overdue_and_new(world, collective):
    soon, late, _third = collective
    focal = world.users["lead_focal"]
    counts = worklists.counts(focal)
    assert counts["due_soon"] == 1 and counts["overdue"] == 1
    assert keys(worklists.mixed_rows(focal, "due_soon")) == [("COL-1", "LEAD")]
    assert keys(worklists.mixed_rows(focal, "overdue")) == [("COL-2", "LEAD")]
    # New assignments: the single-lead directive and the agency's two shares (newest first), never the directive.
    assert sorted(keys(worklists.mixed_rows(focal, "new"))) == [("COL-1", "LEAD"), ("COL-2", "LEAD"), ("UBQG-7/01", "")]
    # Another agency's share moves another focal point's lists only.
    services.complete_directive(
        directive=late, share=share(late, "OTHER"), by=world.users["secretariat"], completed_on=timezone.localdate()
    )
    assert worklists.counts(focal)["overdue"] == 1 and worklists.counts(world.users["other_focal"])["overdue"] == 0
    # An extension on the share moves it out of "overdue" into "due soon" no more than its own date says.
    services.change_deadline(
        directive=late,
        share=share(late, "LEAD"),
        approved_by=world.users["secretariat"],
        new_due=timezone.localdate() + datetime.timedelta(days=2),
        reason="gia hạn",
    )
    assert worklists.counts(focal)["overdue"] == 0
    assert keys(worklists.mixed_rows(focal, "due_soon")) == [("COL-2", "LEAD"), ("COL-1", "LEAD")]
    page = client_for(focal).get("/inbox/?list=due_soon").content.decode()
    assert f"{soon.get_absolute_url()}?share=LEAD" in page and "phần việc của BCT1" in page


def test_returned_shares_and_decisions_on_a_shares_request_reach_the_focal_point(world, collective):
    soon, late, _third = collective
    focal, sec = world.users["lead_focal"], world.users["secretariat"]
    services.submit_for_review(directive=soon, share=share(soon, "LEAD"), by=focal)
    services.return_for_rework(directive=soon, share=share(soon, "LEAD"), by=sec, note="Thiếu phụ lục")
    request = services.request_extension(
        directive=late, share=share(late, "LEAD"), by=focal, proposed_due=D(2031, 1, 1), reason="Chờ hướng dẫn"
    )
    assert keys(worklists.mixed_rows(focal, "returned")) == [("COL-1", "LEAD")]
    assert worklists.counts(world.users["other_focal"])["returned"] == 0
    assert [r.pk for r in worklists.mixed_rows(focal, "my_requests")] == [request.pk]
    services.decide_extension(request=request, by=sec, approve=False, note="Chưa đủ căn cứ")
    [decision] = worklists.mixed_rows(focal, "decisions")
    assert decision.share.agency.code == "LEAD"
    page = client_for(focal).get("/inbox/").content.decode()
    assert "Chưa đủ căn cứ" in page and "phần việc của BCT1" in page


def test_the_secretariat_sees_shares_without_an_owner_and_submitted_shares(world, collective):
    soon, late, third = collective
    sec = world.users["secretariat"]
    # THIRD has no focal point: its two shares have no owner; the collective directives themselves are not rows.
    assert keys(worklists.mixed_rows(sec, "unowned")) == [("UBQG-7/01", ""), ("COL-1", "THIRD"), ("COL-2", "THIRD")]
    assert worklists.counts(sec)["unowned"] == 3
    assert worklists.counts(sec, agency=third)["unowned"] == 2
    # The stale overdue list: COL-2's shares are overdue and nobody reported in 30 days.
    assert keys(worklists.mixed_rows(sec, "stale_overdue")) == [
        ("COL-2", "LEAD"),
        ("COL-2", "OTHER"),
        ("COL-2", "THIRD"),
    ]
    services.record_progress(
        directive=late, share=share(late, "OTHER"), by=world.users["other_focal"], percent=40, note="Đang dự thảo"
    )
    assert keys(worklists.mixed_rows(sec, "stale_overdue")) == [("COL-2", "LEAD"), ("COL-2", "THIRD")]
    services.submit_for_review(directive=soon, share=share(soon, "OTHER"), by=world.users["other_focal"])
    assert keys(worklists.mixed_rows(sec, "submitted")) == [("COL-1", "OTHER")]
    page = client_for(sec).get("/inbox/?list=unowned").content.decode()
    assert "phần việc của T3" in page and "chưa có người phụ trách" in page


def test_a_shares_submission_is_confirmed_inline_and_comes_back_to_the_inbox(world, collective):
    soon, _late, _third = collective
    sec = world.users["secretariat"]
    services.submit_for_review(directive=soon, share=share(soon, "OTHER"), by=world.users["other_focal"])
    client = client_for(sec)
    page = client.get("/inbox/?list=submitted").content.decode()
    assert f'action="/directives/{soon.public_id}/complete/"' in page and 'name="share" value="OTHER"' in page
    response = client.post(
        f"/directives/{soon.public_id}/complete/",
        {"share": "OTHER", "completed_on": f"{timezone.localdate():%d/%m/%Y}", "next": "/inbox/?list=submitted"},
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/?list=submitted"
    assert share(soon, "OTHER").state == State.COMPLETED
    assert share(soon, "LEAD").state == State.OPEN  # only that share
    assert worklists.counts(sec)["submitted"] == 0


def test_a_shares_extension_is_decided_inline_and_comes_back_to_the_inbox(world, collective):
    _soon, late, _third = collective
    sec = world.users["secretariat"]
    request = services.request_extension(
        directive=late,
        share=share(late, "LEAD"),
        by=world.users["lead_focal"],
        proposed_due=D(2031, 1, 1),
        reason="Chờ hướng dẫn",
    )
    client = client_for(sec)
    page = client.get("/inbox/?list=extensions").content.decode()
    assert "phần việc của BCT1" in page and "Chờ hướng dẫn" in page
    response = client.post(
        f"/directives/{late.public_id}/extension/{request.pk}/decide/",
        {"decision": "approve", "note": "", "next": "/inbox/?list=extensions"},
    )
    assert response["Location"] == "/inbox/?list=extensions"
    assert share(late, "LEAD").due_date == D(2031, 1, 1) and share(late, "OTHER").due_date < D(2031, 1, 1)


def test_a_merged_agencys_shares_wait_for_their_transfer(world, collective, agency_factory):
    _soon, late, third = collective
    sec = world.users["secretariat"]
    successor = agency_factory("THIRD-2025", name_vi="Tỉnh Mới", short_name_vi="TM", kind="province")
    type(third).objects.filter(pk=third.pk).update(successor=successor, succeeded_on=D(2025, 7, 1), active=False)
    third.refresh_from_db()
    assert sorted(keys(worklists.mixed_rows(sec, "merged"))) == [("COL-1", "THIRD"), ("COL-2", "THIRD")]
    services.transfer_to_successor(agency=third, directives=[late], by=sec)
    assert keys(worklists.mixed_rows(sec, "merged")) == [("COL-1", "THIRD")]


def test_the_dashboard_top_rows_include_shares(world, collective):
    page = client_for(world.users["lead_focal"]).get("/").content.decode()
    assert "phần việc của BCT1" in page and "COL-2" in page


def test_pages_of_a_mixed_list_keep_one_order(world, collective, directive_factory):
    sec = world.users["secretariat"]
    with events.muted():
        for n in range(3):
            directive_factory(lead=world.other, reference=f"SOLO-{n}")
    rows = worklists.mixed_rows(sec, "unowned")
    everything = keys(rows)
    assert len(everything) == rows.count() == 6
    assert keys(rows[:2]) + keys(rows[2:4]) + keys(rows[4:]) == everything
    # The same list as two querysets (for callers that page by keys): its directives, its shares.
    assert sorted(keys(worklists.rows(sec, "unowned")) + keys(worklists.share_rows(sec, "unowned"))) == sorted(
        everything
    )
    assert all(row.worklist_model == "share" for row in worklists.share_rows(sec, "unowned"))
