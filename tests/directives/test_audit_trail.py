"""The audit trail: every write through the services leaves who changed what, old → new; a no-op leaves nothing."""

import datetime

import pytest
from django.urls import reverse

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import AgencyTransfer, Directive, DirectiveChange, Event, Meeting

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(user_factory):
    return user_factory(role=Role.SECRETARIAT, username="sec")


def _row(directive):
    return Directive.objects.values("updated_at", "version").get(pk=directive.pk)


def test_creating_records_the_first_values_and_who(agency_factory, user_factory, secretariat):
    lead, co = agency_factory("LEADA"), agency_factory("COA")
    owner = user_factory(role=Role.FOCAL_POINT, agency=lead, username="owner1")
    meeting = Meeting.objects.create(committee="ncdt", number=7, session_number=7, date=D(2023, 12, 28), title_vi="x")
    directive = services.create_directive(
        by=secretariat,
        reference="UBQG-7/09",
        title_vi="Tên",
        lead_agency=lead,
        co_agencies=[co],
        owner=owner,
        meeting=meeting,
        pillar="economy",
        deadline_text="quý II/2024",
        assigned_on=D(2023, 12, 28),
    )
    change = DirectiveChange.objects.get(directive=directive)
    assert (change.action, change.changed_by, change.changed_at) == ("created", secretariat, directive.created_at)
    assert {
        k: change.changes[k] for k in ("reference", "lead_agency", "co_agencies", "owner", "meeting", "pillar")
    } == {
        "reference": "UBQG-7/09",
        "lead_agency": "LEADA",
        "co_agencies": ["COA"],
        "owner": "owner1",
        "meeting": 7,
        "pillar": "economy",
    }


def test_each_edited_field_is_recorded_old_and_new(directive_factory, agency_factory, user_factory, secretariat):
    directive = directive_factory(title_vi="Cũ")
    new_lead, co1, co2 = agency_factory("NEWL"), agency_factory("CO1"), agency_factory("CO2")
    owner = user_factory(role=Role.FOCAL_POINT, agency=new_lead, username="owner2")
    old_lead = directive.lead_agency.code
    services.update_directive(
        directive=directive,
        by=secretariat,
        title_vi="Mới",
        owner=owner,
        lead_agency=new_lead,
        pillar="society",
        reference="R-NEW",
        co_agencies=[co2, co1, new_lead],  # the lead is never its own co-ordinating agency
    )
    change = DirectiveChange.objects.get(directive=directive, action="edited")
    assert change.changed_by == secretariat
    assert change.changes == {
        "title_vi": ["Cũ", "Mới"],
        "owner": [None, "owner2"],
        "lead_agency": [old_lead, "NEWL"],
        "pillar": ["cross", "society"],
        "reference": [directive.reference, "R-NEW"],
        "co_agencies": [[], ["CO1", "CO2"]],
    }
    directive.refresh_from_db()
    assert directive.version == 2 and set(directive.co_agencies.values_list("code", flat=True)) == {"CO1", "CO2"}
    # The lead's transfer stays recorded as before, at the audit row's own time.
    assert AgencyTransfer.objects.get(directive=directive).transferred_at == change.changed_at


def test_a_save_that_changes_nothing_writes_nothing(directive_factory, agency_factory, secretariat):
    co = agency_factory("COX")
    directive = directive_factory(title_vi="Giữ nguyên", co_agencies=[co])
    before, events = _row(directive), Event.objects.count()
    services.update_directive(
        directive=directive,
        by=secretariat,
        expected_updated_at=before["updated_at"],
        title_vi="Giữ nguyên",
        lead_agency=directive.lead_agency,
        owner=None,
        co_agencies=[co],
    )
    assert _row(directive) == before
    assert not DirectiveChange.objects.filter(action="edited").exists()
    assert Event.objects.count() == events


def test_only_the_changed_fields_are_saved(directive_factory, secretariat):
    directive = directive_factory(title_vi="A", full_text="giữ")
    Directive.objects.filter(pk=directive.pk).update(full_text="người khác sửa")  # behind this copy's back
    services.update_directive(directive=directive, by=secretariat, title_vi="B")
    directive.refresh_from_db()
    assert (directive.title_vi, directive.full_text) == ("B", "người khác sửa")


def test_co_ordinating_agencies_alone_move_updated_at_and_version(directive_factory, agency_factory, secretariat):
    directive = directive_factory()
    before = _row(directive)
    services.update_directive(directive=directive, by=secretariat, co_agencies=[agency_factory("COY")])
    after = _row(directive)
    assert after["updated_at"] > before["updated_at"] and after["version"] == before["version"] + 1
    assert DirectiveChange.objects.get(action="edited").changes == {"co_agencies": [[], ["COY"]]}


def test_a_share_owner_change_is_recorded_on_the_share_and_a_same_owner_is_nothing(
    agency_factory, user_factory, secretariat
):
    agency_factory("EACH", kind="other")  # the "each listed agency" group's pseudo-agency (reference data)
    a, b = agency_factory("SA"), agency_factory("SB")
    directive = services.create_directive(
        by=secretariat,
        reference="C-1",
        title_vi="Chung",
        share_agencies=[a, b],
        deadline_text="quý II/2030",
        assigned_on=D(2024, 1, 1),
    )
    assert DirectiveChange.objects.get(directive=directive).changes["shares"] == ["SA", "SB"]
    share = directive.shares.get(agency=a)
    person = user_factory(role=Role.FOCAL_POINT, agency=a, username="sa1")
    services.assign_share(share=share, by=secretariat, owner=person)
    change = DirectiveChange.objects.get(action="edited")
    assert (change.share, change.changes) == (share, {"owner": [None, "sa1"]})
    before = _row(directive)
    services.assign_share(share=share, by=secretariat, owner=person)
    assert DirectiveChange.objects.filter(action="edited").count() == 1 and _row(directive) == before


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.vn", "x" * 12, role="secretariat")
    client.force_login(admin)
    return client


def _admin_post(admin_client, directive, **changes):
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data["co_agencies"] = [a.pk for a in directive.co_agencies.all()]
    data["assigned_on"] = f"{directive.assigned_on:%Y-%m-%d}"
    for prefix in ("shares", "changes", "progress_updates", "deadline_changes", "state_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    for prefix in ("agency_transfers", "extension_requests"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return url


def test_an_admin_edit_of_co_ordinating_agencies_goes_through_the_service(
    admin_client, directive_factory, agency_factory
):
    directive = directive_factory()
    co = agency_factory("COZ")
    before = _row(directive)
    url = _admin_post(admin_client, directive, co_agencies=[co.pk])
    after = _row(directive)
    assert after["updated_at"] > before["updated_at"] and after["version"] == before["version"] + 1
    change = DirectiveChange.objects.get(action="edited")
    assert change.changes == {"co_agencies": [[], ["COZ"]]} and change.changed_by.username == "root"
    page = admin_client.get(url).content.decode()
    assert "COZ" in page and "thay đổi nhiệm vụ" in page.lower()  # the read-only audit inline


def test_an_unchanged_admin_save_writes_nothing(admin_client, directive_factory):
    directive = directive_factory()
    before = _row(directive)
    _admin_post(admin_client, directive)
    assert _row(directive) == before and not DirectiveChange.objects.filter(action="edited").exists()
