"""Who sees what: decided by the token owner's rights at each request."""

import hashlib

import pytest
from django.contrib.auth import get_user_model

from dxtasks.accounts.models import Role
from dxtasks.calendars import tokens
from dxtasks.directives.models import Meeting

from .conftest import events, feed_path


@pytest.fixture
def agencies(agency_factory):
    return {code: agency_factory(code=code, short_name_vi=code) for code in ("MPS", "SBV", "MOF")}


@pytest.fixture
def directives(agencies, directive_factory):
    return {
        "mps_led": directive_factory(lead=agencies["MPS"], deadline_text="30/06/2031"),
        "sbv_led_mps_co": directive_factory(
            lead=agencies["SBV"], co_agencies=[agencies["MPS"]], deadline_text="30/06/2031"
        ),
        "sbv_only": directive_factory(lead=agencies["SBV"], deadline_text="30/06/2031"),
        "mof_only": directive_factory(lead=agencies["MOF"], co_agencies=[agencies["SBV"]], deadline_text="30/06/2031"),
    }


def uids(response) -> set[str]:
    return {uid.split("@")[0] for uid in events(response)}


def test_focal_point_sees_own_agency_and_co_ordinated_only(user_factory, agencies, directives, issue, fetch):
    focal = user_factory(role=Role.FOCAL_POINT, agency=agencies["MPS"])
    seen = uids(fetch(issue(focal).secret))
    assert seen == {str(directives["mps_led"].public_id), str(directives["sbv_led_mps_co"].public_id)}


def test_owned_directive_of_another_agency_is_in_my_feed(user_factory, agencies, directive_factory, issue, fetch):
    focal = user_factory(role=Role.FOCAL_POINT, agency=agencies["MPS"])
    owned = directive_factory(lead=agencies["MOF"], owner=focal, deadline_text="30/06/2031")
    assert uids(fetch(issue(focal).secret)) == {str(owned.public_id)}


def test_focal_point_who_moves_agency_stops_seeing_the_old_one(user_factory, agencies, directives, issue, fetch):
    focal = user_factory(role=Role.FOCAL_POINT, agency=agencies["MPS"])
    secret = issue(focal).secret
    assert str(directives["mps_led"].public_id) in uids(fetch(secret))
    focal.agency = agencies["MOF"]
    focal.save()
    assert uids(fetch(secret)) == {str(directives["mof_only"].public_id)}


def test_agency_feed_lists_lead_and_co_ordinated_for_any_active_user(user_factory, agencies, directives, issue, fetch):
    viewer = user_factory(role=Role.VIEWER)
    seen = uids(fetch(issue(viewer, "agency", agency=agencies["SBV"]).secret))
    assert seen == {str(directives[k].public_id) for k in ("sbv_led_mps_co", "sbv_only", "mof_only")}


def test_meeting_feed_lists_that_meeting_only(user_factory, agencies, directive_factory, issue, fetch):
    import datetime

    meeting = Meeting.objects.create(
        committee="ncdt", number=7, date=datetime.date(2023, 12, 28), title_vi="Phiên họp thứ 7", title_en="7th meeting"
    )
    at_meeting = directive_factory(lead=agencies["MPS"], meeting=meeting, deadline_text="31/12/2031")
    directive_factory(lead=agencies["MPS"], deadline_text="31/12/2031")
    viewer = user_factory()
    response = fetch(issue(viewer, "meeting", meeting=meeting).secret)
    assert uids(response) == {str(at_meeting.public_id)}
    assert "Phiên họp thứ 7" in str(response.ical["X-WR-CALNAME"])


def test_all_feed_is_for_the_secretariat_at_request_time(user_factory, agencies, directives, issue, fetch):
    secretary = user_factory(role=Role.SECRETARIAT)
    secret = issue(secretary, "all").secret
    assert len(uids(fetch(secret))) == 4
    secretary.role = Role.VIEWER
    secretary.save()
    assert fetch(secret).status_code == 404


def test_only_the_secretariat_may_issue_an_all_feed(user_factory, agency_factory):
    for user in (user_factory(role=Role.VIEWER), user_factory(role=Role.FOCAL_POINT, agency=agency_factory())):
        with pytest.raises(tokens.FeedTokenError):
            tokens.issue_token(owner=user, kind="all")


def test_revoked_unknown_and_malformed_tokens_answer_the_same_404(user_factory, issue, client):
    user = user_factory()
    issued = issue(user)
    tokens.revoke_token(feed=issued.feed)
    answers = [
        client.get(feed_path(issued.secret)),
        client.get(feed_path("A" * 43)),
        client.get(feed_path("not-a-token")),
        client.get(feed_path("A" * 42 + "!")),
        client.get(feed_path("A" * 500)),
    ]
    assert [r.status_code for r in answers] == [404] * 5
    assert {r.content.decode() for r in answers} == {"Không tìm thấy lịch. / Calendar not found.\n"}


def test_deactivated_and_deleted_owners_tokens_answer_404(user_factory, issue, fetch):
    leaving = user_factory()
    deleted = user_factory()
    leaving_secret, deleted_secret = issue(leaving).secret, issue(deleted).secret
    assert fetch(leaving_secret).status_code == 200
    leaving.is_active = False
    leaving.save()
    get_user_model().objects.filter(pk=deleted.pk).delete()
    assert fetch(leaving_secret).status_code == 404
    assert fetch(deleted_secret).status_code == 404


def test_a_reactivated_user_gets_no_old_link_back(user_factory, issue, fetch):
    from dxtasks.calendars.models import FeedToken

    leaving = user_factory()
    secret = issue(leaving).secret
    assert fetch(secret).status_code == 200
    leaving.is_active = False
    leaving.save()
    assert FeedToken.objects.get(owner=leaving).revoked_at is not None
    leaving.is_active = True
    leaving.save()
    assert fetch(secret).status_code == 404
    assert not FeedToken.objects.filter(owner=leaving, revoked_at__isnull=True).exists()


def test_the_migration_revokes_tokens_of_users_already_inactive(user_factory, issue):
    import importlib

    from django.apps import apps

    from dxtasks.calendars.models import FeedToken

    gone, staying = user_factory(), user_factory()
    issue(gone), issue(staying)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)  # deactivated before the signal existed
    importlib.import_module("dxtasks.calendars.migrations.0003_revoke_inactive_users_tokens").revoke(apps, None)
    assert FeedToken.objects.get(owner=gone).revoked_at is not None
    assert FeedToken.objects.get(owner=staying).revoked_at is None


def test_token_is_stored_only_as_a_digest(user_factory, issue):
    issued = issue(user_factory())
    assert len(issued.secret) >= 43  # 256 random bits in base64url
    stored = type(issued.feed).objects.get(pk=issued.feed.pk)
    assert issued.secret not in (stored.token_hash, stored.hint, stored.scope_key)
    # The stored digest is SHA-256 of the secret, computed here independently of the code under test.
    assert stored.token_hash == hashlib.sha256(issued.secret.encode()).hexdigest() and stored.hint == issued.secret[-4:]


def test_issuing_again_replaces_the_active_token_of_that_scope(user_factory, issue, fetch):
    user = user_factory()
    first = issue(user)
    second = issue(user)
    assert fetch(first.secret).status_code == 404
    assert fetch(second.secret).status_code == 200
    assert type(first.feed).objects.filter(owner=user, revoked_at__isnull=True).count() == 1
