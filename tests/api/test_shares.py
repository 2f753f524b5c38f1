"""Collective directives through the API: shares in the detail, the share table, one share, writes on a share.

UBQG-10/01 of the seed is given to every ministry and province; in the demo
most shares are completed, MPS's (owned by mps.focal) and SBV's are open and
overdue. A focal point acts on their own agency's share only, as on the portal.
"""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import selectors, services
from dxtasks.directives.models import Directive, ExtensionRequest, ProgressUpdate, Share, StateChange

from .conftest import problem


@pytest.fixture
def ubqg10(demo):
    return Directive.objects.get(reference="UBQG-10/01")


def _path(directive, suffix=""):
    return f"/api/v1/directives/{directive.public_id}/{suffix}"


def _share(directive, code) -> Share:
    return Share.objects.get(directive=directive, agency__code=code)


def _written(directive):
    """Everything a write on the directive or one of its shares could change."""
    return (
        list(Share.objects.filter(directive=directive).order_by("pk").values()),
        Directive.objects.filter(pk=directive.pk).values().get(),
        ProgressUpdate.objects.filter(directive=directive).count(),
        list(ExtensionRequest.objects.filter(directive=directive).values_list("pk", "decision")),
        StateChange.objects.filter(directive=directive).count(),
    )


def test_detail_shows_every_share_and_the_roll_up(ubqg10, api, demo):
    body = api(demo["viewer"]).get(_path(ubqg10)).json()
    today = timezone.localdate()
    assert body["addressees"] == ubqg10.addressees and body["lead_agency"]["code"] == ubqg10.lead_agency.code
    assert len(body["shares"]) == ubqg10.shares.count() > 30
    mps = next(s for s in body["shares"] if s["agency"]["code"] == "MPS")
    assert mps["owner"] == "mps.focal" and mps["status"] == "overdue" and mps["state"] == "open"
    assert mps["days_overdue"] == (today - _share(ubqg10, "MPS").due_date).days > 0
    assert mps["url"].endswith("?share=MPS") and mps["permissions"] == {"report": False, "actions": []}
    summary = selectors.share_summary(ubqg10)
    assert body["roll_up"] == {key: summary[key] for key in body["roll_up"]}
    assert body["roll_up"]["overdue"] >= 2 and body["status"] == "overdue"
    listed = api(demo["viewer"]).get("/api/v1/directives/", {"q": "UBQG-10/01"}).json()["results"]
    assert [row["roll_up"] for row in listed if row["reference"] == "UBQG-10/01"] == [body["roll_up"]]
    single = api(demo["viewer"]).get("/api/v1/directives/", {"q": "DEMO-01"}).json()["results"][0]
    assert single["roll_up"] is None and single["addressees"] == ""


def test_share_table_filters_and_pages_every_share_once_in_every_order(ubqg10, api, demo):
    client = api(demo["viewer"])
    overdue = client.get(_path(ubqg10, "shares/"), {"status": "overdue"}).json()
    assert overdue["results"] and all(s["status"] == "overdue" for s in overdue["results"])
    assert {"MPS", "SBV"} <= {s["agency"]["code"] for s in overdue["results"]}
    assert overdue["roll_up"]["total"] == ubqg10.shares.count()  # the roll-up ignores the filters
    provinces = client.get(_path(ubqg10, "shares/"), {"agency_kind": "province", "limit": 500}).json()["results"]
    assert len(provinces) == ubqg10.shares.filter(agency__kind="province").count()
    assert [s["agency"]["code"] for s in client.get(_path(ubqg10, "shares/"), {"q": "SBV"}).json()["results"]] == [
        "SBV"
    ]
    total = ubqg10.shares.count()
    for sort in selectors.SHARE_SORTS:
        seen, path, params = [], _path(ubqg10, "shares/"), {"limit": 7, "sort": sort}
        while path:
            page = client.get(path, params).json()
            seen += [s["agency"]["code"] for s in page["results"]]
            path, params = page["next"], None
        assert len(seen) == len(set(seen)) == total, sort
    then = client.get(_path(ubqg10, "shares/"), {"as_of": "2025-02-27", "status": "overdue"}).json()
    assert then["results"] == [] and then["roll_up"]["overdue"] == 0  # the day before the deadline


def test_one_share_with_its_own_history(ubqg10, api, demo):
    services.record_progress(
        directive=ubqg10,
        share=_share(ubqg10, "MPS"),
        by=demo["mps.focal"],
        percent=30,
        note="Đã trình dự thảo kế hoạch",
    )
    client = api(demo["mps.focal"])
    body = client.get(_path(ubqg10, "shares/MPS/")).json()
    assert body["agency"]["code"] == "MPS" and body["directive"]["reference"] == "UBQG-10/01"
    assert body["latest_progress"]["percent"] == 30 and body["permissions"] == {
        "report": True,
        "actions": ["extension", "progress", "submit"],
    }
    assert [(p["note"], p["share"]) for p in body["history"]["progress"]] == [("Đã trình dự thảo kế hoạch", "MPS")]
    detail = client.get(_path(ubqg10)).json()
    assert ("Đã trình dự thảo kế hoạch", "MPS") in {(p["note"], p["share"]) for p in detail["history"]["progress"]}
    assert detail["latest_progress"] is None  # the directive's own line: reports about the whole directive only
    assert client.get(_path(ubqg10, "shares/SBV/")).json()["permissions"] == {"report": False, "actions": []}
    assert client.get(_path(ubqg10, "shares/NOPE/")).status_code == 404
    single = Directive.objects.get(reference="DEMO-01")
    assert client.get(_path(single, "shares/MPS/")).status_code == 404
    empty = client.get(_path(single, "shares/")).json()
    assert empty["results"] == [] and empty["roll_up"] is None


def test_focal_point_writes_land_on_their_own_agencys_share(ubqg10, api, demo):
    client = api(demo["mps.focal"])
    sbv_before = Share.objects.filter(pk=_share(ubqg10, "SBV").pk).values().get()
    response = client.post(_path(ubqg10, "progress/"), {"percent": 50, "note": "Một nửa"})
    assert response.status_code == 200, response.content
    mps = _share(ubqg10, "MPS")
    assert list(mps.progress_updates.values_list("percent", flat=True)) == [50]
    assert not ProgressUpdate.objects.filter(directive=ubqg10, share__isnull=True).exists()
    named = client.post(_path(ubqg10, "progress/") + "?agency=MPS", {"percent": 60, "note": "Hơn nửa"})
    assert named.status_code == 200 and mps.progress_updates.count() == 2
    proposed = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    asked = client.post(_path(ubqg10, "extension/"), {"proposed_due": proposed, "reason": "Chờ nghị định"})
    assert asked.status_code == 200, asked.content
    shown = next(s for s in asked.json()["shares"] if s["agency"]["code"] == "MPS")
    assert shown["pending_extension"]["share"] == "MPS" and asked.json()["pending_extension"] is None
    assert client.post(_path(ubqg10, "submit/"), {"note": "Đã ban hành"}).status_code == 200
    mps.refresh_from_db()
    assert mps.state == "submitted"
    assert Share.objects.filter(pk=_share(ubqg10, "SBV").pk).values().get() == sbv_before


@pytest.mark.parametrize(
    "suffix, body",
    [
        ("progress/", {"percent": 10, "note": "Không phải của tôi"}),
        ("extension/", {"proposed_due": "2031-01-31", "reason": "x"}),
        ("submit/", {"note": "x"}),
    ],
)
def test_naming_another_agencys_share_is_403_and_writes_nothing(ubqg10, api, demo, suffix, body):
    before = _written(ubqg10)
    response = api(demo["mps.focal"]).post(_path(ubqg10, suffix) + "?agency=SBV", body)
    assert response.status_code == 403 and problem(response)["detail"]
    viewer = api(demo["viewer"]).post(_path(ubqg10, suffix), body)
    assert viewer.status_code == 403
    assert _written(ubqg10) == before


def test_secretariat_names_the_share_with_agency(ubqg10, api, demo):
    client = api(demo["secretariat"])
    sbv = _share(ubqg10, "SBV")
    assert client.post(_path(ubqg10, "progress/") + "?agency=SBV", {"percent": 20, "note": "Nhắc"}).status_code == 200
    assert sbv.progress_updates.get().note == "Nhắc"
    whole = client.post(_path(ubqg10, "progress/"), {"percent": 80, "note": "Tổng hợp chung"})
    assert whole.status_code == 200 and whole.json()["latest_progress"]["note"] == "Tổng hợp chung"
    before = _written(ubqg10)
    unnamed = client.post(_path(ubqg10, "complete/"), {"completed_on": timezone.localdate().isoformat()})
    assert unnamed.status_code == 422 and problem(unnamed)["detail"]  # the service wants a share
    unknown = client.post(_path(ubqg10, "complete/") + "?agency=NOPE", {"completed_on": "2025-03-01"})
    assert unknown.status_code == 422 and {e["field"] for e in problem(unknown)["errors"]} == {"agency"}
    assert _written(ubqg10) == before
    done = client.post(_path(ubqg10, "complete/") + "?agency=SBV", {"completed_on": "2025-03-10", "outcome": "Xong"})
    assert done.status_code == 200, done.content
    sbv.refresh_from_db()
    assert sbv.state == "completed" and sbv.completed_on == datetime.date(2025, 3, 10)
    shown = next(s for s in done.json()["shares"] if s["agency"]["code"] == "SBV")
    assert shown["status"] == "completed_late"
    single = Directive.objects.get(reference="DEMO-01")
    refused = client.post(_path(single, "progress/") + "?agency=MPS", {"percent": 1, "note": "x"})
    assert refused.status_code == 422 and problem(refused)["errors"][0]["field"] == "agency"


def test_the_share_etag_guards_a_write_on_that_share(ubqg10, api, demo):
    client = api(demo["mps.focal"])
    etag = client.get(_path(ubqg10, "shares/MPS/"))["ETag"]
    services.record_progress(directive=ubqg10, share=_share(ubqg10, "SBV"), by=demo["sbv.focal"], percent=5, note="x")
    stale = client.post(_path(ubqg10, "progress/"), {"percent": 70, "note": "muộn"}, **{"If-Match": etag})
    assert stale.status_code == 412 and not _share(ubqg10, "MPS").progress_updates.exists()
    fresh = client.get(_path(ubqg10, "shares/MPS/"))["ETag"]
    assert (
        client.post(_path(ubqg10, "progress/"), {"percent": 70, "note": "đúng"}, **{"If-Match": fresh}).status_code
        == 200
    )


def test_agency_filter_counts_a_share_as_the_agencys_own(ubqg10, api, demo):
    client = api(demo["viewer"])
    for role in ("involved", "lead"):
        rows = client.get("/api/v1/directives/", {"agency": "MPS", "agency_role": role, "limit": 100}).json()
        assert "UBQG-10/01" in {row["reference"] for row in rows["results"]}, role
    co_only = client.get("/api/v1/directives/", {"agency": "MOST", "agency_role": "lead", "limit": 100}).json()
    assert "DEMO-01" not in {row["reference"] for row in co_only["results"]}  # MOST co-ordinates DEMO-01
