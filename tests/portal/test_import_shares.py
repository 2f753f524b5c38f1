"""Import of collective directives: a group code or a ';' list in lead_agency; bad codes refuse the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxtasks.accounts.models import Role
from dxtasks.directives.models import Directive, Share

from .conftest import client_for

pytestmark = pytest.mark.django_db
HEADER = "reference,title_vi,lead_agency,deadline,meeting\n"


@pytest.fixture
def secretariat(seed_data, user_factory):
    return user_factory(Role.SECRETARIAT, username="sec")


def _upload(client, body):
    return client.post("/import/", {"file": SimpleUploadedFile("x.csv", (HEADER + body).encode("utf-8"))})


def test_group_codes_and_each_lists_import_as_collective_directives(secretariat):
    client = client_for(secretariat)
    body = (
        "IMP-1,Mỗi bộ và tỉnh lập kế hoạch,ALL,trong năm 2025,10\n"
        "IMP-2,Các tỉnh báo cáo,ALL-PROVINCES,trong năm 2025,10\n"
        "IMP-3,Các bộ rà soát,ALL-MINISTRIES,trong năm 2025,10\n"
        "IMP-4,Ba bộ mỗi bộ một đề án,MPS; MOJ; MOH,trong năm 2025,10\n"
        "IMP-5,Một bộ chủ trì,MPS,trong năm 2025,10\n"
    )
    preview = _upload(client, body)
    assert preview.context["result"].ok, [r.errors for r in preview.context["result"].rows]
    assert client.post("/import/commit/").status_code == 302
    made = {d.reference: d for d in Directive.objects.filter(reference__startswith="IMP-")}
    assert made["IMP-1"].addressees == "ALL" and made["IMP-1"].shares.filter(agency__kind="province").count() == 63
    assert made["IMP-2"].shares.count() == 63 and made["IMP-3"].shares.filter(agency__kind="province").count() == 0
    assert made["IMP-4"].addressees == "EACH"
    assert sorted(made["IMP-4"].shares.values_list("agency__code", flat=True)) == ["MOH", "MOJ", "MPS"]
    assert made["IMP-5"].addressees == "" and not made["IMP-5"].shares.exists()


def test_an_unknown_code_in_a_list_names_row_and_field_and_saves_nothing(secretariat):
    client = client_for(secretariat)
    before = (Directive.objects.count(), Share.objects.count())
    body = (
        "IMP-6,Tốt,ALL,trong năm 2025,10\n"
        "IMP-7,Danh sách sai,MPS; NOPE,trong năm 2025,10\n"
        "IMP-8,Nhóm sai,ALL-NOPE,trong năm 2025,10\n"
        "IMP-9,Trộn nhóm,ALL; MPS,trong năm 2025,10\n"
    )
    response = _upload(client, body)
    assert response.status_code == 400
    errors = {row.line: " | ".join(row.errors) for row in response.context["result"].bad_rows}
    assert set(errors) == {3, 4, 5}
    assert "lead_agency" in errors[3] and "NOPE" in errors[3]
    assert "ALL-NOPE" in errors[4]
    assert "lead_agency" in errors[5] and "ALL" in errors[5]
    client.post("/import/commit/")
    assert (Directive.objects.count(), Share.objects.count()) == before


def test_export_has_one_row_per_directive_and_optionally_one_per_share(secretariat):
    import csv
    import io

    client = client_for(secretariat)

    def rows(**params):
        response = client.get("/directives/export.csv", {"q": "UBQG-10/01", **params})
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        return list(csv.reader(io.StringIO(text)))

    plain = rows()
    assert [r[0] for r in plain[1:]] == ["UBQG-10/01"] and plain[1][
        4
    ] == "Các bộ, tỉnh"  # the group, by its Vietnamese abbreviation
    per_share = rows(per="share")
    ubqg10 = Directive.objects.get(reference="UBQG-10/01")
    assert len(per_share) - 1 == ubqg10.shares.count()
    header = per_share[0]
    agency = header.index("Cơ quan thực hiện")
    assert {"BCA", "NHNN"} <= {r[agency] for r in per_share[1:]}  # abbreviations of the vi edition
    assert all(r[header.index("Tình trạng phần việc")] == "Quá hạn" for r in per_share[1:])
