"""An import row the service refuses only at save time: listed with its message, nothing saved, no 500."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxtasks.directives import services
from dxtasks.directives.models import Directive, DirectiveChange, Meeting
from dxtasks.portal import importing
from tests.conftest import merge

from .conftest import client_for

HEADER = "reference,title_vi,lead_agency,deadline,meeting,source_url\n"
ROWS = (
    "UBQG-9/01,Ban hành kế hoạch dữ liệu,LEAD,trong quý II/2025,9,https://chinhphu.vn/tb-9\n"
    "UBQG-9/02,Mở rộng dịch vụ công,COAG,thường xuyên,9,ht!tp://không phải địa chỉ\n"
)


@pytest.fixture
def meeting(db):
    return Meeting.objects.create(committee="ncdt", number=9, date=datetime.date(2025, 1, 6), title_vi="Phiên 9")


def test_a_row_refused_only_at_save_is_listed_and_nothing_is_saved(world, meeting, monkeypatch):
    client = client_for(world.users["secretariat"])
    # A rule the preview does not know yet: here the preview's model check is switched off, so the bad address
    # of row 3 reaches the commit, as a rule added to the service but not to the preview would.
    monkeypatch.setattr(services, "check_new_directive", lambda **fields: None)
    upload = SimpleUploadedFile("phien9.csv", (HEADER + ROWS).encode(), content_type="text/csv")
    assert client.post("/import/", {"file": upload}).context["result"].ok
    before = (Directive.objects.count(), DirectiveChange.objects.count())

    response = client.post("/import/commit/")

    assert response.status_code == 400  # the preview page with the row's message, not a server error
    errors = {row.line: row.errors for row in response.context["result"].bad_rows}
    assert list(errors) == [3]
    assert errors[3][0].startswith("Nguồn: ")  # the field named, the model's own message after it
    assert "Nguồn: " in response.content.decode()
    # Row 2 was created inside the loop, then rolled back with the rest.
    assert (Directive.objects.count(), DirectiveChange.objects.count()) == before


def test_a_refusal_inside_the_create_loop_rolls_back_the_rows_before_it(world, meeting):
    good = {
        "reference": "UBQG-9/01",
        "title_vi": "Ban hành kế hoạch dữ liệu",
        "lead_agency": world.lead,
        "deadline_text": "trong quý II/2025",
        "assigned_on": meeting.date,
        "meeting": meeting,
    }
    result = importing.ImportResult(
        rows=[
            importing.ImportRow(line=2, values={}, kwargs=good),
            importing.ImportRow(line=3, values={}, kwargs={**good, "reference": "UBQG-9/02", "deadline_text": "quý V"}),
        ]
    )
    before = Directive.objects.count()
    with pytest.raises(importing.ImportRefused) as refused:
        importing.commit(result, by=world.users["secretariat"])
    assert [row.line for row in refused.value.result.bad_rows] == [3]
    assert refused.value.result.bad_rows[0].errors[0].startswith("Thời hạn (nguyên văn): ")
    assert Directive.objects.count() == before and not Directive.objects.filter(reference="UBQG-9/01").exists()


def test_a_merged_lead_is_refused_in_the_preview_with_the_services_message(world, meeting, agency_factory):
    successor = agency_factory("MOST7", short_name_vi="BKHCN7")
    agency_factory(
        "MIC7", short_name_vi="BTTTT7", active=False, successor=successor, succeeded_on=datetime.date(2025, 1, 1)
    )
    body = HEADER + "UBQG-9/01,Nhiệm vụ,MIC7,trong năm 2025,9,\nUBQG-9/02,Nhiệm vụ,LEAD;MIC7,trong năm 2025,9,\n"
    response = client_for(world.users["secretariat"]).post(
        "/import/", {"file": SimpleUploadedFile("x.csv", body.encode(), content_type="text/csv")}
    )
    assert response.status_code == 400
    errors = {row.line: " ".join(row.errors) for row in response.context["result"].bad_rows}
    assert "BTTTT7 đã hợp nhất vào BKHCN7" in errors[2] and "BTTTT7 đã hợp nhất vào BKHCN7" in errors[3]


def test_a_merged_co_ordinating_agency_is_refused_in_the_preview(world, meeting):
    merge(world.co, world.other)
    client = client_for(world.users["secretariat"])
    rows = (
        "reference,title_vi,lead_agency,co_agencies,deadline,meeting\nUBQG-9/03,Kết nối dữ liệu,LEAD,COAG,năm 2026,9\n"
    )
    upload = SimpleUploadedFile("phien9.csv", rows.encode(), content_type="text/csv")
    result = client.post("/import/", {"file": upload}).context["result"]
    assert not result.ok
    [row] = result.bad_rows
    assert any("đã hợp nhất vào" in message for message in row.errors), row.errors
    assert not Directive.objects.filter(reference="UBQG-9/03").exists()
