"""The permission matrix: every view and action × every role, own agency and another.

Allowed: the expected success status. Refused: 403 (or the sign-in redirect
for anonymous visitors) and the database exactly as it was.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import ExtensionRequest

from .conftest import client_for, snapshot

ROLES = ["secretariat", "lead_focal", "co_focal", "other_focal", "viewer", "anonymous"]
EVERYONE = {"secretariat", "lead_focal", "co_focal", "other_focal", "viewer"}
REPORTERS = {"secretariat", "lead_focal", "co_focal"}
MANAGERS = {"secretariat"}


def _today() -> str:
    return f"{timezone.localdate():%d/%m/%Y}"


def _directive_form(world, **changes):
    d = world.directive
    data = {
        "reference": d.reference,
        "title_vi": "Tên đã sửa",
        "title_en": d.title_en,
        "meeting": "",
        "lead_agency": world.lead.pk,
        "co_agencies": [world.co.pk],
        "owner": "",
        "pillar": "government",
        "assigned_on": "01/01/2024",
        "deadline_text": d.deadline_text,
        "deadline_reason": "",
        "source_ref": "",
        "source_url": "",
        "full_text": "",
        "outcome": "",
        "updated_at": d.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def _csv_upload():
    content = "reference,title_vi,lead_agency,deadline,assigned_on\nNEW-1,Nhiệm vụ mới,LEAD,quý II/2031,01/01/2024\n"
    return SimpleUploadedFile("import.csv", content.encode(), content_type="text/csv")


def _submitted(world):
    services.submit_for_review(directive=world.directive, by=world.users["lead_focal"])


def _pending(world):
    return services.request_extension(
        directive=world.directive,
        by=world.users["lead_focal"],
        proposed_due=datetime.date(2031, 6, 30),
        reason="Cần thêm thời gian",
    )


# name: (method, url, data or None, who may, success status, setup)
ACTIONS = {
    "dashboard": ("get", lambda w: "/", None, EVERYONE, 200, None),
    "register": ("get", lambda w: "/directives/?q=du+lieu", None, EVERYONE, 200, None),
    "export_csv": ("get", lambda w: "/directives/export.csv", None, EVERYONE, 200, None),
    "export_xlsx": ("get", lambda w: "/directives/export.xlsx", None, EVERYONE, 200, None),
    "detail": ("get", lambda w: w.directive.get_absolute_url(), None, EVERYONE, 200, None),
    "deadline_preview": (
        "get",
        lambda w: "/directives/deadline-preview/?deadline_text=quý+II/2024",
        None,
        EVERYONE,
        200,
        None,
    ),
    "meetings": ("get", lambda w: "/meetings/", None, EVERYONE, 200, None),
    "agencies": ("get", lambda w: "/agencies/", None, EVERYONE, 200, None),
    "agency": ("get", lambda w: "/agencies/LEAD/", None, EVERYONE, 200, None),
    "new_form": ("get", lambda w: "/directives/new/", None, MANAGERS, 200, None),
    "edit_form": ("get", lambda w: f"{w.directive.get_absolute_url()}edit/", None, MANAGERS, 200, None),
    "import_form": ("get", lambda w: "/import/", None, MANAGERS, 200, None),
    "import_template": ("get", lambda w: "/import/template.xlsx", None, MANAGERS, 200, None),
    "progress": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}progress/",
        lambda w: {"percent": 60, "note": "Đã trình dự thảo"},
        REPORTERS,
        302,
        None,
    ),
    "extension": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}extension/",
        lambda w: {"proposed_due": "30/06/2031", "reason": "Chờ ý kiến bộ ngành"},
        REPORTERS,
        302,
        None,
    ),
    "submit": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}submit/",
        lambda w: {"note": "Đã xong"},
        REPORTERS,
        302,
        None,
    ),
    "complete": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}complete/",
        lambda w: {"completed_on": _today(), "outcome": "Luật đã ban hành"},
        MANAGERS,
        302,
        None,
    ),
    "return": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}return/",
        lambda w: {"note": "Chưa đạt"},
        MANAGERS,
        302,
        _submitted,
    ),
    "cancel": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}cancel/",
        lambda w: {"reason": "Không còn cần"},
        MANAGERS,
        302,
        None,
    ),
    "decide": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}extension/{ExtensionRequest.objects.get().pk}/decide/",
        lambda w: {"decision": "approve"},
        MANAGERS,
        302,
        _pending,
    ),
    "create": (
        "post",
        lambda w: "/directives/new/",
        lambda w: _directive_form(w, reference="UBQG-9/09", updated_at=""),
        MANAGERS,
        302,
        None,
    ),
    "edit": (
        "post",
        lambda w: f"{w.directive.get_absolute_url()}edit/",
        lambda w: _directive_form(w),
        MANAGERS,
        302,
        None,
    ),
    "import_preview": ("post", lambda w: "/import/", lambda w: {"file": _csv_upload()}, MANAGERS, 200, None),
    "import_commit": ("post", lambda w: "/import/commit/", lambda w: {}, MANAGERS, 302, None),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, role, action):
    method, url, data, allowed, success, setup = ACTIONS[action]
    if setup:
        setup(world)
    user = None if role == "anonymous" else world.users[role]
    before = snapshot(world.directive)
    client = client_for(user)
    target = url(world)
    response = client.get(target) if method == "get" else client.post(target, data(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert snapshot(world.directive) == before
    elif role in allowed:
        assert response.status_code == success, response.content[:2000]
        if method == "post" and action not in ("import_preview", "import_commit"):
            assert snapshot(world.directive) != before
    else:
        assert response.status_code == 403
        assert snapshot(world.directive) == before
        if method == "post" or action.endswith("form"):
            # The 403 page says why, in the user's language.
            assert "Chỉ" in response.content.decode()


def test_focal_point_of_another_agency_sees_no_reporting_buttons(world):
    page = client_for(world.users["other_focal"]).get(world.directive.get_absolute_url()).content.decode()
    assert "progress/" not in page and "extension/" not in page
    assert "Bạn chỉ có quyền xem nhiệm vụ này" in page


def test_co_ordinating_focal_point_sees_reporting_but_not_managing(world):
    page = client_for(world.users["co_focal"]).get(world.directive.get_absolute_url()).content.decode()
    assert "progress/" in page and "extension/" in page and "submit/" in page
    assert "complete/" not in page and "cancel/" not in page and "edit/" not in page


def test_a_deactivated_secretariat_account_cannot_act(world):
    user = world.users["secretariat"]
    client = client_for(user)
    user.is_active = False
    user.save()
    before = snapshot(world.directive)
    response = client.post(f"{world.directive.get_absolute_url()}cancel/", {"reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert snapshot(world.directive) == before


@pytest.mark.parametrize("action", ["progress", "extension", "submit"])
def test_a_viewer_of_the_lead_agency_still_only_reads(world, user_factory, action):
    """The role decides, not the agency: a viewer who belongs to the lead agency reports nothing."""
    from dxtasks.accounts.models import Role

    method, url, data, _allowed, _success, setup = ACTIONS[action]
    if setup:
        setup(world)
    viewer = user_factory(Role.VIEWER, agency=world.lead, username="leadviewer")
    before = snapshot(world.directive)
    response = client_for(viewer).post(url(world), data(world))
    assert response.status_code == 403 and "Chỉ" in response.content.decode()
    assert snapshot(world.directive) == before
    page = client_for(viewer).get(world.directive.get_absolute_url()).content.decode()
    assert "progress/" not in page and "extension/" not in page
