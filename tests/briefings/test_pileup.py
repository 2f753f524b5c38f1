"""Briefing pile-up: only canonical briefings are kept; custom ones are made on the fly or capped; one job per scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from dxtasks.briefings import store
from dxtasks.briefings.models import StoredBriefing
from dxtasks.directives import services
from dxtasks.directives.models import Directive

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db
MEETING_7 = reverse("briefings:meeting", args=[7])


def test_custom_dates_are_made_on_the_fly_and_not_stored(staff_client, seed_data):
    # Before: every distinct as_of made and kept one more file (20 requests, 20 files).
    days = ["2025-07-09", "2025-07-10", "2025-07-11", "2025-07-14", "2025-08-12", "2025-09-17"]
    for day in days:
        response = staff_client.get(MEETING_7, {"as_of": day})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f"briefing-meeting-7-{day}-vi.pdf" in response["Content-Disposition"]
    assert "17/09/2025" in pdf_text(response.content)
    assert not StoredBriefing.objects.exists()


def test_a_custom_period_is_not_stored_either(staff_client, seed_data):
    response = staff_client.get(
        reverse("briefings:overall"), {"as_of": "2025-07-01", "from": "2025-03-01", "to": "2025-05-31"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not StoredBriefing.objects.exists()


@pytest.mark.parametrize("as_of", ["2025-06-30", "2025-07-01", "2024-02-29"])
def test_month_ends_and_starts_are_stored(staff_client, seed_data, as_of):
    assert staff_client.get(MEETING_7, {"as_of": as_of}).status_code == 200
    assert StoredBriefing.objects.get().as_of == datetime.date.fromisoformat(as_of)


@pytest.fixture
def large(settings, monkeypatch):
    settings.BRIEFINGS_SYNC_LIMIT = 5  # meeting 7's 12 directives go to a worker
    settings.BRIEFINGS_CUSTOM_PER_DAY = 2
    monkeypatch.setattr(Conf, "SYNC", False)


def test_large_custom_briefings_are_capped_per_user_per_day(staff_client, seed_data, large, client, user_factory):
    assert staff_client.get(MEETING_7, {"as_of": "2025-07-09"}).status_code == 302
    assert staff_client.get(MEETING_7, {"as_of": "2025-07-10"}).status_code == 302
    refused = staff_client.get(MEETING_7, {"as_of": "2025-07-11"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert "Hôm nay bạn đã lập 2 báo cáo lớn" in refused.content.decode()
    # What was asked before is still there, canonical ones are not capped, other users have their own cap.
    assert staff_client.get(MEETING_7, {"as_of": "2025-07-10"}).status_code == 302
    assert staff_client.get(MEETING_7, {"as_of": "2025-07-01"}).status_code == 302
    client.force_login(user_factory(username="someone-else"))
    assert client.get(MEETING_7, {"as_of": "2025-07-11"}).status_code == 302
    assert OrmQ.objects.count() == 4


def test_one_job_per_scope_even_when_the_data_changes_meanwhile(staff_client, seed_data, large, user_factory):
    first = staff_client.get(MEETING_7, {"as_of": "2025-07-01"})
    assert OrmQ.objects.count() == 1
    services.record_progress(
        directive=Directive.objects.get(reference="UBQG-7/05"),
        by=user_factory(role="secretariat"),
        percent=40,
        note="Đã trình dự thảo",
    )
    again = staff_client.get(MEETING_7, {"as_of": "2025-07-01"})
    assert again["Location"] == first["Location"]
    assert OrmQ.objects.count() == 1 and StoredBriefing.objects.count() == 1


def test_a_row_is_queued_once_however_many_requests_claim_it(seed_data, large):
    from dxtasks.briefings.content import make_spec

    spec = make_spec(kind="meeting", scope="7", as_of=datetime.date(2025, 7, 1), language="vi")
    stored = StoredBriefing.objects.create(
        kind="meeting",
        scope="7",
        as_of=spec.as_of,
        language="vi",
        period_key=spec.period_key,
        fingerprint="x",
        requested_at=timezone.now(),
    )
    for _ in range(3):
        store.enqueue(StoredBriefing.objects.get(pk=stored.pk), directive_count=12)
    assert OrmQ.objects.count() == 1


def test_briefings_no_longer_canonical_are_dropped_when_their_scope_is_made_again(staff_client, seed_data):
    yesterday = timezone.now() - datetime.timedelta(days=1)

    def old(as_of):
        return StoredBriefing.objects.create(
            kind="meeting",
            scope="7",
            as_of=as_of,
            language="vi",
            period_key="/",
            fingerprint=f"old-{as_of}",
            state=StoredBriefing.State.READY,
            requested_at=yesterday,
            finished_at=yesterday,
        )

    mid_month, month_end = old(datetime.date(2025, 7, 15)), old(datetime.date(2025, 6, 30))
    assert staff_client.get(MEETING_7, {"as_of": "2025-07-01"}).status_code == 200
    remaining = set(StoredBriefing.objects.values_list("as_of", flat=True))
    assert mid_month.as_of not in remaining
    assert {month_end.as_of, datetime.date(2025, 7, 1)} <= remaining
