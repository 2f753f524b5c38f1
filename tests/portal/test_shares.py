"""Collective directives in the portal: each focal point acts on their own agency's share, at the usual URLs."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import groups, services
from dxtasks.directives.models import Agency, ExtensionRequest, ProgressUpdate, Share, StateChange

from .conftest import client_for

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(seed_data, user_factory):
    mps, sbv = Agency.objects.get(code="MPS"), Agency.objects.get(code="SBV")
    return {
        "secretariat": user_factory(Role.SECRETARIAT, username="sec"),
        "mps": user_factory(Role.FOCAL_POINT, agency=mps, username="mpsfp"),
        "sbv": user_factory(Role.FOCAL_POINT, agency=sbv, username="sbvfp"),
        "ghost": user_factory(Role.FOCAL_POINT, agency=Agency.objects.get(code="EACH"), username="ghost"),
    }


@pytest.fixture
def collective(people):
    return services.create_directive(
        by=people["secretariat"],
        reference="COL-P1",
        title_vi="Mỗi bộ, tỉnh ban hành kế hoạch",
        addressees=groups.ALL,
        deadline_text="trong năm 2030",
        assigned_on=D(2025, 8, 1),
    )


def share_rows():
    return list(Share.objects.order_by("pk").values("pk", "state", "due_date", "version", "updated_at", "completed_on"))


def counts():
    return (ProgressUpdate.objects.count(), ExtensionRequest.objects.count(), StateChange.objects.count())


def test_the_agency_register_and_mine_include_the_agencys_share(collective, people):
    client = client_for(people["mps"])
    page = client.get("/directives/", {"agency": "MPS"}).content.decode()
    assert "COL-P1" in page
    assert "UBQG-10/01" in page and "UBQG-7/01" in page  # the seed's collective directives
    assert "COL-P1" in client.get("/agencies/MPS/").content.decode()
    mine = client.get("/").content.decode()
    assert "COL-P1" in mine


def test_the_directive_page_shows_the_roll_up_and_a_share_table(collective, people):
    secretariat = people["secretariat"]
    for code in ("MOJ", "MOH"):
        services.complete_directive(
            directive=collective,
            share=collective.shares.get(agency__code=code),
            by=secretariat,
            completed_on=timezone.localdate(),
        )
    client = client_for(people["sbv"])
    response = client.get(collective.get_absolute_url())
    page = response.content.decode()
    total = collective.shares.count()
    assert f"2/{total} hoàn thành" in page
    assert len(response.context["shares"]) == total
    assert groups.label("ALL", total) in page
    only_done = client.get(collective.get_absolute_url(), {"share_status": "completed_on_time"})
    assert [s.agency.code for s in only_done.context["shares"]] == ["MOH", "MOJ"] or {
        s.agency.code for s in only_done.context["shares"]
    } == {"MOH", "MOJ"}
    provinces = client.get(collective.get_absolute_url(), {"share_kind": "province", "share_sort": "-agency"})
    names = [s.agency.name_vi for s in provinces.context["shares"]]
    assert len(names) == 34 and names == sorted(names, reverse=True)
    assert [s.agency.code for s in client.get(collective.get_absolute_url(), {"share_q": "SBV"}).context["shares"]] == [
        "SBV"
    ]


def test_a_focal_point_reports_on_their_own_share_only(collective, people):
    client = client_for(people["mps"])
    sbv_before = Share.objects.filter(agency__code="SBV").values().get(directive=collective)
    response = client.post(f"{collective.get_absolute_url()}progress/", {"percent": 100, "note": "Đã ban hành"})
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(directive=collective)
    assert update.share.agency.code == "MPS"
    assert Share.objects.filter(agency__code="SBV").values().get(directive=collective) == sbv_before
    page = client.get(response["Location"]).content.decode()
    assert "Tiến độ 100%: Đã ban hành" in page
    # Submitting for review moves MPS's share only; the directive stays open.
    assert client.post(f"{collective.get_absolute_url()}submit/", {"note": "xong"}).status_code == 302
    states = dict(collective.shares.values_list("agency__code", "state"))
    assert states["MPS"] == "submitted" and states["SBV"] == "open"
    collective.refresh_from_db()
    assert collective.state == "open"


@pytest.mark.parametrize(
    "action, data",
    [
        ("progress/", {"percent": 50, "note": "x", "share": "SBV"}),
        ("extension/", {"proposed_due": "2031-01-01", "reason": "x", "share": "SBV"}),
        ("submit/", {"note": "x", "share": "SBV"}),
    ],
)
def test_acting_on_another_agencys_share_is_403_and_writes_nothing(collective, people, action, data):
    before = (share_rows(), counts())
    response = client_for(people["mps"]).post(f"{collective.get_absolute_url()}{action}", data)
    assert response.status_code == 403
    assert (share_rows(), counts()) == before


def test_a_focal_point_without_a_share_can_not_act(collective, people):
    before = (share_rows(), counts())
    response = client_for(people["ghost"]).post(
        f"{collective.get_absolute_url()}progress/", {"percent": 5, "note": "x"}
    )
    assert response.status_code == 403
    assert (share_rows(), counts()) == before


def test_the_secretariat_acts_on_any_share_and_decides_its_extension(collective, people):
    mps_client, secretariat = client_for(people["mps"]), client_for(people["secretariat"])
    url = collective.get_absolute_url()
    proposed = timezone.localdate() + datetime.timedelta(days=2000)
    assert (
        mps_client.post(f"{url}extension/", {"proposed_due": proposed.isoformat(), "reason": "chờ"}).status_code == 302
    )
    request = ExtensionRequest.objects.get(directive=collective)
    page = secretariat.get(url, {"share": "MPS"})
    assert page.context["pending_extension"] == request
    response = secretariat.post(f"{url}extension/{request.pk}/decide/", {"decision": "approve", "note": ""})
    assert response.status_code == 302
    dues = dict(collective.shares.values_list("agency__code", "due_date"))
    assert dues["MPS"] == proposed and dues["SBV"] == D(2030, 12, 31)
    assert (
        secretariat.post(
            f"{url}complete/",
            {"completed_on": timezone.localdate().isoformat(), "outcome": "", "note": "", "share": "SBV"},
        ).status_code
        == 302
    )
    assert collective.shares.get(agency__code="SBV").state == "completed"
    # Without a share, completing a collective directive is refused with a message, nothing written.
    before = (share_rows(), counts())
    response = secretariat.post(f"{url}complete/", {"completed_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "chọn phần việc" in response.content.decode()
    assert (share_rows(), counts()) == before
    assert secretariat.get(url, {"share": "NOPE"}).status_code == 404
