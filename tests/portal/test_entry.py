"""New and edit: the deadline typed as written, parsed live and on save; stale edits refused."""

import pytest

from dxtasks.directives import services
from dxtasks.directives.models import DeadlineChange, Directive
from tests.conftest import merge

from .conftest import client_for, snapshot


def _form(world, **changes):
    d = world.directive
    data = {
        "reference": "UBQG-9/01",
        "title_vi": "Ban hành kế hoạch dữ liệu",
        "title_en": "",
        "meeting": "",
        "lead_agency": world.lead.pk,
        "co_agencies": [world.co.pk, world.other.pk],
        "owner": "",
        "pillar": "economy",
        "assigned_on": "15/03/2024",
        "deadline_text": "hoàn thành trong quý II/2024",
        "source_ref": "Thông báo 203/TB-VPCP",
        "source_url": "",
        "full_text": "",
    }
    if changes.pop("edit", False):
        data.update(
            reference=d.reference,
            title_vi=d.title_vi,
            deadline_text=d.deadline_text,
            deadline_reason="",
            outcome="",
            updated_at=d.updated_at.isoformat(),
            co_agencies=[world.co.pk],
        )
    data.update(changes)
    return data


def test_new_directive_due_date_comes_from_the_deadline_as_written(world):
    response = client_for(world.users["secretariat"]).post("/directives/new/", _form(world))
    assert response.status_code == 302
    directive = Directive.objects.get(reference="UBQG-9/01")
    assert str(directive.due_date) == "2024-06-30" and directive.deadline_precision == "quarter"
    assert {a.code for a in directive.co_agencies.all()} == {"COAG", "OTHER"}
    assert response["Location"] == directive.get_absolute_url()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"deadline_text": "quý V/2024"}, "deadline_text", "Không có quý V"),
        ({"deadline_text": "khi nào xong"}, "deadline_text", "Không đọc được thời hạn"),
        ({"deadline_text": "quý I/2024 hoặc quý II/2024"}, "deadline_text", "nhiều hơn một thời hạn"),
        ({"title_vi": ""}, "title_vi", "bắt buộc"),
        ({"assigned_on": "32/01/2024"}, "assigned_on", "Nhập một ngày hợp lệ"),
        ({"reference": "UBQG-7/01"}, "reference", "đã có"),
    ],
)
def test_bad_entry_shows_the_field_error_in_vietnamese_and_keeps_what_was_typed(world, changes, field, message):
    before = snapshot(world.directive)
    data = _form(world, **changes)
    response = client_for(world.users["secretariat"]).post("/directives/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    page = response.content.decode()
    assert 'value="Thông báo 203/TB-VPCP"' in page  # the rest of the typing is kept
    assert snapshot(world.directive) == before


def test_bad_entry_errors_come_in_english_for_an_english_user(world):
    client = client_for(world.users["secretariat"])
    client.cookies["django_language"] = "en"
    response = client.post("/directives/new/", _form(world, deadline_text="quý V/2024", title_vi=""))
    errors = response.context["form"].errors
    assert "This field is required." in errors["title_vi"]
    assert "There is no quarter V" in " ".join(errors["deadline_text"])


def test_deadline_preview_endpoint(world):
    client = client_for(world.users["secretariat"])
    ok = client.get("/directives/deadline-preview/", {"deadline_text": "trước ngày 15/3/2024"}).json()
    assert ok == {"ok": True, "message": "Hạn: 15/03/2024", "due": "2024-03-15", "precision": "day"}
    ongoing = client.get("/directives/deadline-preview/", {"deadline_text": "thường xuyên"}).json()
    assert ongoing["ok"] and ongoing["due"] is None and ongoing["precision"] == "ongoing"
    bad = client.get("/directives/deadline-preview/", {"deadline_text": "quy V/2024"}).json()
    assert bad["ok"] is False and "Không có quý V" in bad["message"]


def test_edit_changes_fields_and_moves_the_deadline_with_a_reason(world):
    client = client_for(world.users["secretariat"])
    response = client.post(
        f"{world.directive.get_absolute_url()}edit/",
        _form(
            world, edit=True, title_vi="Tên mới", deadline_text="trong quý III/2031", deadline_reason="Theo chỉ đạo mới"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    directive = Directive.objects.get(pk=world.directive.pk)
    assert directive.title_vi == "Tên mới" and str(directive.due_date) == "2031-09-30"
    assert DeadlineChange.objects.get().reason == "Theo chỉ đạo mới"


def test_edit_moving_the_deadline_without_a_reason_is_refused(world):
    before = snapshot(world.directive)
    response = client_for(world.users["secretariat"]).post(
        f"{world.directive.get_absolute_url()}edit/", _form(world, edit=True, deadline_text="trong quý III/2031")
    )
    assert response.status_code == 400
    assert "Cần nêu lý do khi đổi thời hạn." in response.content.decode()
    assert snapshot(world.directive) == before


def test_stale_edit_is_refused_with_a_message_and_the_typing_kept(world):
    form = _form(world, edit=True, title_vi="Sửa của tôi")
    # Someone else reports progress after the form was loaded.
    services.record_progress(directive=world.directive, by=world.users["lead_focal"], percent=10, note="x")
    before = snapshot(world.directive)
    response = client_for(world.users["secretariat"]).post(f"{world.directive.get_absolute_url()}edit/", form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác sửa" in page
    assert "Sửa của tôi" in page
    assert snapshot(world.directive) == before


def test_a_merged_agency_cannot_lead_a_new_directive(world, agency_factory):
    import datetime

    successor = agency_factory("MOST2", short_name_vi="BKHCN2")
    merged = agency_factory(
        "MIC2", short_name_vi="BTTTT2", active=False, successor=successor, succeeded_on=datetime.date(2025, 3, 1)
    )
    response = client_for(world.users["secretariat"]).post("/directives/new/", _form(world, lead_agency=merged.pk))
    assert response.status_code == 400
    assert not Directive.objects.filter(reference="UBQG-9/01").exists()


def test_editing_keeps_a_merged_co_ordinating_agency(world, agency_factory, directive_factory):
    successor = agency_factory("MOST3")
    co_ordinator = agency_factory("MIC3")
    directive = directive_factory(lead=world.lead, co_agencies=[co_ordinator], reference="CO-MERGED")
    merged = merge(co_ordinator, successor)  # merged after it was given the directive, which keeps it
    world.directive = directive
    response = client_for(world.users["secretariat"]).post(
        f"{directive.get_absolute_url()}edit/", _form(world, edit=True, co_agencies=[merged.pk], title_vi="Sửa")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(Directive.objects.get(pk=directive.pk).co_agencies.all()) == [merged]
