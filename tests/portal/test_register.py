"""The register: filters as GET parameters, accent-free search, sorting, pagination, export."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dxtasks.directives import services
from dxtasks.directives.models import Meeting

from .conftest import client_for

D = datetime.date


@pytest.fixture
def register(world, directive_factory):
    """A few directives besides the world's: other agency, a meeting, overdue, completed."""
    meeting = Meeting.objects.create(
        committee="ncdt", number=7, date=D(2023, 12, 28), title_vi="Phiên họp thứ 7", title_en="7th meeting"
    )
    today = timezone.localdate()
    overdue = directive_factory(
        lead=world.other,
        reference="UBQG-7/02",
        title_vi="Cơ chế thử nghiệm có kiểm soát",
        deadline_text="trong quý II/2024",
        meeting=meeting,
        pillar="economy",
        owner=world.users["other_focal"],
    )
    done = directive_factory(
        lead=world.lead,
        reference="UBQG-7/03",
        title_vi="Luật Công nghiệp công nghệ số",
        deadline_text="trong năm 2024",
        meeting=meeting,
    )
    services.complete_directive(directive=done, by=world.users["secretariat"], completed_on=D(2024, 12, 1))
    soon = directive_factory(
        lead=world.co,
        reference="UBQG-8/01",
        deadline_text=f"trước ngày {today + datetime.timedelta(days=5):%d/%m/%Y}",
        title_vi="Chiến lược phát triển ngành bán dẫn",
    )
    return {"meeting": meeting, "overdue": overdue, "done": done, "soon": soon}


def _refs(response) -> list[str]:
    return [d.reference for d in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query", ["bao ve du lieu ca nhan", "BẢO VỆ dữ liệu", "du lieu   ca nhan", "ubqg-7/01", "personal data"]
)
def test_search_finds_vietnamese_with_or_without_diacritics(world, register, query):
    response = client_for(world.users["viewer"]).get("/directives/", {"q": query})
    assert _refs(response) == ["UBQG-7/01"]


def test_search_that_matches_nothing_says_so(world, register):
    response = client_for(world.users["viewer"]).get("/directives/", {"q": "khong co gi"})
    assert _refs(response) == [] and "Không có nhiệm vụ nào." in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"agency": "LEAD"}, ["UBQG-7/01", "UBQG-7/03"]),
        ({"agency": "COAG"}, ["UBQG-7/01", "UBQG-8/01"]),  # co-ordinating counts
        ({"status": "overdue"}, ["UBQG-7/02"]),
        ({"status": "completed_on_time"}, ["UBQG-7/03"]),
        ({"meeting": "7"}, ["UBQG-7/02", "UBQG-7/03"]),
        ({"pillar": "economy"}, ["UBQG-7/02"]),
        ({"owner": "otherfp"}, ["UBQG-7/02"]),
        ({"due_from": "01/01/2030", "due_to": "31/12/2030"}, ["UBQG-7/01"]),
        ({"agency": "LEAD", "status": "within_deadline"}, ["UBQG-7/01"]),
    ],
)
def test_filters(world, register, params, expected):
    response = client_for(world.users["viewer"]).get("/directives/", params)
    assert sorted(_refs(response)) == expected


def test_owner_me_shows_my_directives(world, register):
    response = client_for(world.users["other_focal"]).get("/directives/", {"owner": "me"})
    assert _refs(response) == ["UBQG-7/02"]


def test_invalid_filters_are_reported_and_ignored(world, register):
    response = client_for(world.users["viewer"]).get(
        "/directives/", {"due_from": "31/31/2024", "agency": "NOPE", "pillar": "economy"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "due_from" in form.errors and "agency" in form.errors
    assert _refs(response) == ["UBQG-7/02"]  # the valid filter still applies
    assert 'value="31/31/2024"' in response.content.decode()  # the typing is kept


def test_sorting_puts_undated_last_and_follows_the_choice(world, register, directive_factory):
    directive_factory(lead=world.lead, reference="UBQG-X", deadline_text="thường xuyên")
    client = client_for(world.users["viewer"])
    assert _refs(client.get("/directives/"))[-1] == "UBQG-X"
    assert _refs(client.get("/directives/", {"sort": "-due"}))[0] == "UBQG-7/01"
    assert _refs(client.get("/directives/", {"sort": "reference"}))[:2] == ["UBQG-7/01", "UBQG-7/02"]


def test_pagination_keeps_the_filters(world, directive_factory):
    for n in range(30):
        directive_factory(lead=world.lead, reference=f"P-{n:02}", title_vi=f"Nhiệm vụ phân trang {n}")
    client = client_for(world.users["viewer"])
    first = client.get("/directives/", {"q": "phan trang", "sort": "reference"})
    assert len(_refs(first)) == 25 and first.context["page"].paginator.count == 30
    assert "?q=phan+trang&amp;sort=reference&amp;page=2" in first.content.decode()
    second = client.get("/directives/", {"q": "phan trang", "sort": "reference", "page": 2})
    assert _refs(second) == [f"P-{n}" for n in range(25, 30)]
    assert client.get("/directives/", {"page": 999}).status_code == 200  # last page, not an error


def test_csv_export_holds_the_current_filter_in_full(world, register):
    response = client_for(world.users["viewer"]).get("/directives/export.csv", {"agency": "LEAD"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Số hiệu"
    assert sorted(r[0] for r in rows[1:]) == ["UBQG-7/01", "UBQG-7/03"]
    first = next(r for r in rows if r[0] == "UBQG-7/01")
    assert "Xây dựng Luật Bảo vệ dữ liệu cá nhân" in first and "BPH" in first and "31/12/2030" in first


def test_xlsx_export_opens_in_excel_form(world, register):
    response = client_for(world.users["viewer"]).get("/directives/export.xlsx", {"status": "overdue"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số hiệu" and [r[0] for r in rows[1:]] == ["UBQG-7/02"]
    assert "Quá hạn" in rows[1]


def test_export_neutralises_spreadsheet_formulas(world, directive_factory):
    directive_factory(lead=world.lead, reference="F-1", title_vi='=HYPERLINK("http://evil")')
    text = b"".join(
        client_for(world.users["viewer"]).get("/directives/export.csv", {"q": "hyperlink"}).streaming_content
    ).decode()
    assert "'=HYPERLINK" in text


def test_unknown_export_format_is_404(world):
    assert client_for(world.users["viewer"]).get("/directives/export.pdf").status_code == 404


def test_agency_filter_lists_what_the_agency_leads_or_co_ordinates_once_each(world, register, directive_factory):
    directive_factory(lead=world.co, co_agencies=[world.lead, world.other], reference="BOTH-1")
    expected = {  # by hand, from `world`, `register` and BOTH-1 (leads or co-ordinates)
        world.lead: ["BOTH-1", "UBQG-7/01", "UBQG-7/03"],
        world.co: ["BOTH-1", "UBQG-7/01", "UBQG-8/01"],
        world.other: ["BOTH-1", "UBQG-7/02"],
    }
    for agency, references in expected.items():
        page = client_for(world.users["viewer"]).get("/directives/", {"agency": agency.code})
        assert sorted(_refs(page)) == references, agency.code


FORMULAS = ["a;=cmd|' /C calc'!A0;b", "a,=cmd|' /C calc'!A0,b", "a\t@SUM(1+1)*cmd|' /C calc'!A0", "x; +1+cmd", "-2+3"]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_part_of_an_exported_cell_starts_a_formula_whatever_excel_splits_on(world, directive_factory, separator):
    for n, title in enumerate(FORMULAS):
        directive_factory(lead=world.lead, reference=f"F-{n}", title_vi=title, title_en=title)
    text = (
        b"".join(client_for(world.users["viewer"]).get("/directives/export.csv", {"agency": "LEAD"}).streaming_content)
        .decode()
        .lstrip("\ufeff")
    )
    # Excel with Vietnamese settings reads this CSV splitting on ";"; others on "," or tab.
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        for cell in row:
            for part in re.split(r"[,;\t]", cell):
                assert part.strip().strip('"').lstrip()[:1] not in ("=", "+", "-", "@"), (separator, cell)
    assert "a;'=cmd|' /C calc'!A0;b" in text  # the data is still there, neutralised
    sheet = load_workbook(io.BytesIO(client_for(world.users["viewer"]).get("/directives/export.xlsx").content))
    values = [c for row in sheet.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not [v for v in values if v.startswith("=")]
    assert "a;'=cmd|' /C calc'!A0;b" in values


def test_control_characters_in_a_title_do_not_break_the_export(world, directive_factory):
    directive_factory(
        lead=world.lead, reference="CTRL-1", title_vi="Nhiệm\x0bvụ\x01 có\x1b ký tự lạ", title_en="bad\x0cfeed\x08"
    )
    client = client_for(world.users["viewer"])
    response = client.get("/directives/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == "CTRL-1")
    assert row[1] == "Nhiệm vụ có ký tự lạ" and row[2] == "bad feed"
    text = b"".join(client.get("/directives/export.csv").streaming_content).decode()
    assert "Nhiệm vụ có ký tự lạ" in text


def test_owner_is_a_search_field_not_a_list_of_every_user(world, register, user_factory):
    from dxtasks.accounts.models import Role, User

    User.objects.bulk_create(
        [
            User(username=f"many{i}", password="!", role=Role.FOCAL_POINT, first_name="Nhiều", agency=world.other)
            for i in range(300)
        ]
    )
    response = client_for(world.users["viewer"]).get("/directives/")
    page = response.content.decode()
    assert "many17" not in page and '<option value="otherfp"' not in page
    assert 'name="owner"' in page and 'list="owner-suggestions"' in page
    assert "<script>" not in page  # suggestions come from the static portal.js, under the strict CSP


@pytest.mark.parametrize("typed", ["otherfp", "OTHER", "  otherfp "])
def test_owner_search_matches_a_username_or_part_of_it(world, register, typed):
    response = client_for(world.users["viewer"]).get("/directives/", {"owner": typed})
    assert _refs(response) == ["UBQG-7/02"]


def test_owner_search_matches_a_name(world, register):
    person = world.users["other_focal"]
    person.first_name, person.last_name = "Thị Lan", "Nguyễn"
    person.save()
    response = client_for(world.users["viewer"]).get("/directives/", {"owner": "lan"})
    assert _refs(response) == ["UBQG-7/02"]
    assert _refs(client_for(world.users["viewer"]).get("/directives/", {"owner": "nobody-like-this"})) == []


def test_owner_search_that_is_too_long_is_reported_not_a_500(world, register):
    response = client_for(world.users["viewer"]).get("/directives/", {"owner": "x" * 400})
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]


def test_owner_suggestions_as_you_type(world, register):
    client = client_for(world.users["viewer"])
    found = client.get("/directives/owners/", {"q": "fp"}).json()["owners"]
    assert [p["username"] for p in found] == ["cofp", "leadfp", "otherfp"]  # focal points, not the viewer
    assert client.get("/directives/owners/", {"q": "f"}).json() == {"owners": []}  # at least 2 characters
    from django.test import Client

    assert Client().get("/directives/owners/", {"q": "fp"}).status_code == 302  # signed-in users only
