"""Calendar feeds follow the shares: an agency's and a focal point's feeds show their shares as events."""

import datetime

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import Agency

from .conftest import events

D = datetime.date
pytestmark = pytest.mark.django_db
HOST = "testserver"


@pytest.fixture
def setup(seed_data, user_factory):
    secretariat = user_factory(Role.SECRETARIAT, username="sec")
    mps, sbv = Agency.objects.get(code="MPS"), Agency.objects.get(code="SBV")
    focal = user_factory(Role.FOCAL_POINT, agency=mps, username="mpsfp")
    directive = services.create_directive(
        by=secretariat,
        reference="EACH-F1",
        title_vi="Mỗi bộ rà soát",
        share_agencies=[mps, sbv],
        deadline_text="trong năm 2030",
        assigned_on=D(2025, 8, 1),
    )
    return secretariat, focal, directive, mps, sbv


def test_mine_and_agency_feeds_show_the_share_with_its_own_uid(setup, issue, fetch):
    secretariat, focal, directive, mps, sbv = setup
    mine = events(fetch(issue(focal).secret))
    uid = f"{directive.public_id}-MPS@{HOST}"
    assert uid in mine and f"{directive.public_id}@{HOST}" not in mine
    assert f"{directive.public_id}-SBV@{HOST}" not in mine
    assert "[BCA]" in str(mine[uid]["SUMMARY"]) and "share=MPS" in str(mine[uid]["URL"])
    agency = events(fetch(issue(focal, kind="agency", agency=sbv).secret))
    assert f"{directive.public_id}-SBV@{HOST}" in agency
    # The secretariat's "all" feed shows the directive once.
    everything = events(fetch(issue(secretariat, kind="all").secret))
    assert f"{directive.public_id}@{HOST}" in everything and f"{directive.public_id}-MPS@{HOST}" not in everything


def test_the_sequence_bumps_when_that_shares_due_date_changes(setup, issue, fetch):
    secretariat, focal, directive, mps, sbv = setup
    token = issue(focal, kind="agency", agency=mps).secret
    sbv_token = issue(focal, kind="agency", agency=sbv).secret
    uid, sbv_uid = f"{directive.public_id}-MPS@{HOST}", f"{directive.public_id}-SBV@{HOST}"
    before = events(fetch(token))[uid]
    services.change_deadline(
        directive=directive,
        share=directive.shares.get(agency=mps),
        approved_by=secretariat,
        new_due=D(2031, 6, 30),
        reason="gia hạn",
    )
    after = events(fetch(token))[uid]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == D(2031, 6, 30)
    assert int(events(fetch(sbv_token))[sbv_uid]["SEQUENCE"]) == int(before["SEQUENCE"])
