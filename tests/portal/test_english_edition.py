"""The English edition says everything from the reference data in English: MPS, not BCA.

Every portal page is rendered in English on the fixtures and demo data and
searched for a Vietnamese-only label of the reference data: an agency's
Vietnamese abbreviation or name, a meeting's Vietnamese title, a pillar's or
committee's Vietnamese name. What people wrote (full texts, outcomes, deadlines as
written, progress notes) stays in its own language and is left out of the
search. The calendar feed and the reminder digest follow the same rule.
"""

import html
import re
import unicodedata

import pytest
from django.core.management import call_command
from django.test import Client

from dxtasks.accounts.models import User
from dxtasks.directives.demo import create_demo
from dxtasks.directives.models import COMMITTEE_SHORT, Agency, Committee, Directive, Meeting, Pillar, ProgressUpdate

FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json", "fixtures/directives.json"]


@pytest.fixture
def demo(db):
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    create_demo()


def vietnamese_only_labels() -> dict[str, str]:
    """label -> what it is, for every piece of reference data whose English differs."""
    labels = {}
    for agency in Agency.objects.all():
        if agency.short_name_vi != agency.short_name("en"):
            labels[agency.short_name_vi] = f"abbreviation of {agency.code}"
        if agency.name_vi != agency.name_en:
            labels[agency.name_vi] = f"name of {agency.code}"
    for meeting in Meeting.objects.exclude(title_en=""):
        labels[meeting.title_vi] = f"title of meeting {meeting.number}"
    from django.utils import translation

    with translation.override("vi"):
        for pillar in Pillar:
            labels[str(pillar.label)] = f"pillar {pillar.value}"
        for committee in Committee:
            labels[str(committee.label)] = f"committee {committee.value}"
            labels[str(COMMITTEE_SHORT[committee])] = f"committee {committee.value}, short"
    return labels


def written_by_people() -> list[str]:
    """Free text, shown as written, in whatever language it was written, and identifiers (VPCP-2844/01)."""
    texts = []
    for row in Directive.objects.values("reference", "full_text", "outcome", "deadline_text", "source_ref"):
        texts += [v for v in row.values() if v]
    # The official (Vietnamese) title is shown as written beside the English one: "Các bộ, ngành chủ động …".
    texts += list(Directive.objects.values_list("title_vi", flat=True))
    texts += list(ProgressUpdate.objects.values_list("note", flat=True))
    texts += [ref for ref in Meeting.objects.values_list("notice_ref", flat=True) if ref]  # "…/TB-VPCP"
    return sorted(set(texts), key=len, reverse=True)


def offending(page: str, labels: dict[str, str], free_text: list[str]) -> list[str]:
    for text in free_text:
        page = page.replace(html.escape(text), "").replace(text, "")
    page = html.unescape(page)
    page = re.sub(r"\b\d+[/-][A-ZĐ]+(?:[/-][A-ZĐ]+)*\b", "", page)  # document numbers: 552/TB-VPCP, 57-NQ/TW
    found = []
    for label, what in labels.items():
        if re.search(r"(?<![\w])" + re.escape(label) + r"(?![\w])", page):
            found.append(f"{label!r} ({what})")
    return found


def english_client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "en"
    return client


def portal_urls() -> list[str]:
    urls = [
        "/",
        "/directives/",
        "/directives/?agency=MPS",
        "/directives/?agency=ALL",
        "/directives/?q=du+lieu",
        "/meetings/",
        "/agencies/",
        "/subscribe/",
        "/import/",
        "/directives/new/",
        "/meetings/new/",
        "/accounts/password_change/",
    ]
    urls += [d.get_absolute_url() for d in Directive.objects.all()]
    urls += [f"/meetings/{m.number}/" for m in Meeting.objects.all()]
    involved = set(Directive.objects.values_list("lead_agency__code", flat=True))
    urls += [f"/agencies/{a.code}/" for a in Agency.objects.filter(code__in=involved | {"MIC", "HA-NOI"})]
    return urls


def test_every_page_in_english_names_agencies_meetings_and_pillars_in_english(demo):
    labels, free_text = vietnamese_only_labels(), written_by_people()
    assert "BCA" in labels and "NHNN" in labels and "Các bộ, tỉnh" in labels  # the check can see them
    client = english_client("secretariat")
    problems = {}
    for url in portal_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="en">' in page, url
        if found := offending(page, labels, free_text):
            problems[url] = found
    assert problems == {}, "Vietnamese labels in English pages:\n" + "\n".join(f"{u}: {p}" for u, p in problems.items())


def test_the_english_register_says_mps_where_the_vietnamese_says_bca(demo):
    english = english_client("secretariat").get("/directives/?agency=MPS").content.decode()
    assert ">MPS<" in english and ">BCA<" not in english
    vietnamese = Client()
    vietnamese.force_login(User.objects.get(username="secretariat"))
    assert ">BCA<" in vietnamese.get("/directives/?agency=MPS").content.decode()


def test_the_language_switch_names_each_language_in_itself(demo):
    for language in ["vi", "en"]:
        client = english_client("viewer")
        client.cookies["django_language"] = language
        page = client.get("/").content.decode()
        switch = unicodedata.normalize("NFC", page[page.index('<select id="language-switch"') :].split("</select>")[0])
        assert '<option value="vi" lang="vi"' in switch and ">Tiếng Việt</option>" in switch
        assert ">English</option>" in switch and "Tiếng Anh" not in switch


def test_an_english_readers_feed_says_mps_and_a_vietnamese_readers_says_bca(demo):
    from dxtasks.calendars.tokens import issue_token

    owner = User.objects.get(username="mps.focal")
    mps = Agency.objects.get(code="MPS")
    assert Directive.objects.filter(lead_agency=mps, due_date__isnull=False).exists()
    for language, shown, hidden in [("en", "[MPS]", "[BCA]"), ("vi", "[BCA]", "[MPS]")]:
        User.objects.filter(pk=owner.pk).update(language=language)
        owner.refresh_from_db()
        issued = issue_token(owner=owner, kind="agency", agency=mps)
        feed = Client().get(f"/feeds/{issued.secret}.ics").content.decode()
        unfolded = feed.replace("\r\n ", "")
        assert shown in unfolded and hidden not in unfolded, language
        issued.feed.delete()
