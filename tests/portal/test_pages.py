"""Dashboard figures, meetings, agencies (with a merged agency's successor)."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import Meeting
from tests.conftest import merge

from .conftest import client_for

D = datetime.date


@pytest.fixture
def spread(world, directive_factory):
    today = timezone.localdate()
    meeting = Meeting.objects.create(
        committee="ncdt",
        number=8,
        date=D(2024, 4, 24),
        title_vi="Phiên họp thứ 8",
        title_en="8th meeting",
        notice_ref="203/TB-VPCP",
    )
    overdue = directive_factory(
        lead=world.lead,
        reference="OD-1",
        deadline_text="trong quý II/2024",
        meeting=meeting,
        owner=world.users["lead_focal"],
    )
    soon = directive_factory(
        lead=world.other,
        reference="SOON-1",
        meeting=meeting,
        deadline_text=f"{today + datetime.timedelta(days=6):%d/%m/%Y}",
    )
    later = directive_factory(
        lead=world.other, reference="LATER-1", deadline_text=f"{today + datetime.timedelta(days=20):%d/%m/%Y}"
    )
    done = directive_factory(lead=world.lead, reference="DONE-1", deadline_text="trong năm 2024", meeting=meeting)
    services.complete_directive(directive=done, by=None, completed_on=D(2024, 11, 1))
    return {"meeting": meeting, "overdue": overdue, "soon": soon, "later": later}


def test_dashboard_figures(world, spread):
    response = client_for(world.users["lead_focal"]).get("/")
    context = response.context
    assert context["headline"]["overdue"] == 1
    assert context["headline"]["completed_on_time"] == 1
    assert context["headline"]["within_deadline"] == 3
    assert (context["due_soon"]["in_7"], context["due_soon"]["in_30"]) == (1, 2)
    assert [d.reference for d in context["overdue"]] == ["OD-1"]
    assert {d.reference for d in context["mine"]} == {"OD-1", "UBQG-7/01"}
    assert context["scorecards"][0]["lead_agency__code"] == "LEAD"  # the agency to chase first
    page = response.content.decode()
    assert "/directives/?status=overdue" in page and "Quá hạn lâu nhất" in page


def test_dashboard_for_a_viewer_without_agency(world, spread):
    response = client_for(world.users["viewer"]).get("/")
    assert response.status_code == 200 and list(response.context["mine"]) == []
    assert "Bạn không có nhiệm vụ nào đang mở." in response.content.decode()


def test_meeting_page_lists_its_directives_with_a_status_summary(world, spread):
    response = client_for(world.users["viewer"]).get("/meetings/8/")
    assert {d.reference for d in response.context["directives"]} == {"OD-1", "SOON-1", "DONE-1"}
    assert response.context["counts"]["overdue"] == 1
    page = response.content.decode()
    assert "203/TB-VPCP" in page and "/directives/?meeting=8&amp;status=overdue" in page
    listing = client_for(world.users["viewer"]).get("/meetings/").content.decode()
    assert "/meetings/8/" in listing


def test_briefing_button_appears_only_when_briefings_publish_the_url(world, spread):
    from django.urls import NoReverseMatch, reverse

    page = client_for(world.users["viewer"]).get("/meetings/8/").content.decode()
    try:
        url = reverse("briefings:meeting", args=[8])
    except NoReverseMatch:
        assert "Báo cáo phiên họp (PDF)" not in page
    else:
        assert url in page


def test_agency_page_shows_scorecard_directives_and_successor(world, spread, agency_factory):
    successor = agency_factory("MOST9", name_vi="Bộ Khoa học và Công nghệ", short_name_vi="BKHCN9")
    merged = agency_factory(
        "MIC9",
        name_vi="Bộ Thông tin và Truyền thông",
        short_name_vi="BTTTT9",
        active=False,
        successor=successor,
        succeeded_on=D(2025, 3, 1),
    )
    client = client_for(world.users["viewer"])
    lead_page = client.get("/agencies/LEAD/")
    assert {d.reference for d in lead_page.context["page"].object_list} == {"UBQG-7/01", "OD-1", "DONE-1"}
    assert lead_page.context["headline"]["overdue"] == 1
    co_page = client.get("/agencies/COAG/")
    assert [d.reference for d in co_page.context["page"].object_list] == ["UBQG-7/01"]  # co-ordinating counts
    merged_page = client.get(f"/agencies/{merged.code}/").content.decode()
    assert "đã hợp nhất vào" in merged_page and "/agencies/MOST9/" in merged_page and "01/03/2025" in merged_page
    assert "BTTTT9" in client.get("/agencies/MOST9/").content.decode()  # predecessors listed


def test_dates_are_shown_dd_mm_yyyy(world):
    page = client_for(world.users["viewer"]).get(world.directive.get_absolute_url()).content.decode()
    assert "31/12/2030" in page and "01/01/2024" in page and "2030-12-31" not in page


def test_dashboard_figures_follow_every_change_despite_the_cache(world, spread):
    client = client_for(world.users["secretariat"])
    assert client.get("/").context["headline"]["overdue"] == 1
    services.complete_directive(directive=spread["overdue"], by=None, completed_on=D(2024, 12, 1))
    headline = client.get("/").context["headline"]
    assert (headline["overdue"], headline["completed_late"]) == (0, 1)
    services.record_progress(directive=spread["soon"], by=None, percent=10, note="x")
    services.change_deadline(directive=spread["soon"], approved_by=None, new_due=D(2020, 1, 1), reason="test")
    assert client.get("/").context["headline"]["overdue"] == 1


def test_dashboard_figures_are_the_hand_counted_ones_cached_or_not(world, spread, settings):
    """Counted by hand from `spread` (not by the selectors under test): UBQG-7/01, SOON-1 and LATER-1 within,
    OD-1 overdue since 30/06/2024, DONE-1 completed on time."""
    today = timezone.localdate()
    cached = client_for(world.users["viewer"]).get("/").context
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    uncached = client_for(world.users["viewer"]).get("/").context
    assert cached["headline"] == uncached["headline"]
    expected = {
        "total": 5,
        "counted": 5,
        "completed_on_time": 1,
        "completed_late": 0,
        "within_deadline": 3,
        "overdue": 1,
        "no_deadline": 0,
        "cancelled": 0,
        "completed": 1,
        "completion_rate": 1 / 5,
        "on_time_rate": 1.0,
        "overdue_share_of_all": 1 / 5,
        "overdue_share_of_due": 1 / 2,  # of OD-1 and DONE-1, the two already due
    }
    assert {key: cached["headline"][key] for key in expected} == expected
    cards = [
        {key: card[key] for key in ("lead_agency__code", "assigned", "completed", "on_time", "overdue", "within")}
        | {"oldest": card["oldest_overdue_days"], "rate": card["on_time_rate"], "short": card["short"]}
        for card in cached["scorecards"]
    ]
    assert cards == [
        {
            "lead_agency__code": "LEAD",
            "assigned": 3,
            "completed": 1,
            "on_time": 1,
            "overdue": 1,
            "within": 1,
            "oldest": (today - D(2024, 6, 30)).days,
            "rate": 1.0,
            "short": "BCT1",
        },
        {
            "lead_agency__code": "OTHER",
            "assigned": 2,
            "completed": 0,
            "on_time": 0,
            "overdue": 0,
            "within": 2,
            "oldest": None,
            "rate": None,
            "short": "BK",
        },
    ]


@pytest.fixture
def merged(world, agency_factory, directive_factory):
    successor = agency_factory("MOST8", short_name_vi="BKHCN8")
    mic = agency_factory("MIC8", short_name_vi="BTTTT8")
    first = directive_factory(lead=mic, reference="MIC-1")
    second = directive_factory(lead=world.lead, co_agencies=[mic], reference="MIC-2")
    closed = directive_factory(lead=mic, reference="MIC-3")
    merge(mic, successor)
    services.cancel_directive(directive=closed, by=None, reason="x")
    return {"agency": mic, "successor": successor, "first": first, "second": second}


def test_secretariat_transfers_chosen_directives_of_a_merged_agency(world, merged):
    from dxtasks.directives.models import AgencyTransfer, Directive

    client = client_for(world.users["secretariat"])
    page = client.get("/agencies/MIC8/")
    assert [d.reference for d in page.context["transfer_form"].fields["directives"].queryset] == ["MIC-1", "MIC-2"]
    response = client.post("/agencies/MIC8/transfer/", {"directives": [str(merged["first"].public_id)]})
    assert response.status_code == 302
    assert Directive.objects.get(reference="MIC-1").lead_agency == merged["successor"]
    assert Directive.objects.get(reference="MIC-2").co_agencies.get() == merged["agency"]  # not chosen: unchanged
    transfer = AgencyTransfer.objects.get()
    assert (transfer.from_agency, transfer.to_agency, transfer.transferred_by) == (
        merged["agency"],
        merged["successor"],
        world.users["secretariat"],
    )
    assert "Đã chuyển 1 nhiệm vụ cho BKHCN8." in client.get("/agencies/MIC8/").content.decode()


@pytest.mark.parametrize("role", ["lead_focal", "viewer"])
def test_only_the_secretariat_may_transfer(world, merged, role):
    from .conftest import snapshot

    client = client_for(world.users[role])
    assert client.get("/agencies/MIC8/").context["transfer_form"] is None
    before = snapshot(merged["first"])
    response = client.post("/agencies/MIC8/transfer/", {"directives": [str(merged["first"].public_id)]})
    assert response.status_code == 403
    assert snapshot(merged["first"]) == before


def test_transfer_without_a_choice_or_a_successor_is_refused(world, merged):
    from dxtasks.directives.models import AgencyTransfer

    client = client_for(world.users["secretariat"])
    response = client.post("/agencies/MIC8/transfer/", {"directives": []}, follow=True)
    assert "bắt buộc" in response.content.decode()
    response = client.post("/agencies/LEAD/transfer/", {"directives": [str(world.directive.public_id)]}, follow=True)
    assert "không có cơ quan kế thừa" in response.content.decode()
    assert not AgencyTransfer.objects.exists()


def test_my_directives_are_cached_and_follow_every_change(world, spread, directive_factory):
    client = client_for(world.users["lead_focal"])
    assert {d.reference for d in client.get("/").context["mine"]} == {"OD-1", "UBQG-7/01"}
    # Served from the cache: "mine" is not computed again (no OR over the whole register).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    mine_filter = f'"directives_directive"."owner_id" = {world.users["lead_focal"].pk} OR'
    assert not any(mine_filter in q["sql"] for q in captured.captured_queries)
    # A new directive of the user's agency shows at once; so does a closed one leaving.
    directive_factory(lead=world.lead, reference="NEW-1", deadline_text="01/01/2031")
    services.complete_directive(directive=spread["overdue"], by=None, completed_on=D(2024, 12, 1))
    assert {d.reference for d in client.get("/").context["mine"]} == {"NEW-1", "UBQG-7/01"}
    # Moving agency changes the list (the cache is per user and agency).
    user = world.users["lead_focal"]
    user.agency = world.other
    user.save()
    assert {d.reference for d in client_for(user).get("/").context["mine"]} == {"SOON-1", "LATER-1"}
