"""Bad input: a 4xx problem naming the field, never a 500, never a partial write."""

import json

import pytest

from dxtasks.directives import services
from dxtasks.directives.models import Directive

from .conftest import directive_led_by, problem


@pytest.fixture
def setting(demo, api):
    directive = directive_led_by("MPS")
    return directive, api(demo["secretariat"]), f"/api/v1/directives/{directive.public_id}/"


def _fields(response) -> set[str]:
    return {e["field"] for e in problem(response)["errors"]}


def _state(directive):
    return (
        Directive.objects.filter(pk=directive.pk).values().get(),
        directive.progress_updates.count(),
        directive.deadline_changes.count(),
        directive.co_agencies.count(),
        Directive.objects.count(),
    )


def test_malformed_json_is_400(setting):
    directive, client, path = setting
    response = client.post(path + "progress/", raw='{"percent": 10, "note": ')
    assert response.status_code == 400 and _fields(response) == {"body"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"percent": "50", "note": "x"}, "percent"),  # a string, not a number
        ({"percent": True, "note": "x"}, "percent"),
        ({"percent": 101, "note": "x"}, "percent"),
        ({"percent": 10, "note": 5}, "note"),
        ({"percent": 10}, "note"),  # missing
        ({"percent": 10, "note": "x", "evidence_url": "not a url"}, "evidence_url"),
        ({"percent": 10, "note": "x\u0000"}, "note"),
        ({"percent": 10, "note": "x", "percentage": 10}, "percentage"),  # unknown field
    ],
)
def test_wrong_types_unknown_and_missing_fields_are_422_naming_the_field(setting, body, field):
    directive, client, path = setting
    before = _state(directive)
    response = client.post(path + "progress/", body)
    assert response.status_code == 422 and field in _fields(response), response.content
    assert _state(directive) == before


def test_a_body_over_1_mb_is_413(setting):
    directive, client, path = setting
    response = client.post(path + "progress/", raw=json.dumps({"percent": 1, "note": "x" * (1024 * 1024 + 10)}))
    assert response.status_code == 413 and _fields(response) == {"body"}
    assert directive.progress_updates.count() == 1  # the demo's own report only


@pytest.mark.parametrize("text", ["trong quý V/2024", "31/2/2024", "khi nào xong"])
def test_a_deadline_the_parser_rejects_is_422_on_deadline_text(setting, text):
    directive, client, path = setting
    before = _state(directive)
    created = client.post(
        "/api/v1/directives/",
        {"reference": "X-1", "title_vi": "t", "lead_agency": "MPS", "deadline_text": text, "assigned_on": "2025-01-01"},
    )
    assert created.status_code == 422 and "deadline_text" in _fields(created), created.content
    edited = client.patch(path, {"title_vi": "Tên mới", "deadline_text": text, "deadline_reason": "lùi"})
    assert edited.status_code == 422 and "deadline_text" in _fields(edited)
    assert _state(directive) == before  # the valid title change was not saved either


def test_moving_the_deadline_needs_a_reason(setting):
    directive, client, path = setting
    response = client.patch(path, {"deadline_text": "trong năm 2031"})
    assert response.status_code == 422 and _fields(response) == {"deadline_reason"}
    moved = client.patch(path, {"deadline_text": "trong năm 2031", "deadline_reason": "Nghị quyết mới"})
    assert moved.status_code == 200 and moved.json()["due_date"] == "2031-12-31"
    assert moved.json()["history"]["deadline_changes"][0]["reason"] == "Nghị quyết mới"


def test_unknown_codes_are_named_and_nothing_is_created(setting):
    _directive, client, _path = setting
    before = Directive.objects.count()
    response = client.post(
        "/api/v1/directives/",
        {
            "reference": "X-2",
            "title_vi": "t",
            "lead_agency": "NOPE",
            "co_agencies": ["MPS", "ZZZ"],
            "deadline_text": "trong năm 2030",
            "assigned_on": "2025-01-01",
            "meeting": 999,
            "owner": "ghost",
        },
    )
    assert response.status_code == 422
    assert {"lead_agency", "co_agencies", "meeting", "owner"} <= _fields(response)
    assert Directive.objects.count() == before


def test_a_stale_if_match_is_412_and_writes_nothing(setting, demo):
    directive, client, path = setting
    etag = client.get(path)["ETag"]
    services.record_progress(directive=directive, by=demo["mps.focal"], percent=50, note="người khác")
    before = _state(directive)
    for method, suffix, body in [
        ("patch", "", {"title_vi": "Ghi đè"}),
        ("post", "progress/", {"percent": 60, "note": "muộn"}),
        ("post", "cancel/", {"reason": "muộn"}),
    ]:
        response = client.send(method, path + suffix, body, **{"If-Match": etag})
        assert response.status_code == 412 and _fields(response) == {"If-Match"}, response.content
        assert problem(response)["refusal"] == "stale_edit"
    assert _state(directive) == before
    fresh = client.get(path)["ETag"]
    assert client.patch(path, {"title_vi": "Sửa đúng"}, **{"If-Match": fresh}).status_code == 200


@pytest.mark.parametrize("etag", ['W/"123-abc"', "123-abc", '"abc"', '"99999999999999999999-x"'])
def test_a_malformed_if_match_is_412(setting, etag):
    _directive, client, path = setting
    assert client.patch(path, {"title_vi": "x"}, **{"If-Match": etag}).status_code == 412


def test_workflow_refusals_of_the_services_are_422_with_their_message_and_code(setting):
    directive, client, path = setting
    early = client.post(path + "extension/", {"proposed_due": "2020-01-01", "reason": "x"})
    assert early.status_code == 422 and "proposed_due" in _fields(early)
    assert problem(early)["refusal"] == "extension_date"  # the service's rule, not a field type
    wrong_state = client.post(path + "return/", {"note": "chưa gửi"})  # never submitted
    assert wrong_state.status_code == 422 and problem(wrong_state)["detail"]
    assert problem(wrong_state)["refusal"] == "transition" and problem(wrong_state)["type"].endswith("refused")
    badly_typed = client.post(path + "progress/", {"percent": "lots", "note": "x"})
    assert badly_typed.status_code == 422 and "refusal" not in problem(badly_typed)  # no rule refused: bad input
    assert client.post(path + "extension/", {"proposed_due": "31/12/2031", "reason": "x"}).status_code == 422


def test_unknown_paths_and_methods_are_not_500(setting):
    _directive, client, path = setting
    assert client.get("/api/v1/nothing/").status_code == 404 and problem(client.get("/api/v2/x"))["status"] == 404
    assert client.send("delete", path).status_code == 405
    assert client.get("/api/v1/directives/not-a-uuid/").status_code == 422


def test_withdrawing_twice_a_decided_or_an_unknown_request_writes_nothing(setting, demo, api):
    directive, _client, path = setting
    focal = api(demo["mps.focal"])
    request = services.request_extension(
        directive=directive,
        by=demo["mps.focal"],
        proposed_due=directive.due_date.replace(year=directive.due_date.year + 1),
        reason="thêm",
    )
    assert focal.post(f"{path}extension/{request.pk}/withdraw/").status_code == 200
    again = focal.post(f"{path}extension/{request.pk}/withdraw/")
    assert again.status_code == 422 and problem(again)["detail"] and problem(again)["refusal"] == "already_decided"
    assert focal.post(f"{path}extension/999999/withdraw/").status_code == 404
    other = Directive.objects.exclude(pk=directive.pk).first()
    assert focal.post(f"/api/v1/directives/{other.public_id}/extension/{request.pk}/withdraw/").status_code == 404
    request.refresh_from_db()
    assert request.decision == "withdrawn" and request.decided_by == demo["mps.focal"]
