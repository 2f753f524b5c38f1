"""The preferences page lists exactly the directives whose reminders the sweep sends to that address."""

import re

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.reminders.models import Delivery, Kind, Outcome, RecipientPreference
from dxtasks.reminders.preferences import preferences_token
from tests.conftest import merge

from .conftest import day

pytestmark = pytest.mark.django_db

QUAN = "quan@bca.example.gov.vn"  # owns single-lead directives of MPS
BINH = "binh@bca.example.gov.vn"  # another focal point of MPS, owner of a collective directive only
MPS_CONTACT = "dau-moi@bca.example.gov.vn"
MPS_LEADERSHIP = "lanh-dao@bca.example.gov.vn"
GONE = "cu@bca.example.gov.vn"  # an owner whose account was deactivated
LAN = "lan@nhnn.example.gov.vn"  # SBV's focal point: owner of SBV's share
SBV_CONTACT = "dau-moi@nhnn.example.gov.vn"
MIC_CONTACT = "dau-moi@mic.example.gov.vn"  # co-ordinates OWN-1; MIC's share has no focal point
OLD_CONTACT = "dau-moi@old.example.gov.vn"  # a province merged after its directive was given
NEW_CONTACT = "dau-moi@new.example.gov.vn"  # its successor
EVERYONE = [QUAN, BINH, MPS_CONTACT, MPS_LEADERSHIP, GONE, LAN, SBV_CONTACT, MIC_CONTACT, OLD_CONTACT, NEW_CONTACT]
SWEEP_DAY = day("2025-03-12")


@pytest.fixture
def mix(directive_due, directive_factory, agency_factory, user_factory, lead, owner, secretariat):
    """Directives due on the sweep day, addressed every way the rule distinguishes; their ids by reference."""
    sbv = agency_factory(code="SBV", short_name_vi="NHNN", contact_email=SBV_CONTACT)
    mic = agency_factory(code="MIC", short_name_vi="BTTTT", contact_email=MIC_CONTACT)
    old = agency_factory(code="OLD", kind="province", contact_email=OLD_CONTACT)
    new = agency_factory(code="NEW", kind="province", contact_email=NEW_CONTACT)
    agency_factory(code="EACH", kind="other")  # the group a collective directive is led by
    binh = user_factory(role=Role.FOCAL_POINT, agency=lead, username="binh", email=BINH)
    gone = user_factory(role=Role.FOCAL_POINT, agency=lead, username="cu", email=GONE, is_active=False)
    user_factory(role=Role.FOCAL_POINT, agency=sbv, username="lan", email=LAN)
    made = {
        "OWN-1": directive_due(SWEEP_DAY, reference="OWN-1", co_agencies=[mic]),
        "MUTED-1": directive_due(SWEEP_DAY, reference="MUTED-1"),
        "SUBMITTED-1": directive_due(SWEEP_DAY, reference="SUBMITTED-1"),
        "NO-OWNER-1": directive_due(SWEEP_DAY, reference="NO-OWNER-1", owner=None),
        "GONE-1": directive_due(SWEEP_DAY, reference="GONE-1", owner=gone),
        "MERGED-1": directive_factory(
            lead=old, reference="MERGED-1", deadline_text="12/03/2025", assigned_on=day("2025-01-02")
        ),
        "COL-1": services.create_directive(
            by=secretariat,
            reference="COL-1",
            title_vi="Mỗi cơ quan",
            share_agencies=[sbv, mic],
            owner=binh,
            deadline_text="12/03/2025",
            assigned_on=day("2025-01-02"),
        ),
    }
    merge(old, new)
    services.submit_for_review(directive=made["SUBMITTED-1"], by=owner)
    RecipientPreference.objects.create(email=QUAN).muted.set([made["MUTED-1"]])
    return {reference: directive.pk for reference, directive in made.items()}


def page(client, email) -> tuple[set[int], set[int]]:
    """The directives the address's preferences page offers to mute, and those already muted."""
    content = client.get(f"/reminders/preferences/{preferences_token(email)}/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="muted" value="(\d+)"[^>]*>', content)
    checked = re.findall(r'<input type="checkbox" name="muted" value="(\d+)"[^>]*\bchecked\b[^>]*>', content)
    return {int(pk) for pk in boxes}, {int(pk) for pk in checked}


def sent_by_the_sweep(sweep) -> dict[str, set[int]]:
    """The owner reminders (not escalations) the sweep sent, directive ids by recipient."""
    sweep(SWEEP_DAY)
    sent: dict[str, set[int]] = {}
    rows = Delivery.objects.filter(outcome=Outcome.SENT, notification__isnull=True).exclude(kind=Kind.ESCALATION)
    for recipient, directive_id in rows.values_list("recipient", "directive_id"):
        sent.setdefault(recipient, set()).add(directive_id)
    return sent


def test_each_address_s_page_lists_what_the_sweep_sends_it_and_what_it_muted(mix, sweep, client):
    sent = sent_by_the_sweep(sweep)
    for email in EVERYONE:
        listed, muted = page(client, email)
        assert muted <= listed, email
        assert listed - muted == sent.get(email, set()), email
    ids = {pk: reference for reference, pk in mix.items()}

    def references(email):
        return sorted(ids[pk] for pk in page(client, email)[0])

    # What the rule says, spelled out: the owner; the lead's contact when there is no owner who can
    # receive mail; a share's owner, else its agency's contact; the merged agency's contact until its
    # directive is moved to the successor. Submitted directives, co-ordinating agencies, the owner of a
    # collective directive, other focal points and the leadership get no owner reminder.
    assert references(QUAN) == ["MUTED-1", "OWN-1"] and page(client, QUAN)[1] == {mix["MUTED-1"]}
    assert sent[QUAN] == {mix["OWN-1"]}
    assert references(MPS_CONTACT) == ["GONE-1", "NO-OWNER-1"]
    assert references(LAN) == ["COL-1"] and references(MIC_CONTACT) == ["COL-1"]
    assert references(OLD_CONTACT) == ["MERGED-1"]
    for nobody in (BINH, MPS_LEADERSHIP, GONE, SBV_CONTACT, NEW_CONTACT):
        assert references(nobody) == [], nobody
        assert nobody not in sent


def test_an_address_stored_in_capitals_is_the_same_recipient(mix, lead, sweep, client):
    type(lead).objects.filter(pk=lead.pk).update(contact_email=MPS_CONTACT.upper())
    assert page(client, MPS_CONTACT)[0] == {mix["NO-OWNER-1"], mix["GONE-1"]}
    assert sent_by_the_sweep(sweep)[MPS_CONTACT] == {mix["NO-OWNER-1"], mix["GONE-1"]}
