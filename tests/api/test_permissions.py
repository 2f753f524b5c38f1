"""The portal's permission matrix, through the API: every write, every position a caller can be in.

| | secretariat | focal point of the lead | focal point of a co-ordinator | other focal point | viewer |
A refusal is a 403 problem and writes nothing (the same snapshot as the portal's tests).
"""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import DeadlineChange, Directive, ExtensionRequest, ProgressUpdate, StateChange

from .conftest import problem

D = datetime.date
POSITIONS = ["secretariat", "lead_focal", "co_focal", "other_focal", "viewer"]
REPORTERS = {"secretariat", "lead_focal", "co_focal"}
MANAGERS = {"secretariat"}


@pytest.fixture
def world(agency_factory, user_factory, directive_factory):
    lead, co, other = agency_factory("LEAD"), agency_factory("COAG"), agency_factory("OTHER")
    users = {
        "secretariat": user_factory(Role.SECRETARIAT, username="sec"),
        "lead_focal": user_factory(Role.FOCAL_POINT, agency=lead, username="leadfp"),
        "co_focal": user_factory(Role.FOCAL_POINT, agency=co, username="cofp"),
        "other_focal": user_factory(Role.FOCAL_POINT, agency=other, username="otherfp"),
        "viewer": user_factory(Role.VIEWER, username="viewer"),
    }
    directive = directive_factory(
        lead=lead, co_agencies=[co], reference="UBQG-7/01", deadline_text="trong năm 2030", assigned_on=D(2024, 1, 1)
    )
    return directive, users


def snapshot(directive):
    row = (
        Directive.objects.filter(pk=directive.pk)
        .values(
            "state", "due_date", "deadline_text", "version", "updated_at", "title_vi", "completed_on", "cancelled_on"
        )
        .first()
    )
    return (
        row,
        Directive.objects.count(),
        ProgressUpdate.objects.count(),
        list(ExtensionRequest.objects.values_list("pk", "decision").order_by("pk")),
        StateChange.objects.count(),
        DeadlineChange.objects.count(),
    )


def _pending(directive, by):
    return services.request_extension(directive=directive, by=by, proposed_due=D(2031, 6, 30), reason="thêm thời gian")


ACTIONS = {
    # name: (who may, set-up, method, path suffix, body)
    "progress": (REPORTERS, None, "post", "progress/", {"percent": 30, "note": "Đã họp", "evidence_url": None}),
    "extension": (REPORTERS, None, "post", "extension/", {"proposed_due": "2031-03-31", "reason": "Chờ luật"}),
    "submit": (REPORTERS, None, "post", "submit/", {"note": "Xong"}),
    "decide": (MANAGERS, "pending", "post", "extension/{request_id}/decision/", {"decision": "approve", "note": ""}),
    # The request is lead_focal's: whoever made it, or the secretariat, may take it back.
    "withdraw": ({"secretariat", "lead_focal"}, "pending", "post", "extension/{request_id}/withdraw/", None),
    "complete": (MANAGERS, None, "post", "complete/", {"completed_on": None, "outcome": "Luật đã ban hành"}),
    "return": (MANAGERS, "submitted", "post", "return/", {"note": "Thiếu báo cáo"}),
    "cancel": (MANAGERS, None, "post", "cancel/", {"reason": "Không còn cần"}),
    "edit": (MANAGERS, None, "patch", "", {"title_vi": "Tên mới"}),
}


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_write_matrix(world, api, position, action):
    directive, users = world
    allowed, setup, method, suffix, body = ACTIONS[action]
    request_id = ""
    if setup == "pending":
        request_id = _pending(directive, users["lead_focal"]).pk
    elif setup == "submitted":
        services.submit_for_review(directive=directive, by=users["lead_focal"])
    if action == "complete":
        body = {**body, "completed_on": timezone.localdate().isoformat()}
    client = api(users[position])
    before = snapshot(directive)
    path = f"/api/v1/directives/{directive.public_id}/{suffix.format(request_id=request_id)}"
    response = client.send(method, path, body)
    if position in allowed:
        assert response.status_code == 200, response.content
        assert snapshot(directive) != before
    else:
        assert response.status_code == 403, response.content
        assert problem(response)["detail"]
        assert snapshot(directive) == before


@pytest.mark.parametrize("position", POSITIONS)
def test_create_is_for_the_secretariat_only(world, api, position):
    _directive, users = world
    body = {
        "reference": "UBQG-9/01",
        "title_vi": "Nhiệm vụ mới",
        "lead_agency": "LEAD",
        "co_agencies": ["COAG"],
        "deadline_text": "hoàn thành trong quý II/2030",
        "assigned_on": "2025-01-15",
        "pillar": "economy",
    }
    before = Directive.objects.count()
    response = api(users[position]).post("/api/v1/directives/", body)
    if position == "secretariat":
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["due_date"] == "2030-06-30" and created["deadline_precision"] == "quarter"
        assert response["Location"] == f"/api/v1/directives/{created['public_id']}/"
        assert Directive.objects.count() == before + 1
    else:
        assert response.status_code == 403 and Directive.objects.count() == before


@pytest.mark.parametrize("position", POSITIONS)
def test_every_role_reads_everything(world, api, position):
    directive, users = world
    client = api(users[position], scope="read")
    assert client.get("/api/v1/directives/").status_code == 200
    detail = client.get(f"/api/v1/directives/{directive.public_id}/").json()
    assert detail["permissions"] == {"report": False, "manage": False, "actions": []}  # a read-only token
    writer = api(users[position]).get(f"/api/v1/directives/{directive.public_id}/").json()
    # An open directive: reporters report, ask for time, submit; the secretariat also moves, completes, cancels.
    actions = ({"progress", "extension", "submit"} if position in REPORTERS else set()) | (
        {"deadline", "complete", "cancel"} if position in MANAGERS else set()
    )
    assert writer["permissions"] == {
        "report": position in REPORTERS,
        "manage": position in MANAGERS,
        "actions": sorted(actions),
    }


def test_role_is_read_at_each_request(world, api):
    """A focal point moved to another agency loses the old agency's directives at once."""
    directive, users = world
    client = api(users["lead_focal"])
    path = f"/api/v1/directives/{directive.public_id}/progress/"
    assert client.post(path, {"percent": 10, "note": "a"}).status_code == 200
    users["lead_focal"].agency = users["other_focal"].agency
    users["lead_focal"].save()
    assert client.post(path, {"percent": 20, "note": "b"}).status_code == 403
