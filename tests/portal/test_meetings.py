"""Meetings in the portal: the secretariat registers and edits them; the rules are field errors."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import Meeting, MeetingChange

from .conftest import client_for

ROLES = ["secretariat", "lead_focal", "co_focal", "other_focal", "viewer", "anonymous"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meeting(world):
    return services.create_meeting(
        by=world.users["secretariat"],
        committee="ncdt",
        session_number=9,
        date=datetime.date(2024, 9, 20),
        title_vi="Phiên họp thứ 9",
    )


def _form(**changes):
    data = {
        "committee": "ncdt",
        "session_number": "11",
        "date": "20/11/2025",
        "title_vi": "",
        "title_en": "11th meeting",
        "chair": "Phạm Minh Chính",
        "notice_ref": "552/TB-VPCP",
        "notice_date": "25/11/2025",
        "source_url": "https://vpcp.chinhphu.vn/tb-552",
    }
    data.update(changes)
    return data


def _state():
    return (
        sorted(Meeting.objects.values_list("number", "committee", "session_number", "title_vi", "date")),
        MeetingChange.objects.count(),
    )


# name: (method, url, data, success status)
PAGES = {
    "new_form": ("get", lambda m: "/meetings/new/", None, 200),
    "edit_form": ("get", lambda m: f"/meetings/{m.number}/edit/", None, 200),
    "create": ("post", lambda m: "/meetings/new/", lambda: _form(), 302),
    "edit": (
        "post",
        lambda m: f"/meetings/{m.number}/edit/",
        lambda: _form(session_number="9", date="20/09/2024", title_vi="Tên mới"),
        302,
    ),
    "delete": ("post", lambda m: f"/meetings/{m.number}/delete/", lambda: {}, 302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_only_the_secretariat_enters_meetings(world, meeting, role, page):
    method, url, data, success = PAGES[page]
    client = client_for(None if role == "anonymous" else world.users[role])
    before = _state()
    response = client.get(url(meeting)) if method == "get" else client.post(url(meeting), data())
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role == "secretariat":
        assert response.status_code == success, response.content[:1500]
        if method == "post":
            assert _state() != before
        return
    else:
        assert response.status_code == 403
        assert "Chỉ Thư ký Ủy ban" in response.content.decode()
    assert _state() == before


def test_the_secretariat_creates_meeting_11_with_its_notice(world):
    client = client_for(world.users["secretariat"])
    upload = SimpleUploadedFile("TB-552.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    response = client.post("/meetings/new/", {**_form(), "notice_file": upload})
    assert response.status_code == 302
    meeting = Meeting.objects.get(committee="ncdt", session_number=11)
    assert response["Location"] == "/meetings/11/"
    assert meeting.number == 11  # the NCDT's register number is its session number
    assert meeting.title_vi == "Phiên họp thứ 11 của Ủy ban Quốc gia về chuyển đổi số"
    assert meeting.notice_ref == "552/TB-VPCP" and meeting.notice_date == datetime.date(2025, 11, 25)
    change = meeting.changes.get()
    assert change.action == "created" and change.changed_by == world.users["secretariat"]
    page = client.get("/meetings/11/").content.decode()
    assert "Phiên họp thứ 11 UBQG về CĐS, 20/11/2025" in page
    assert "/meetings/11/notice/" in page
    viewer_download = client_for(world.users["viewer"]).get("/meetings/11/notice/")
    assert viewer_download.status_code == 200
    assert b"".join(viewer_download.streaming_content) == b"%PDF-1.4 notice"


def test_other_committees_get_register_numbers_of_their_own(world):
    by = world.users["secretariat"]
    first = services.create_meeting(
        by=by, committee="egov", session_number=None, date=datetime.date(2021, 3, 10), title_vi="Phiên họp thường kỳ"
    )
    second = services.create_meeting(
        by=by, committee="steering", session_number=3, date=datetime.date(2025, 6, 1), title_vi=""
    )
    assert first.number == 101 and first.label == "Phiên họp UBQG về CPĐT, 10/03/2021"
    assert second.number == 203 and second.label == "Phiên họp thứ 3 BCĐ của Chính phủ, 01/06/2025"
    # The session number may repeat across committees, never within one.
    services.create_meeting(by=by, committee="ncdt", session_number=3, date=datetime.date(2022, 8, 8), title_vi="x")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"session_number": "9"}, "session_number", "đã có phiên họp thứ 9 (20/09/2024)"),
        ({"committee": ""}, "committee", "Hãy chọn ủy ban của phiên họp."),
        ({"date": "20/11/2035", "notice_date": ""}, "date", "quá xa trong tương lai"),
        ({"date": "31/02/2025"}, "date", "Nhập một ngày hợp lệ"),
        ({"notice_date": "01/01/2025"}, "notice_date", "không thể trước ngày họp"),
    ],
)
def test_bad_meetings_are_field_errors_and_nothing_is_saved(world, meeting, changes, field, message):
    client = client_for(world.users["secretariat"])
    before = _state()
    response = client.post("/meetings/new/", _form(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    assert _state() == before
    assert 'value="552/TB-VPCP"' in response.content.decode()  # what was typed stays


def test_a_notice_file_must_be_a_document(world):
    client = client_for(world.users["secretariat"])
    upload = SimpleUploadedFile("notice.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post("/meetings/new/", {**_form(), "notice_file": upload})
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF" in " ".join(response.context["form"].errors["notice_file"])
    assert not Meeting.objects.exists()


def test_edits_are_recorded_field_by_field_and_the_register_number_stays(world, meeting):
    client = client_for(world.users["secretariat"])
    response = client.post(
        f"/meetings/{meeting.number}/edit/", _form(session_number="10", date="20/09/2024", title_vi="Phiên họp thứ 10")
    )
    assert response.status_code == 302 and response["Location"] == "/meetings/9/"
    meeting.refresh_from_db()
    assert meeting.number == 9 and meeting.session_number == 10
    change = meeting.changes.filter(action="edited").get()
    assert change.changes["session_number"] == [9, 10]
    assert change.changes["title_vi"] == ["Phiên họp thứ 9", "Phiên họp thứ 10"]
    assert "date" not in change.changes
    page = client.get("/meetings/9/").content.decode()
    assert "Sửa phiên họp" in page and "Phiên họp thứ 9 → Phiên họp thứ 10" in page.replace("&nbsp;", " ")
    # Saving again without a change records nothing.
    client.post(
        f"/meetings/{meeting.number}/edit/", _form(session_number="10", date="20/09/2024", title_vi="Phiên họp thứ 10")
    )
    assert meeting.changes.filter(action="edited").count() == 1


def test_a_meeting_with_directives_cannot_be_deleted(world, meeting, directive_factory):
    directive_factory(lead=world.lead, meeting=meeting)
    client = client_for(world.users["secretariat"])
    response = client.post(f"/meetings/{meeting.number}/delete/", follow=True)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert "đã giao 1 nhiệm vụ nên không thể xóa" in response.content.decode()


def test_a_meeting_without_directives_can_be_deleted(world, meeting):
    response = client_for(world.users["secretariat"]).post(f"/meetings/{meeting.number}/delete/")
    assert response.status_code == 302 and not Meeting.objects.filter(pk=meeting.pk).exists()


def test_new_meeting_inline_from_the_import_page_returns_to_it_with_the_meeting_chosen(world):
    client = client_for(world.users["secretariat"])
    page = client.get("/import/").content.decode()
    assert "Thêm phiên họp mới" in page and 'name="next" value="import"' in page
    response = client.post("/meetings/new/", {**_form(), "next": "import"})
    meeting = Meeting.objects.get(session_number=11)
    assert response["Location"] == f"/import/?meeting={meeting.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{meeting.pk}" selected>' in page


def test_an_unknown_next_is_ignored(world):
    response = client_for(world.users["secretariat"]).post(
        "/meetings/new/", {**_form(), "next": "https://evil.example"}
    )
    assert response["Location"] == "/meetings/11/"


def test_fixture_sessions_are_labelled_by_committee_session_and_date(seed_data):
    assert Meeting.objects.get(number=7).label == "Phiên họp thứ 7 UBQG về CĐS, 28/12/2023"
    assert Meeting.objects.get(number=101).label == "Phiên họp UBQG về CPĐT, 10/03/2021"
    assert not Meeting.objects.filter(committee="ncdt", session_number__isnull=True).exists()


def test_a_meeting_far_ahead_is_refused_by_the_service_too(world):
    with pytest.raises(services.DirectiveError) as refused:
        services.create_meeting(
            by=None,
            committee="ncdt",
            session_number=40,
            title_vi="x",
            date=timezone.localdate() + datetime.timedelta(days=400),
        )
    assert "date" in refused.value.error_dict


def test_the_label_follows_the_language(seed_data):
    from django.utils import translation

    with translation.override("en"):
        assert Meeting.objects.get(number=7).label == "NCDT session 7, 28/12/2023"
        assert Meeting.objects.get(number=101).label == "NCEG session, 10/03/2021"
