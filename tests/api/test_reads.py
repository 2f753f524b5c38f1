"""Reads: the register's filters, cursor pages, entity tags, a directive's history, reference data."""

import datetime

from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import Directive

from .conftest import directive_led_by, problem


def _refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def test_agency_filter_lead_or_involved(demo, api):
    client = api(demo["viewer"])
    # DEMO-01 is led by MPS with MOST co-ordinating.
    involved = _refs(client.get("/api/v1/directives/", {"agency": "MOST", "limit": 100}))
    led = _refs(client.get("/api/v1/directives/", {"agency": "MOST", "agency_role": "lead", "limit": 100}))
    assert "DEMO-01" in involved and "DEMO-01" not in led and led <= involved


def test_status_as_of_a_past_day_replays_the_history(demo, api):
    client = api(demo["viewer"])
    directive = Directive.objects.get(reference="UBQG-7/07")  # due 31/12/2024, completed 26/06/2025
    today = _refs(client.get("/api/v1/directives/", {"status": "completed_late", "limit": 100}))
    then = client.get("/api/v1/directives/", {"status": "overdue", "as_of": "2025-03-01", "limit": 100})
    assert directive.reference in today and directive.reference in _refs(then)
    assert all(row["status_as_of"] == "2025-03-01" for row in then.json()["results"])
    future = client.get(
        "/api/v1/directives/", {"as_of": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}
    )
    assert future.status_code == 422 and problem(future)["errors"][0]["field"] == "as_of"


def test_meeting_due_range_and_accent_free_search(demo, api):
    client = api(demo["viewer"])
    seventh = client.get("/api/v1/directives/", {"meeting": 7, "limit": 100}).json()["results"]
    assert seventh and all(row["meeting"] == 7 for row in seventh)
    ranged = client.get("/api/v1/directives/", {"due_from": "2024-01-01", "due_to": "2024-12-31", "limit": 100})
    assert all("2024-01-01" <= row["due_date"] <= "2024-12-31" for row in ranged.json()["results"])
    assert "UBQG-7/07" in _refs(client.get("/api/v1/directives/", {"q": "bao ve du lieu ca nhan"}))


def test_invalid_filters_are_refused_naming_the_field(demo, api):
    client = api(demo["viewer"])
    for params, field in [
        ({"agency": "NOPE"}, "agency"),
        ({"status": "late"}, "status"),
        ({"due_from": "31/12/2024"}, "due_from"),
        ({"meeting": 999}, "meeting"),
        ({"due_from": "2025-01-01", "due_to": "2024-01-01"}, "due_to"),
        ({"limit": 1000}, "limit"),
        ({"cursor": "bm9wZQ"}, "cursor"),
    ]:
        response = client.get("/api/v1/directives/", params)
        assert response.status_code == 422, (params, response.content)
        assert field in {e["field"] for e in problem(response)["errors"]}, (params, response.json())


def test_cursor_pages_cover_every_row_once_in_every_order(demo, api):
    client = api(demo["viewer"])
    total = Directive.objects.count()
    for sort in ["due", "reference", "-reference", "updated"]:
        seen, path, params = [], "/api/v1/directives/", {"limit": 4, "sort": sort}
        while True:
            page = client.get(path, params).json()
            seen += [row["reference"] for row in page["results"]]
            if not page["next"]:
                break
            path, params = page["next"], None
        assert len(seen) == len(set(seen)) == total, sort
        if sort == "reference":
            assert seen == sorted(seen)


def test_list_etag_gives_304_until_something_changes(demo, api):
    client = api(demo["viewer"])
    first = client.get("/api/v1/directives/", {"agency": "MPS"})
    etag = first["ETag"]
    again = client.get("/api/v1/directives/", {"agency": "MPS"}, **{"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    services.record_progress(directive=directive_led_by("MPS"), by=demo["mps.focal"], percent=70, note="tiếp")
    changed = client.get("/api/v1/directives/", {"agency": "MPS"}, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_detail_has_history_latest_progress_and_a_tag(demo, api):
    directive = directive_led_by("MPS")
    services.request_extension(
        directive=directive,
        by=demo["mps.focal"],
        proposed_due=directive.due_date + datetime.timedelta(days=90),
        reason="cần thêm",
    )
    client = api(demo["mps.focal"])
    response = client.get(f"/api/v1/directives/{directive.public_id}/")
    body = response.json()
    assert body["latest_progress"]["percent"] == 40 and body["history"]["progress"][0]["reported_by"] == "mps.focal"
    assert body["pending_extension"]["reason"] == "cần thêm" and body["permissions"]["report"] is True
    assert body["lead_agency"]["code"] == "MPS" and [a["code"] for a in body["co_agencies"]] == ["MOST"]
    assert (
        client.get(f"/api/v1/directives/{directive.public_id}/", **{"If-None-Match": response["ETag"]}).status_code
        == 304
    )
    assert client.get("/api/v1/directives/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_agencies_show_succession_both_ways(demo, api):
    client = api(demo["viewer"])
    mic = client.get("/api/v1/agencies/MIC/").json()
    assert mic["active"] is False and mic["successor"] == "MOST" and mic["succeeded_on"]
    most = client.get("/api/v1/agencies/MOST/").json()
    assert "MIC" in most["predecessors"]
    merged = client.get("/api/v1/agencies/", {"active": "false", "limit": 500}).json()["results"]
    assert merged and all(not a["active"] for a in merged)
    assert client.get("/api/v1/agencies/NOPE/").status_code == 404


def test_meetings_by_number(demo, api):
    client = api(demo["viewer"])
    numbers = [m["number"] for m in client.get("/api/v1/meetings/").json()["results"]]
    assert numbers == sorted(numbers) and 7 in numbers
    assert client.get("/api/v1/meetings/7/").json()["date"] == "2023-12-28"


def test_dates_are_iso_8601(demo, api):
    row = api(demo["viewer"]).get("/api/v1/directives/", {"q": "UBQG-7/07"}).json()["results"][0]
    datetime.date.fromisoformat(row["due_date"])
    assert datetime.datetime.fromisoformat(row["updated_at"]).tzinfo is not None
