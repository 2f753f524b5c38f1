"""The briefing URLs: login, bad input, PDF in the request, queued when large, stored and reused."""

import datetime

import pytest
from django.urls import reverse
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from dxtasks.briefings.models import StoredBriefing
from dxtasks.briefings.store import TASK_PATH
from dxtasks.briefings.tasks import build_stored_briefing
from dxtasks.directives import services
from dxtasks.directives.models import Directive

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_users_are_sent_to_the_login_page(client, seed_data):
    for url in (
        reverse("briefings:overall"),
        reverse("briefings:meeting", args=[7]),
        reverse("briefings:agency", args=["MPS"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not StoredBriefing.objects.exists()


def test_a_small_briefing_is_made_in_the_request_and_stored(staff_client, seed_data):
    response = staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "briefing-meeting-7-2025-07-01-vi.pdf" in response["Content-Disposition"]
    text = pdf_text(_body(response))
    assert "Ngân hàng Nhà nước Việt Nam" in text and "01/07/2025" in text
    stored = StoredBriefing.objects.get()
    assert (stored.kind, stored.scope, stored.as_of, stored.language) == (
        "meeting",
        "7",
        datetime.date(2025, 7, 1),
        "vi",
    )
    assert stored.state == StoredBriefing.State.READY and stored.page_count >= 3


def test_the_same_request_on_unchanged_data_returns_the_stored_file(staff_client, seed_data, user_factory):
    url = reverse("briefings:agency", args=["MIC"])
    first = _body(staff_client.get(url))
    stored = StoredBriefing.objects.get()
    stored.file.open("rb")
    on_disk = stored.file.read()
    stored.file.close()
    assert first == on_disk

    second = _body(staff_client.get(url))
    assert second == first  # byte for byte: the generation time inside did not change
    assert StoredBriefing.objects.count() == 1

    # A progress report changes the data: a new PDF, and the superseded one is dropped.
    services.record_progress(
        directive=Directive.objects.get(reference="UBQG-7/05"),
        by=user_factory(role="secretariat"),
        percent=40,
        note="Đã trình dự thảo",
    )
    third = _body(staff_client.get(url))
    assert "40% — Đã trình dự thảo" in pdf_text(third)
    assert "Đã trình dự thảo" not in pdf_text(first)
    assert StoredBriefing.objects.count() == 1
    assert StoredBriefing.objects.get().pk != stored.pk
    assert not stored.file.storage.exists(stored.file.name)


def test_another_language_or_date_is_another_briefing(staff_client, seed_data):
    url = reverse("briefings:meeting", args=[7])
    english = staff_client.get(url, {"as_of": "2025-07-01", "lang": "en"})
    assert "State Bank of Vietnam" in pdf_text(_body(english))
    staff_client.get(url, {"as_of": "2025-07-01", "lang": "vi"})
    staff_client.get(url, {"as_of": "2024-07-01", "lang": "vi"})
    assert StoredBriefing.objects.count() == 3


@pytest.mark.parametrize(
    "name, args, params, status",
    [
        ("briefings:meeting", [99], {}, 404),
        ("briefings:agency", ["NOPE"], {}, 404),
        ("briefings:overall", [], {"as_of": "2999-01-01"}, 400),
        ("briefings:overall", [], {"as_of": "2001-01-01"}, 400),
        ("briefings:overall", [], {"as_of": "31/02/2025"}, 400),
        ("briefings:overall", [], {"kind": "nope"}, 400),
        ("briefings:overall", [], {"kind": "agency", "agency": "NOPE"}, 400),
        ("briefings:overall", [], {"lang": "fr"}, 400),
        ("briefings:overall", [], {"from": "2025-06-01", "to": "2025-01-01", "as_of": "2025-07-01"}, 400),
    ],
)
def test_bad_requests_get_an_error_not_an_empty_pdf(staff_client, seed_data, name, args, params, status):
    response = staff_client.get(reverse(name, args=args), params)
    assert response.status_code == status
    assert response.get("Content-Type", "") != "application/pdf"
    assert not StoredBriefing.objects.exists()


@pytest.fixture
def large_threshold(settings):
    """Make the seed's meeting 7 (12 directives) count as large."""
    settings.BRIEFINGS_SYNC_LIMIT = 5


def test_a_large_briefing_is_queued_and_the_waiting_page_turns_into_the_download(
    staff_client, seed_data, large_threshold, monkeypatch
):
    monkeypatch.setattr(Conf, "SYNC", False)
    response = staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    stored = StoredBriefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("briefings:stored", args=[stored.pk])
    assert stored.state == StoredBriefing.State.PENDING and stored.directive_count == 12
    assert OrmQ.objects.count() == 1  # on the ORM broker, for a qcluster worker

    waiting = staff_client.get(response["Location"])
    assert waiting.status_code == 200
    assert waiting["Refresh"] == "3"
    assert "Đang chuẩn bị báo cáo" in waiting.content.decode()

    # Asking again while it is queued queues nothing more.
    staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert OrmQ.objects.count() == 1

    build_stored_briefing(stored.pk)  # what the worker runs

    done = staff_client.get(response["Location"])
    assert done.status_code == 302
    assert done["Location"] == reverse("briefings:download", args=[stored.pk])
    pdf = staff_client.get(done["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert "UBQG-7/08" in pdf_text(_body(pdf))


def test_the_queued_path_runs_through_django_q_in_sync_mode(staff_client, seed_data, large_threshold, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)
    response = staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert response.status_code == 200  # the task ran inline, so the PDF is there at once
    assert "Hoàn thành quá hạn" in pdf_text(_body(response))
    stored = StoredBriefing.objects.get()
    task = Task.objects.get(func=TASK_PATH)
    assert task.success and task.args == (stored.pk,)
    assert stored.task_id == task.id
    # The stored file is reused: no second task.
    staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert Task.objects.filter(func=TASK_PATH).count() == 1


def test_a_failed_task_shows_an_error_page_with_a_way_to_retry(staff_client, seed_data, large_threshold, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)
    staff_client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    stored = StoredBriefing.objects.get()
    StoredBriefing.objects.filter(pk=stored.pk).update(state=StoredBriefing.State.FAILED, error="boom")
    page = staff_client.get(reverse("briefings:stored", args=[stored.pk]))
    assert page.status_code == 500
    assert "Không lập được báo cáo" in page.content.decode()
    assert reverse("briefings:meeting", args=[7]) + "?as_of=01%2F07%2F2025" in page.content.decode()
    assert staff_client.get(reverse("briefings:download", args=[stored.pk])).status_code == 404
