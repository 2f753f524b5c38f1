"""Import: a template to download, a preview listing every bad row, a commit of all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from dxtasks.directives.models import Directive, Meeting

from .conftest import client_for

HEADER = "reference,title_vi,title_en,lead_agency,co_agencies,deadline,assigned_on,meeting,pillar\n"


@pytest.fixture
def meeting(db):
    import datetime

    return Meeting.objects.create(
        committee="ncdt", number=9, date=datetime.date(2025, 1, 6), title_vi="Phiên 9", title_en="9th"
    )


def _csv(body: str, name="phien9.csv", header=HEADER):
    return SimpleUploadedFile(name, (header + body).encode("utf-8"), content_type="text/csv")


def _xlsx(rows: list[list]):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("phien9.xlsx", buffer.getvalue())


GOOD = (
    "UBQG-9/01,Ban hành kế hoạch dữ liệu,Data plan,LEAD,COAG; OTHER,trong quý II/2025,,9,economy\n"
    "UBQG-9/02,Mở rộng dịch vụ công trực tuyến,,COAG,,thường xuyên,10/01/2025,,\n"
)


def test_good_csv_previews_then_commits_every_row(world, meeting):
    client = client_for(world.users["secretariat"])
    preview = client.post("/import/", {"file": _csv(GOOD)})
    assert preview.status_code == 200
    assert preview.context["result"].ok and not Directive.objects.filter(reference__startswith="UBQG-9").exists()
    assert "30/06/2025" in preview.content.decode()  # the parsed deadline is shown
    response = client.post("/import/commit/")
    assert response.status_code == 302 and response["Location"] == "/meetings/9/"
    first = Directive.objects.get(reference="UBQG-9/01")
    assert (str(first.due_date), first.meeting, first.assigned_on, first.pillar) == (
        "2025-06-30",
        meeting,
        meeting.date,
        "economy",
    )
    assert {a.code for a in first.co_agencies.all()} == {"COAG", "OTHER"}
    second = Directive.objects.get(reference="UBQG-9/02")
    assert second.deadline_precision == "ongoing" and str(second.assigned_on) == "2025-01-10"


def test_semicolon_separated_csv_from_vietnamese_excel_is_read(world, meeting):
    body = "reference;title_vi;lead_agency;deadline;meeting\nUBQG-9/05;Nhiệm vụ;LEAD;tháng 8/2025;9\n"
    client = client_for(world.users["secretariat"])
    preview = client.post("/import/", {"file": SimpleUploadedFile("x.csv", body.encode("utf-8-sig"))})
    assert preview.context["result"].ok, [r.errors for r in preview.context["result"].rows]


def test_xlsx_with_a_meeting_chosen_on_upload(world, meeting):
    upload = _xlsx(
        [
            ["reference", "title_vi", "lead_agency", "deadline"],
            ["UBQG-9/03", "Nhiệm vụ từ Excel", "LEAD", "trước ngày 15/3/2025"],
        ]
    )
    client = client_for(world.users["secretariat"])
    preview = client.post("/import/", {"file": upload, "meeting": meeting.pk})
    assert preview.context["result"].ok
    client.post("/import/commit/")
    directive = Directive.objects.get(reference="UBQG-9/03")
    assert directive.meeting == meeting and str(directive.due_date) == "2025-03-15"


def test_every_bad_row_is_listed_and_nothing_is_saved(world, meeting):
    body = (
        "UBQG-9/01,,,LEAD,,trong quý II/2025,,9,\n"  # missing title
        "UBQG-9/02,Nhiệm vụ,,XYZ,,trong quý II/2025,,9,\n"  # unknown agency
        "UBQG-9/03,Nhiệm vụ,,LEAD,,quý V/2025,,9,\n"  # unreadable deadline
        "UBQG-9/04,Nhiệm vụ tốt,,LEAD,,trong năm 2025,,9,\n"  # fine
        "UBQG-7/01,Trùng số hiệu,,LEAD,,trong năm 2025,,9,\n"  # existing reference
        "UBQG-9/04,Trùng trong tệp,,LEAD,NOPE,trong năm 2025,31/02/2025,99,space\n"
    )
    client = client_for(world.users["secretariat"])
    before = Directive.objects.count()
    response = client.post("/import/", {"file": _csv(body)})
    assert response.status_code == 400
    result = response.context["result"]
    errors = {row.line: " | ".join(row.errors) for row in result.bad_rows}
    assert set(errors) == {2, 3, 4, 6, 7}
    assert "Tên nhiệm vụ: Trường này không được để trắng." in errors[2]  # the model's rule, as the service says it
    assert "Không có cơ quan mã “XYZ”" in errors[3]
    assert "Không có quý V" in errors[4]
    assert "đã có trong hệ thống" in errors[6]
    for expected in ("trùng với dòng 5", "NOPE", "31/02/2025", "số “99”", "space"):
        assert expected in errors[7]
    page = response.content.decode()
    assert "5 dòng có lỗi" in page and "Tên nhiệm vụ: Trường này không được để trắng." in page
    # No commit is offered, and a forced commit has nothing to commit.
    assert "/import/commit/" not in page
    assert client.post("/import/commit/").status_code == 302
    assert Directive.objects.count() == before


def test_commit_rechecks_and_saves_none_if_the_database_changed_meanwhile(world, meeting, directive_factory):
    client = client_for(world.users["secretariat"])
    assert client.post("/import/", {"file": _csv(GOOD)}).context["result"].ok
    directive_factory(lead=world.lead, reference="UBQG-9/02")  # someone enters one of the rows by hand
    before = Directive.objects.count()
    response = client.post("/import/commit/")
    assert response.status_code == 400
    assert "đã có trong hệ thống" in response.content.decode()
    assert Directive.objects.count() == before


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.txt", b"hello"), "Chỉ nhận tệp .csv hoặc .xlsx"),
        (SimpleUploadedFile("x.csv", b"reference,title_vi\nA,B\n"), "Thiếu cột: lead_agency, deadline"),
        (SimpleUploadedFile("x.csv", b"reference,title_vi,lead_agency,deadline,colour\n"), "Cột không biết"),
        (SimpleUploadedFile("x.csv", "reference,tên\n".encode("cp1258", errors="replace") + b"\xff\xfe"), "UTF-8"),
        (SimpleUploadedFile("x.xlsx", b"not a zip"), "Không đọc được tệp Excel"),
        (SimpleUploadedFile("x.csv", HEADER.encode()), "không có dòng"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(world, upload, message):
    response = client_for(world.users["secretariat"]).post("/import/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_template_files_have_the_documented_columns(world):
    client = client_for(world.users["secretariat"])
    sheet = load_workbook(io.BytesIO(client.get("/import/template.xlsx").content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:6] == ["reference", "title_vi", "title_en", "lead_agency", "co_agencies", "deadline"]
    csv_text = client.get("/import/template.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(",") == header
    page = client.get("/import/").content.decode()
    assert all(f"<code>{column}</code>" in page for column in header)


def test_the_template_example_row_imports(world, agency_factory):
    agency_factory("MOST")
    agency_factory("MPS")
    agency_factory("SBV")
    client = client_for(world.users["secretariat"])
    upload = SimpleUploadedFile("template.xlsx", client.get("/import/template.xlsx").content)
    import datetime

    meeting = Meeting.objects.create(
        committee="ncdt", number=10, date=datetime.date(2025, 6, 1), title_vi="10", title_en="10"
    )
    preview = client.post("/import/", {"file": upload, "meeting": meeting.pk})
    assert preview.context["result"].ok, [r.errors for r in preview.context["result"].rows]


# --- Hostile files: bounded before parsing, every problem a message, never a 500 ----------------


def _post_measured(client, upload):
    import tracemalloc

    tracemalloc.start()
    try:
        response = client.post("/import/", {"file": upload})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak


def test_a_zip_bomb_is_refused_before_any_xml_is_parsed(world):
    from .bombs import zip_bomb

    content, unpacked = zip_bomb()
    assert len(content) < 1_100_000 and unpacked > 300_000_000
    response, peak = _post_measured(client_for(world.users["secretariat"]), SimpleUploadedFile("bomb.xlsx", content))
    assert response.status_code == 400
    assert "khi giải nén quá lớn (tối đa 20 MB)" in response.content.decode()
    assert peak < 100 * 1024 * 1024


def test_a_sheet_claiming_sixteen_thousand_columns_is_read_to_thirty_one(world):
    from .bombs import wide_dimension

    response, peak = _post_measured(
        client_for(world.users["secretariat"]), SimpleUploadedFile("wide.xlsx", wide_dimension())
    )
    assert response.status_code == 400 and "Thiếu cột" in response.content.decode()
    assert peak < 100 * 1024 * 1024


def test_too_many_columns_rows_or_cells_are_refused(world):
    client = client_for(world.users["secretariat"])
    wide = HEADER.strip() + "," * 40 + "\nUBQG-9/01,Nhiệm vụ,,LEAD,,trong năm 2025,,,,x" + ",x" * 30 + "\n"
    response = client.post("/import/", {"file": SimpleUploadedFile("x.csv", wide.encode())})
    assert response.status_code == 400 and "quá nhiều cột (tối đa 30)" in response.content.decode()
    many = "".join(f"R-{n},Nhiệm vụ,,LEAD,,trong năm 2025,,,\n" for n in range(2100))
    response = client.post("/import/", {"file": _csv(many)})
    assert response.status_code == 400 and "Quá nhiều dòng (tối đa 2000)" in response.content.decode()


def test_a_cell_over_the_csv_field_limit_is_a_message(world):
    body = 'UBQG-9/01,Nhiệm vụ,,LEAD,,trong năm 2025,,,"' + "x" * (130 * 1024) + '"\n'
    response = client_for(world.users["secretariat"]).post("/import/", {"file": _csv(body)})
    assert response.status_code == 400
    assert "Không đọc được dòng 2 của tệp CSV" in response.content.decode()


def _preview_errors(client, body, header=HEADER):
    response = client.post("/import/", {"file": _csv(body, header=header)})
    assert response.status_code == 400, response.content.decode()[:500]
    return {row.line: " | ".join(row.errors) for row in response.context["result"].bad_rows}


def test_every_model_rule_is_a_row_error_in_the_preview(world, meeting):
    header = HEADER.strip() + ",source_url,full_text\n"
    body = (
        "UBQG-9/01,Nhiệm vụ,,LEAD,,trong năm 2025,,9,,javascript:alert(1),\n"
        f"UBQG-9/02,Nhiệm vụ,{'E' * 5000},LEAD,,trong năm 2025,,9,,,\n"
        f"UBQG-9/03,Nhiệm vụ,,LEAD,,trong năm 2025,,9,,,{'n' * 40000}\n"
        "UBQG-9/04,Nhiệm vụ,,LEAD,,trong năm 2025,,²,,,\n"
        "UBQG-9/05,Nhiệm vụ tốt,,LEAD,,trong năm 2025,,9,,https://chinhphu.vn/x,\n"
    )
    client = client_for(world.users["secretariat"])
    errors = _preview_errors(client, body, header)
    assert set(errors) == {2, 3, 4, 5}
    assert "Nguồn:" in errors[2] and "URL" in errors[2]
    assert "Tên tiếng Anh:" in errors[3] and "300" in errors[3]
    assert "dài quá 32,767 ký tự" in errors[4]
    assert "Không có phiên họp số “²”" in errors[5]
    # And a commit forced past the preview answers with the rows, not a 500.
    assert client.post("/import/commit/").status_code == 302
    assert not Directive.objects.filter(reference__startswith="UBQG-9/").exists()


def test_a_row_s_problems_are_each_listed_once_in_the_words_of_the_entry_form_and_the_service(
    world, meeting, agency_factory
):
    import datetime

    successor = agency_factory("MOST7", short_name_vi="BKHCN7")
    agency_factory(
        "MIC7", short_name_vi="BTTTT7", active=False, successor=successor, succeeded_on=datetime.date(2025, 1, 1)
    )
    header = HEADER.strip() + ",source_url\n"
    body = f"{'R' * 40},,,MIC7,,quý V/2025,,9,space,javascript:alert(1)\n"
    errors = client_for(world.users["secretariat"]).post("/import/", {"file": _csv(body, header=header)})
    assert errors.context["result"].rows[0].errors == [
        "Không có quý V (chỉ có quý I–IV).",  # the entry form's reading of a deadline
        "Đơn vị chủ trì: BTTTT7 đã hợp nhất vào BKHCN7; hãy chọn cơ quan đang hoạt động.",
        "Số hiệu: Giá trị này chỉ có tối đa 32 kí tự (hiện có 40)",
        "Tên nhiệm vụ: Trường này không được để trắng.",
        "Nguồn: Nhập một URL hợp lệ.",
        "Trụ cột: Giá trị 'space' không phải là lựa chọn hợp lệ.",
    ]


def test_the_commit_lists_model_errors_instead_of_raising(world, meeting):
    # A row the preview let through (an older preview, a rule added since) still ends as a row error.
    from dxtasks.portal import importing

    result = importing.check_rows(
        [
            (
                2,
                {
                    "reference": "UBQG-9/01",
                    "title_vi": "Nhiệm vụ",
                    "lead_agency": "LEAD",
                    "deadline": "trong năm 2025",
                    "meeting": "9",
                },
            )
        ]
    )
    assert result.ok
    result.rows[0].kwargs["source_url"] = "javascript:alert(1)"
    with pytest.raises(importing.ImportRefused) as refused:
        importing.commit(result, by=world.users["secretariat"])
    assert "Nguồn:" in refused.value.result.rows[0].errors[0]
    assert not Directive.objects.filter(reference="UBQG-9/01").exists()


def test_control_characters_from_a_csv_are_dropped(world, meeting):
    body = "UBQG-9/01,Nhiệm\x00 vụ\x01 có\x1b ký tự\x0b lạ,,LEAD,,trong năm 2025,,9,\n"
    client = client_for(world.users["secretariat"])
    assert client.post("/import/", {"file": _csv(body)}).status_code == 200
    client.post("/import/commit/")
    assert Directive.objects.get(reference="UBQG-9/01").title_vi == "Nhiệm vụ có ký tự lạ"


def _refused_at_save_time(monkeypatch, line: int):
    """The re-check before saving lets row `line` through with a value the service refuses.

    What an older preview or a rule added since looks like: the row passes every check and fails only
    inside the create loop, after the rows before it were saved.
    """
    from dxtasks.portal import importing

    real = importing.check_rows

    def check_rows(*args, **kwargs):
        result = real(*args, **kwargs)
        for row in result.rows:
            if row.line == line:
                row.kwargs["source_url"] = "javascript:alert(1)"
        return result

    monkeypatch.setattr(importing, "check_rows", check_rows)


# No test transaction around these: the commit's own transaction is what must roll back.
@pytest.mark.django_db(transaction=True)
def test_a_row_refused_inside_the_create_loop_rolls_back_the_rows_saved_before_it(world, meeting, monkeypatch):
    client = client_for(world.users["secretariat"])
    assert client.post("/import/", {"file": _csv(GOOD)}).context["result"].ok
    before = Directive.objects.count()
    _refused_at_save_time(monkeypatch, line=3)  # UBQG-9/02, after UBQG-9/01 was created
    response = client.post("/import/commit/")
    assert response.status_code == 400
    bad = response.context["result"].bad_rows
    assert [row.line for row in bad] == [3] and "Nguồn:" in bad[0].errors[0]
    assert "Nguồn:" in response.content.decode()
    assert Directive.objects.count() == before
    assert not Directive.objects.filter(reference__startswith="UBQG-9/").exists()


@pytest.mark.django_db(transaction=True)
def test_the_commit_itself_is_all_or_nothing_outside_any_request(world, meeting):
    from dxtasks.portal import importing

    row = {"title_vi": "Nhiệm vụ", "lead_agency": "LEAD", "deadline": "trong năm 2025", "meeting": "9"}
    result = importing.check_rows([(2, {**row, "reference": "UBQG-9/01"}), (3, {**row, "reference": "UBQG-9/02"})])
    assert result.ok
    result.rows[1].kwargs["source_url"] = "javascript:alert(1)"
    with pytest.raises(importing.ImportRefused) as refused:
        importing.commit(result, by=world.users["secretariat"])
    assert [row.line for row in refused.value.result.bad_rows] == [3]
    assert not Directive.objects.filter(reference__in=["UBQG-9/01", "UBQG-9/02"]).exists()
