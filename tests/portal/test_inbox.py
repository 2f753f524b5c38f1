"""/inbox/ (“Việc cần xử lý”): each role's worklists, counts in the navigation, inline actions, withdraw."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import events, services, worklists
from dxtasks.directives.models import Agency, Directive, ExtensionRequest, Notification, State
from tests.conftest import merge

from .conftest import client_for, snapshot

D = datetime.date
ROLES = ["secretariat", "lead_focal", "co_focal", "other_focal", "viewer", "anonymous"]


def _pending(world, by="lead_focal"):
    return services.request_extension(
        directive=world.directive, by=world.users[by], proposed_due=D(2031, 6, 30), reason="Chờ ý kiến bộ ngành"
    )


def test_the_secretariat_sees_a_pending_request_and_approves_it_inline(world):
    request = _pending(world)
    client = client_for(world.users["secretariat"])
    page = client.get("/inbox/?list=extensions")
    html = page.content.decode()
    assert page.status_code == 200
    assert "UBQG-7/01" in html and "Chờ ý kiến bộ ngành" in html
    assert f'action="/directives/{world.directive.public_id}/extension/{request.pk}/decide/"' in html
    response = client.post(
        f"/directives/{world.directive.public_id}/extension/{request.pk}/decide/",
        {"decision": "approve", "note": "Đồng ý", "next": "/inbox/?list=extensions"},
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/?list=extensions"
    request.refresh_from_db()
    assert request.decision == "approved" and request.decision_note == "Đồng ý"
    assert worklists.counts(world.users["secretariat"])["extensions"] == 0


def test_an_outside_next_is_ignored_after_an_action(world):
    request = _pending(world)
    response = client_for(world.users["secretariat"]).post(
        f"/directives/{world.directive.public_id}/extension/{request.pk}/decide/",
        {"decision": "reject", "next": "//evil.example/inbox/"},
    )
    assert response["Location"] == world.directive.get_absolute_url()


def test_the_navigation_counts_what_waits(world):
    _pending(world)
    services.submit_for_review(directive=world.directive, by=world.users["lead_focal"])
    page = client_for(world.users["secretariat"]).get("/directives/").content.decode()
    # pending extension + submitted + no owner (+ the two unread notifications)
    assert 'href="/inbox/"' in page
    assert worklists.total(world.users["secretariat"]) == 3
    assert Notification.objects.filter(user=world.users["secretariat"], read_at__isnull=True).count() == 2
    assert '<span class="count" aria-label="5 việc">5</span>' in page


def test_the_secretariat_lists(world, directive_factory, agency_factory):
    sec = world.users["secretariat"]
    today = timezone.localdate()
    with events.muted():
        stale = directive_factory(
            lead=world.lead,
            owner=world.users["lead_focal"],
            deadline_text=f"{today - datetime.timedelta(days=3):%d/%m/%Y}",
            assigned_on=today - datetime.timedelta(days=90),
        )
        successor = agency_factory("NEW", name_vi="Bộ Mới")
        merged = agency_factory("OLD", name_vi="Bộ Cũ")
        old = directive_factory(lead=merged, owner=world.users["lead_focal"])
        merge(merged, successor)
    counts = worklists.counts(sec)
    assert counts == {"extensions": 0, "submitted": 0, "unowned": 1, "stale_overdue": 1, "merged": 1}
    assert [d.pk for d in worklists.rows(sec, "stale_overdue")] == [stale.pk]
    assert [d.pk for d in worklists.rows(sec, "merged")] == [old.pk]
    assert [d.pk for d in worklists.rows(sec, "unowned")] == [world.directive.pk]
    services.record_progress(directive=stale, by=world.users["lead_focal"], percent=10, note="x")
    assert worklists.counts(sec)["stale_overdue"] == 0
    # Filtered by agency, bookmarkable: only what that agency leads or co-ordinates.
    assert worklists.counts(sec, agency=Agency.objects.get(code="OLD"))["merged"] == 1
    assert worklists.counts(sec, agency=world.other)["merged"] == 0
    page = client_for(sec).get("/inbox/?agency=OLD").content.decode()
    assert old.reference in page and world.directive.reference not in page
    bad = client_for(sec).get("/inbox/?agency=NOPE")
    assert bad.status_code == 200 and "Không có cơ quan mã “NOPE”" in bad.content.decode()


def test_the_focal_point_lists(world, directive_factory):
    focal = world.users["lead_focal"]
    today = timezone.localdate()
    with events.muted():
        soon = directive_factory(
            lead=world.co, co_agencies=[world.lead], deadline_text=f"{today + datetime.timedelta(days=5):%d/%m/%Y}"
        )
        late = directive_factory(lead=world.lead, deadline_text=f"{today - datetime.timedelta(days=2):%d/%m/%Y}")
        directive_factory(lead=world.other, deadline_text=f"{today - datetime.timedelta(days=2):%d/%m/%Y}")
    services.submit_for_review(directive=world.directive, by=focal)
    services.return_for_rework(directive=world.directive, by=world.users["secretariat"], note="Thiếu minh chứng")
    request = services.request_extension(directive=late, by=focal, proposed_due=D(2031, 1, 1), reason="r")
    decided = services.request_extension(directive=soon, by=focal, proposed_due=D(2031, 1, 1), reason="r")
    services.decide_extension(request=decided, by=world.users["secretariat"], approve=False, note="Chưa đủ căn cứ")
    assert worklists.counts(focal) == {
        "due_soon": 1,
        "overdue": 1,
        "returned": 1,
        "decisions": 1,
        "my_requests": 1,
        "new": 3,
    }
    assert [d.pk for d in worklists.rows(focal, "due_soon")] == [soon.pk]
    assert [d.pk for d in worklists.rows(focal, "overdue")] == [late.pk]
    assert [d.pk for d in worklists.rows(focal, "returned")] == [world.directive.pk]
    assert [r.pk for r in worklists.rows(focal, "my_requests")] == [request.pk]
    page = client_for(focal).get("/inbox/").content.decode()
    assert "Chưa đủ căn cứ" in page  # the decision note, shown to the requester
    # Days to a deadline still ahead read as such, not as a negative age; the late one's as days past.
    due_soon = client_for(focal).get("/inbox/?list=due_soon").content.decode()
    assert ">còn 5 ngày</td>" in due_soon and ">-5</td>" not in due_soon
    assert ">2 ngày</td>" in client_for(focal).get("/inbox/?list=overdue").content.decode()
    english = client_for(focal)
    english.cookies["django_language"] = "en"
    assert ">in 5 days</td>" in english.get("/inbox/?list=due_soon").content.decode()
    assert f"/extension/{request.pk}/withdraw/" in page
    # Another agency's focal point has none of these.
    other = worklists.counts(world.users["other_focal"])
    assert other["overdue"] == 1 and other["returned"] == 0 and other["my_requests"] == 0
    # A list that is not the user's role is empty, not an error.
    assert list(worklists.rows(focal, "extensions")) == []
    assert client_for(focal).get("/inbox/?list=extensions").status_code == 200


def test_a_focal_point_withdraws_a_pending_request(world):
    request = _pending(world)
    client = client_for(world.users["lead_focal"])
    page = client.get(world.directive.get_absolute_url()).content.decode()
    assert "Rút lại đề nghị" in page
    response = client.post(
        f"/directives/{world.directive.public_id}/extension/{request.pk}/withdraw/", {"next": "/inbox/"}
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    request.refresh_from_db()
    assert request.decision == ExtensionRequest.Decision.WITHDRAWN and request.decided_by == world.users["lead_focal"]
    assert worklists.counts(world.users["secretariat"])["extensions"] == 0
    # A new request may be made once the old one is withdrawn; withdrawing twice is refused with a message.
    again = client.post(f"/directives/{world.directive.public_id}/extension/{request.pk}/withdraw/", follow=True)
    assert "không thể rút lại" in again.content.decode()
    _pending(world)


def test_only_the_requester_or_the_secretariat_may_withdraw(world):
    request = _pending(world)
    url = f"/directives/{world.directive.public_id}/extension/{request.pk}/withdraw/"
    for role in ("co_focal", "other_focal", "viewer"):
        response = client_for(world.users[role]).post(url)
        assert response.status_code == 403 and "rút lại" in response.content.decode()
    request.refresh_from_db()
    assert request.decision == "pending"
    assert client_for(world.users["secretariat"]).post(url).status_code == 302


def test_the_decision_note_is_shown_to_the_requester_on_the_directive_page(world):
    request = _pending(world)
    services.decide_extension(
        request=request, by=world.users["secretariat"], approve=False, note="Cần thêm căn cứ pháp lý"
    )
    page = client_for(world.users["lead_focal"]).get(world.directive.get_absolute_url()).content.decode()
    assert "Kết quả đề nghị gia hạn của anh/chị" in page and "Cần thêm căn cứ pháp lý" in page
    other = client_for(world.users["co_focal"]).get(world.directive.get_absolute_url()).content.decode()
    assert "Kết quả đề nghị gia hạn của anh/chị" not in other


def test_notifications_in_the_inbox_read_and_unread(world):
    _pending(world)
    sec = world.users["secretariat"]
    client = client_for(sec)
    page = client.get("/inbox/?notifications=unread").content.decode()
    assert 'class="unread"' in page and "Đề nghị gia hạn" in page
    notification = Notification.objects.get(user=sec)
    # Another user's notification id cannot be marked by me.
    client_for(world.users["viewer"]).post("/inbox/read/", {"id": notification.pk})
    notification.refresh_from_db()
    assert notification.read_at is None
    response = client.post("/inbox/read/", {"id": notification.pk, "next": "/inbox/?notifications=unread"})
    assert response["Location"] == "/inbox/?notifications=unread"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Chưa có thông báo nào." in client.get("/inbox/?notifications=unread").content.decode()


def test_the_dashboard_shows_the_top_of_the_worklist_and_follows_changes(world):
    sec = client_for(world.users["secretariat"])
    sec.get("/")  # cached: no owner for UBQG-7/01
    request = _pending(world)
    page = sec.get("/").content.decode()
    assert "Tất cả việc cần xử lý" in page and "Đề nghị gia hạn chờ duyệt" in page  # a request moves the cache
    assert '<span class="count" aria-label="3 việc">3</span>' in page  # pending, no owner, one unread
    services.withdraw_extension(request=request, by=world.users["lead_focal"])
    page = sec.get("/").content.decode()
    assert "Đề nghị gia hạn chờ duyệt" not in page
    viewer = client_for(world.users["viewer"]).get("/").content.decode()
    assert "Tất cả việc cần xử lý" not in viewer


def test_confirming_a_submission_inline_completes_it_today(world):
    services.submit_for_review(directive=world.directive, by=world.users["lead_focal"])
    client = client_for(world.users["secretariat"])
    assert "Xác nhận hoàn thành hôm nay" in client.get("/inbox/?list=submitted").content.decode()
    response = client.post(
        f"{world.directive.get_absolute_url()}complete/",
        {"completed_on": f"{timezone.localdate():%d/%m/%Y}", "next": "/inbox/?list=submitted"},
    )
    assert response["Location"] == "/inbox/?list=submitted"
    assert Directive.objects.get(pk=world.directive.pk).state == State.COMPLETED


# name: (method, url, data, who may, success status, setup)
PAGES = {
    "inbox": (
        "get",
        lambda w, r: "/inbox/",
        None,
        {"secretariat", "lead_focal", "co_focal", "other_focal", "viewer"},
        200,
    ),
    "inbox_list": (
        "get",
        lambda w, r: "/inbox/?list=extensions&agency=LEAD",
        None,
        {"secretariat", "lead_focal", "co_focal", "other_focal", "viewer"},
        200,
    ),
    "mark_read": (
        "post",
        lambda w, r: "/inbox/read/",
        {},
        {"secretariat", "lead_focal", "co_focal", "other_focal", "viewer"},
        302,
    ),
    "withdraw": (
        "post",
        lambda w, r: f"/directives/{w.directive.public_id}/extension/{r.pk}/withdraw/",
        {},
        {"secretariat", "lead_focal"},
        302,
    ),
    "my_preferences": (
        "get",
        lambda w, r: "/reminders/preferences/",
        None,
        {"secretariat", "lead_focal", "co_focal", "other_focal", "viewer"},
        302,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix_of_the_inbox(world, role, page):
    method, url, data, allowed, success = PAGES[page]
    request = _pending(world)
    client = client_for(None if role == "anonymous" else world.users[role])
    before = snapshot(world.directive)
    response = client.get(url(world, request)) if method == "get" else client.post(url(world, request), data)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert snapshot(world.directive) == before
    elif role in allowed:
        assert response.status_code == success, response.content[:1000]
    else:
        assert response.status_code == 403
        assert snapshot(world.directive) == before
