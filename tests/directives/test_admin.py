"""The admin lists every model with derived status, and edits through the services."""

import pytest
from django.urls import reverse

from dxtasks.directives.models import DeadlineChange, Directive

pytestmark = pytest.mark.django_db

MODELS = [
    "agency",
    "meeting",
    "directive",
    "progressupdate",
    "deadlinechange",
    "statechange",
    "agencytransfer",
    "extensionrequest",
]


@pytest.fixture
def admin_client(client, django_user_model, seed_data):
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.vn", "x" * 12, role="secretariat")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_renders_and_searches(admin_client, model):
    url = reverse(f"admin:directives_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "bao ve"}).status_code == 200


def test_directive_list_shows_the_derived_status_and_filters_by_it(admin_client):
    url = reverse("admin:directives_directive_changelist")
    response = admin_client.get(url, {"status": "completed_late"})
    body = response.content.decode()
    assert "UBQG-7/07" in body and "Hoàn thành quá hạn" in body
    assert "UBQG-7/05" not in body  # the MIC inspection mechanism: still open


def test_directive_page_shows_history_inline(admin_client):
    directive = Directive.objects.get(reference="UBQG-7/07")
    response = admin_client.get(reverse("admin:directives_directive_change", args=[directive.pk]))
    assert response.status_code == 200
    assert "báo cáo tiến độ" in response.content.decode().lower()


def test_editing_the_deadline_in_the_admin_goes_through_the_service(admin_client):
    directive = Directive.objects.get(reference="UBQG-7/05")
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "deadline_text": "quý III/2024",
            "co_agencies": [a.pk for a in directive.co_agencies.all()],
            "lead_agency": directive.lead_agency_id,
            "meeting": directive.meeting_id,
        }
    )
    for prefix in (
        "shares",
        "changes",
        "progress_updates",
        "deadline_changes",
        "state_changes",
        "agency_transfers",
        "extension_requests",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    directive.refresh_from_db()
    assert str(directive.due_date) == "2024-09-30" and directive.version == 2
    assert DeadlineChange.objects.filter(directive=directive, new_deadline_text="quý III/2024").exists()
