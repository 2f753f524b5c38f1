"""GET /api/v1/inbox/: the portal's worklists (directives.worklists) as JSON, and the actions their rows name."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import services, worklists
from dxtasks.directives.models import Agency, Directive, ExtensionRequest

from .conftest import directive_led_by, problem


def _later(days=90) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def requests_pending(demo):
    """Two pending extension requests, by mps.focal (DEMO-01, MPS) and sbv.focal (an SBV directive)."""
    made = []
    for username, code in (("mps.focal", "MPS"), ("sbv.focal", "SBV")):
        directive = directive_led_by(code)
        made.append(
            services.request_extension(
                directive=directive, by=demo[username], proposed_due=_later(), reason=f"Cần thêm thời gian ({code})"
            )
        )
    return made


def _lists(response) -> dict:
    assert response.status_code == 200, response.content
    return {section["name"]: section for section in response.json()["lists"]}


def test_each_role_gets_its_lists_with_the_worklists_counts(demo, requests_pending, api):
    for username in ("secretariat", "mps.focal", "viewer"):
        user = demo[username]
        response = api(user).get("/api/v1/inbox/")
        lists = _lists(response)
        assert list(lists) == list(worklists.lists_for(user)), username
        assert {name: s["count"] for name, s in lists.items()} == worklists.counts(user), username
        assert response.json()["total"] == worklists.total(user)
        for name, section in lists.items():
            expected = list(worklists.rows(user, name)[:10])
            assert [r["directive"]["public_id"] for r in section["results"]] == [
                str((row.directive if section["row_kind"] == "extension_request" else row).public_id)
                for row in expected
            ], (username, name)
    assert _lists(api(demo["viewer"]).get("/api/v1/inbox/")) == {}


def test_secretariat_decides_a_request_from_its_row(demo, requests_pending, api):
    client = api(demo["secretariat"])
    section = _lists(client.get("/api/v1/inbox/", {"list": "extensions"}))["extensions"]
    assert section["count"] == 2 and section["label"] == "Đề nghị gia hạn chờ duyệt"
    row = section["results"][0]  # oldest first
    assert row["extension_request"]["id"] == requests_pending[0].pk and row["action"] == "decide"
    assert row["age_days"] == 0 and row["directive"]["reference"] == requests_pending[0].directive.reference
    decided = client.post(row["action_path"], {"decision": "approve", "note": "Đồng ý"})
    assert decided.status_code == 200, decided.content
    assert _lists(client.get("/api/v1/inbox/"))["extensions"]["count"] == 1


def test_focal_point_withdraws_their_request_from_its_row(demo, requests_pending, api):
    client = api(demo["mps.focal"])
    section = _lists(client.get("/api/v1/inbox/"))["my_requests"]
    [row] = section["results"]
    assert row["action"] == "withdraw" and row["action_path"].endswith(f"/extension/{requests_pending[0].pk}/withdraw/")
    withdrawn = client.post(row["action_path"])
    assert withdrawn.status_code == 200 and withdrawn.json()["pending_extension"] is None
    assert ExtensionRequest.objects.get(pk=requests_pending[0].pk).decision == "withdrawn"
    assert _lists(client.get("/api/v1/inbox/"))["my_requests"]["count"] == 0


def test_one_list_in_cursor_pages_in_the_worklists_order(demo, api, directive_factory):
    mps = Agency.objects.get(code="MPS")
    for n in range(5):
        directive_factory(
            lead=mps,
            reference=f"NEW-{n}",
            deadline_text="trong năm 2031",
            assigned_on=timezone.localdate(),
            by=demo["secretariat"],
        )
    user = demo["mps.focal"]
    expected = [d.reference for d in worklists.rows(user, "new")]
    assert len(expected) >= 5
    client = api(user)
    seen, path, params = [], "/api/v1/inbox/", {"list": "new", "limit": 2}
    while path:
        body = client.get(path, params).json()
        [section] = body["lists"]
        seen += [r["directive"]["reference"] for r in section["results"]]
        path, params = section["next"], None
    assert seen == expected
    overview = _lists(client.get("/api/v1/inbox/", {"limit": 2}))["new"]
    assert len(overview["results"]) == 2 and "list=new" in overview["next"]


def test_agency_filter_as_the_portals(demo, requests_pending, api):
    client = api(demo["secretariat"])
    sbv = Agency.objects.get(code="SBV")
    lists = _lists(client.get("/api/v1/inbox/", {"agency": "SBV"}))
    assert {n: s["count"] for n, s in lists.items()} == worklists.counts(demo["secretariat"], agency=sbv)
    assert [r["extension_request"]["id"] for r in lists["extensions"]["results"]] == [requests_pending[1].pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"agency": "NOPE"}, "agency"),
        ({"list": "extensions"}, "list"),  # a secretariat list, asked by a focal point
        ({"list": "nothing"}, "list"),
        ({"cursor": "WzFd"}, "cursor"),  # a cursor needs its list
        ({"list": "new", "cursor": "!!"}, "cursor"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(demo, api, params, field):
    response = api(demo["mps.focal"]).get("/api/v1/inbox/", params)
    assert response.status_code == 422 and field in {e["field"] for e in problem(response)["errors"]}


def test_inbox_etag_gives_304_until_the_list_moves(demo, api):
    client = api(demo["mps.focal"])
    etag = client.get("/api/v1/inbox/")["ETag"]
    assert client.get("/api/v1/inbox/", **{"If-None-Match": etag}).status_code == 304
    services.request_extension(
        directive=Directive.objects.get(reference="DEMO-01"), by=demo["mps.focal"], proposed_due=_later(), reason="thêm"
    )
    assert client.get("/api/v1/inbox/", **{"If-None-Match": etag}).status_code == 200


def test_labels_and_refusals_in_the_owners_language(demo, api):
    user = demo["mps.focal"]
    user.language = "en"
    user.save()
    client = api(user)
    labels = [s["label"] for s in client.get("/api/v1/inbox/").json()["lists"]]
    assert "Overdue" in labels and "Quá hạn" not in labels, labels
    refused = client.get("/api/v1/inbox/", {"list": "extensions"})
    assert "is not one of your role's" in problem(refused)["errors"][0]["message"]
