"""Progress, extensions, review and closing through the pages; bad input refused and kept."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives.models import DeadlineChange, Directive, ExtensionRequest, ProgressUpdate, State

from .conftest import client_for, snapshot

D = datetime.date


def _url(world, action=""):
    return f"{world.directive.get_absolute_url()}{action}"


def test_progress_report_is_recorded_and_shown_on_the_timeline(world):
    client = client_for(world.users["lead_focal"])
    response = client.post(
        _url(world, "progress/"),
        {"percent": 40, "note": "Đã lấy ý kiến các bộ", "evidence_url": "https://example.gov.vn/du-thao"},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.percent, update.reported_by, update.evidence_url) == (
        40,
        world.users["lead_focal"],
        "https://example.gov.vn/du-thao",
    )
    page = client.get(_url(world)).content.decode()
    assert "Tiến độ 40%: Đã lấy ý kiến các bộ" in page
    assert "Đã ghi báo cáo tiến độ." in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"percent": 140, "note": "x"}, "percent", "nhỏ hơn hoặc bằng với 100"),
        ({"percent": 50, "note": ""}, "note", "bắt buộc"),
        ({"percent": 50, "note": "x", "evidence_url": "không phải link"}, "evidence_url", "URL"),
    ],
)
def test_bad_progress_is_refused_with_the_field_error_and_the_typed_text_kept(world, data, field, message):
    before = snapshot(world.directive)
    response = client_for(world.users["co_focal"]).post(_url(world, "progress/"), data)
    assert response.status_code == 400
    form = response.context["progress_form"]
    assert message in " ".join(form.errors[field])
    assert form.data["note"] == data["note"]
    if data["note"]:
        assert data["note"] in response.content.decode()
    assert snapshot(world.directive) == before


def test_extension_requested_then_approved_moves_the_due_date_and_bumps_the_version(world):
    old_version = world.directive.version
    focal = client_for(world.users["lead_focal"])
    response = focal.post(_url(world, "extension/"), {"proposed_due": "30/06/2031", "reason": "Chờ Quốc hội"})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.decision == ExtensionRequest.Decision.PENDING
    assert "Đề nghị gia hạn chờ duyệt" in focal.get(_url(world)).content.decode()

    secretariat = client_for(world.users["secretariat"])
    response = secretariat.post(
        _url(world, f"extension/{request.pk}/decide/"), {"decision": "approve", "note": "Đồng ý"}
    )
    assert response.status_code == 302
    directive = Directive.objects.get(pk=world.directive.pk)
    assert directive.due_date == D(2031, 6, 30)
    assert directive.version == old_version + 1
    change = DeadlineChange.objects.get()
    assert (change.old_due, change.new_due, change.approved_by) == (
        D(2030, 12, 31),
        D(2031, 6, 30),
        world.users["secretariat"],
    )
    page = secretariat.get(_url(world)).content.decode()
    assert "30/06/2031" in page
    assert "Đã duyệt" in page


def test_extension_rejected_keeps_the_due_date(world):
    client_for(world.users["co_focal"]).post(_url(world, "extension/"), {"proposed_due": "30/06/2031", "reason": "Chờ"})
    request = ExtensionRequest.objects.get()
    response = client_for(world.users["secretariat"]).post(
        _url(world, f"extension/{request.pk}/decide/"), {"decision": "reject", "note": "Không đủ lý do"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.decision == ExtensionRequest.Decision.REJECTED
    assert Directive.objects.get(pk=world.directive.pk).due_date == D(2030, 12, 31)


@pytest.mark.parametrize(
    "proposed, message",
    [
        ("31/02/2031", "Nhập một ngày hợp lệ"),
        ("01/01/2020", "Hạn đề nghị phải sau"),
    ],
)
def test_bad_extension_date_is_refused_with_the_reason_kept(world, proposed, message):
    before = snapshot(world.directive)
    response = client_for(world.users["lead_focal"]).post(
        _url(world, "extension/"), {"proposed_due": proposed, "reason": "Lý do của tôi"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Lý do của tôi" in response.content.decode()
    assert snapshot(world.directive) == before


def test_a_second_pending_extension_is_refused(world):
    client = client_for(world.users["lead_focal"])
    client.post(_url(world, "extension/"), {"proposed_due": "30/06/2031", "reason": "Một"})
    response = client.post(_url(world, "extension/"), {"proposed_due": "30/09/2031", "reason": "Hai"})
    # The form is hidden while a request is pending; a forged second POST is refused by the service.
    assert response.status_code == 400
    assert ExtensionRequest.objects.count() == 1


def test_submit_then_return_then_submit_then_complete(world):
    focal, secretariat = client_for(world.users["lead_focal"]), client_for(world.users["secretariat"])
    assert focal.post(_url(world, "submit/"), {"note": "Đã trình"}).status_code == 302
    assert Directive.objects.get(pk=world.directive.pk).state == State.SUBMITTED
    assert secretariat.post(_url(world, "return/"), {"note": "Thiếu phụ lục"}).status_code == 302
    assert Directive.objects.get(pk=world.directive.pk).state == State.OPEN
    assert focal.post(_url(world, "submit/"), {"note": "Đã bổ sung"}).status_code == 302
    today = timezone.localdate()
    response = secretariat.post(
        _url(world, "complete/"), {"completed_on": f"{today:%d/%m/%Y}", "outcome": "Luật 91/2025/QH15"}
    )
    assert response.status_code == 302
    directive = Directive.objects.get(pk=world.directive.pk)
    assert (directive.state, directive.completed_on, directive.outcome) == (State.COMPLETED, today, "Luật 91/2025/QH15")
    page = secretariat.get(_url(world)).content.decode()
    assert "Thiếu phụ lục" in page and "Hoàn thành đúng hạn" in page
    # A closed directive offers no more actions.
    assert "progress/" not in page and "complete/" not in page


def test_completion_date_in_the_future_is_refused(world):
    before = snapshot(world.directive)
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for(world.users["secretariat"]).post(
        _url(world, "complete/"), {"completed_on": f"{future:%d/%m/%Y}"}
    )
    assert response.status_code == 400
    assert "Ngày hoàn thành không thể ở tương lai." in response.content.decode()
    assert snapshot(world.directive) == before


def test_return_of_a_directive_not_submitted_is_refused_with_the_reason(world):
    before = snapshot(world.directive)
    response = client_for(world.users["secretariat"]).post(_url(world, "return/"), {"note": "x"})
    assert response.status_code == 400
    assert "Không thể chuyển nhiệm vụ" in response.content.decode()
    assert snapshot(world.directive) == before


def test_cancel_needs_a_reason(world):
    before = snapshot(world.directive)
    response = client_for(world.users["secretariat"]).post(_url(world, "cancel/"), {"reason": ""})
    assert response.status_code == 400
    assert snapshot(world.directive) == before


def test_unknown_directive_and_unknown_extension_are_404(world):
    client = client_for(world.users["secretariat"])
    assert client.get("/directives/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.post(_url(world, "extension/999/decide/"), {"decision": "approve"}).status_code == 404
    assert client.get("/directives/not-a-uuid/").status_code == 404


def test_actions_refuse_get(world):
    assert client_for(world.users["secretariat"]).get(_url(world, "progress/")).status_code == 405


def test_timeline_includes_entries_from_apps_that_provide_them(world, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("portal")
    monkeypatch.setattr(
        config,
        "timeline_entries",
        lambda directive: [
            {"at": D(2024, 5, 2), "kind": "reminders", "text": "Đã gửi email nhắc hạn", "outcome": "đã gửi"}
        ],
        raising=False,
    )
    page = client_for(world.users["viewer"]).get(_url(world)).content.decode()
    assert "Đã gửi email nhắc hạn" in page and "02/05/2024" in page
