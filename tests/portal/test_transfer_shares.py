"""A merged agency's shares follow the chosen transfer (#9 item 5), through the agency page as the secretariat does it:
only the directives chosen move, each share with its whole history, owned by the successor's focal point, who is told."""

import datetime

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import Agency, AgencyTransfer, Event, EventKind
from tests.conftest import merge

from .conftest import client_for

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(seed_data, user_factory):
    """The seed data's MIC (merged into MOST on 01/03/2025), its focal point, MOST's, and two shares of MIC."""
    mic, most, mps = (Agency.objects.get(code=code) for code in ("MIC", "MOST", "MPS"))
    merged_on = mic.succeeded_on
    # The shares were given before MIC merged (a merged agency takes no new directive): un-merge, give, merge again.
    Agency.objects.filter(pk=mic.pk).update(active=True, successor=None, succeeded_on=None)
    mic.refresh_from_db()
    people = {
        "sec": user_factory(Role.SECRETARIAT, username="sec", email="sec@example.gov.vn"),
        "mic": user_factory(Role.FOCAL_POINT, agency=mic, username="mic.focal", email="mic@example.gov.vn"),
        "most": user_factory(Role.FOCAL_POINT, agency=most, username="most.focal", email="most@example.gov.vn"),
    }
    with_mic = [
        services.create_directive(
            by=people["sec"],
            reference=f"EACH-{n}",
            title_vi=f"Mỗi bộ làm việc {n}",
            share_agencies=[mic, mps],
            deadline_text="trong năm 2030",
            assigned_on=D(2024, 8, 1),
        )
        for n in (1, 2)
    ]
    merge(mic, most, on=merged_on)
    return people, with_mic


def test_only_the_chosen_shares_move_with_their_history_and_the_successors_focal_point_is_told(merged):
    people, (moved, kept) = merged
    sec = people["sec"]
    share = moved.shares.get(agency__code="MIC")
    services.record_progress(directive=moved, share=share, by=people["mic"], percent=40, note="Đang dự thảo")
    request = services.request_extension(
        directive=moved, share=share, by=people["mic"], proposed_due=D(2031, 6, 30), reason="Chờ sáp nhập"
    )
    services.decide_extension(request=request, by=sec, approve=True)
    before = Event.objects.count()

    client = client_for(sec)
    page = client.get("/agencies/MIC/").content.decode()
    assert f'value="{moved.public_id}"' in page and f'value="{kept.public_id}"' in page
    response = client.post("/agencies/MIC/transfer/", {"directives": [str(moved.public_id)], "reason": ""})
    assert response.status_code == 302

    share.refresh_from_db()
    assert share.agency.code == "MOST" and share.owner == people["most"]
    # Its history came along: the report, the decided request, the deadline it was given.
    assert list(share.progress_updates.values_list("percent", flat=True)) == [40]
    assert share.extension_requests.get().decision == "approved"
    assert share.due_date == D(2031, 6, 30) and share.deadline_changes.count() == 1
    transfer = AgencyTransfer.objects.get(directive=moved)
    assert (transfer.role, transfer.from_agency.code, transfer.to_agency.code) == ("share", "MIC", "MOST")
    # The directive not chosen keeps MIC's share.
    assert kept.shares.filter(agency__code="MIC").exists() and not kept.shares.filter(agency__code="MOST").exists()
    # MOST's focal point hears of the share handed over (not MIC's, not the group).
    [event] = Event.objects.all()[: Event.objects.count() - before]
    assert event.kind == EventKind.ASSIGNED and event.share == share
    assert list(event.notifications.values_list("user__username", flat=True)) == ["most.focal"]


def test_a_closed_share_is_not_transferred_and_nothing_moves(merged):
    people, (moved, kept) = merged
    share = kept.shares.get(agency__code="MIC")
    services.complete_directive(directive=kept, share=share, by=people["sec"], completed_on=D(2025, 2, 1))
    client = client_for(people["sec"])
    assert f'value="{kept.public_id}"' not in client.get("/agencies/MIC/").content.decode()
    with pytest.raises(services.DirectiveError, match="đã đóng"):
        services.transfer_to_successor(agency=share.agency, directives=[moved, kept], by=people["sec"])
    assert moved.shares.filter(agency__code="MIC").exists()  # all or nothing
    assert not AgencyTransfer.objects.exists()
