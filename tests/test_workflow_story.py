"""The issue's story, through the real pages and the real delivery: meeting 11, an import, an extension, its decision."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dxtasks.accounts.models import User
from dxtasks.directives.models import Directive, ExtensionRequest, Meeting


def send_notifications() -> str:
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def approve_from_inbox(secretariat: Client, directive, request, note: str):
    """The secretariat approves inline on /inbox/ and is sent back there; returns the email to mps.focal,
    after checking mps.focal and MPS's contact address (its deadline moved) got one email each, nobody else."""
    response = secretariat.post(
        f"{directive.get_absolute_url()}extension/{request.pk}/decide/",
        {"decision": "approve", "note": note, "next": "/inbox/"},
    )
    assert response["Location"] == "/inbox/"
    send_notifications()
    assert sorted(m.to[0] for m in mail.outbox) == ["dau-moi@bca.example.gov.vn", "mps.focal@example.gov.vn"]
    return next(m for m in mail.outbox if m.to == ["mps.focal@example.gov.vn"])


@pytest.mark.django_db
def test_meeting_11_import_extension_and_decision_each_told_exactly_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("bootstrap", "--demo", stdout=io.StringIO())
    secretariat = signed_in("secretariat")

    # The secretariat registers meeting 11 in the portal …
    response = secretariat.post(
        "/meetings/new/",
        {
            "committee": "ncdt",
            "session_number": "11",
            "date": f"{timezone.localdate():%d/%m/%Y}",
            "title_vi": "",
            "title_en": "",
            "chair": "Phạm Minh Chính",
            "notice_ref": "552/TB-VPCP",
            "notice_date": "",
            "source_url": "",
            "next": "import",
        },
    )
    meeting = Meeting.objects.get(committee="ncdt", session_number=11)
    assert response["Location"] == f"/import/?meeting={meeting.pk}"
    # … and imports directives into it.
    csv = (
        "reference,title_vi,lead_agency,deadline\n"
        "UBQG-11/01,Hoàn thiện Cơ sở dữ liệu quốc gia về dân cư,MPS,trong năm 2031\n"
        "UBQG-11/02,Thanh toán không dùng tiền mặt,SBV,quý IV/2031\n"
    )
    upload = SimpleUploadedFile("phien-11.csv", csv.encode(), content_type="text/csv")
    assert secretariat.post("/import/", {"file": upload, "meeting": meeting.pk}).status_code == 200
    assert secretariat.post("/import/commit/")["Location"] == "/meetings/11/"
    directive = Directive.objects.get(reference="UBQG-11/01")
    assert directive.meeting == meeting
    send_notifications()  # the two agencies' focal points hear of their new directives
    assert sorted(m.to[0] for m in mail.outbox) == ["mps.focal@example.gov.vn", "sbv.focal@example.gov.vn"]
    mail.outbox.clear()

    # mps.focal requests an extension → exactly one email, to the secretariat; it is in /inbox/.
    focal = signed_in("mps.focal")
    focal.post(
        f"{directive.get_absolute_url()}extension/",
        {"proposed_due": "30/06/2032", "reason": "Chờ Luật Dữ liệu có hiệu lực"},
    )
    request = ExtensionRequest.objects.get(directive=directive)
    assert "1 emails sent" in send_notifications()
    assert [m.to for m in mail.outbox] == [["secretariat@example.gov.vn"]]
    assert mail.outbox[0].subject == "[dxtasks] Đề nghị gia hạn: UBQG-11/01"
    inbox = secretariat.get("/inbox/").content.decode()
    assert "UBQG-11/01" in inbox and "Chờ Luật Dữ liệu có hiệu lực" in inbox
    mail.outbox.clear()

    # Approved from the inbox → exactly one email, to mps.focal, who sees the decision.
    to_focal = approve_from_inbox(secretariat, directive, request, "Đồng ý gia hạn")
    assert to_focal.subject == "[dxtasks] Đề nghị gia hạn được duyệt: UBQG-11/01"
    assert "Đồng ý gia hạn" in to_focal.body
    directive.refresh_from_db()
    assert directive.due_date == datetime.date(2032, 6, 30)
    assert "Đồng ý gia hạn" in focal.get("/inbox/").content.decode()
    assert "Đồng ý gia hạn" in focal.get(directive.get_absolute_url()).content.decode()

    # Nothing more to send.
    sent = len(mail.outbox)
    assert "0 emails sent" in send_notifications()
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_the_same_story_on_a_share_of_a_collective_directive_tells_that_shares_people_exactly_once():
    """#10's story where it meets #9: mps.focal asks for more time on MPS's share of UBQG-10/01 (addressed to
    every ministry and province); the secretariat hears once, the decision reaches MPS once, SBV never."""
    call_command("bootstrap", "--demo", stdout=io.StringIO())
    call_command("createcachetable", verbosity=0)
    assert "0 emails sent" in send_notifications()  # the demo is seed data: nobody was told of it
    directive = Directive.objects.get(reference="UBQG-10/01")
    mps_share = directive.shares.get(agency__code="MPS")
    sbv_before = directive.shares.filter(agency__code="SBV").values("due_date", "version", "state").get()

    # mps.focal's worklist has MPS's share (overdue), not the whole directive.
    focal = signed_in("mps.focal")
    overdue = focal.get("/inbox/?list=overdue").content.decode()
    assert f"{directive.get_absolute_url()}?share=MPS" in overdue and "phần việc của BCA" in overdue

    # The extension request, at the directive's usual URL: it is MPS's share's.
    response = focal.post(
        f"{directive.get_absolute_url()}extension/",
        {"proposed_due": "30/06/2027", "reason": "Chờ hướng dẫn của Bộ KH&CN"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(directive=directive)
    assert request.share == mps_share
    assert "1 emails sent" in send_notifications()
    assert [m.to for m in mail.outbox] == [["secretariat@example.gov.vn"]]
    assert mail.outbox[0].subject == "[dxtasks] Đề nghị gia hạn: UBQG-10/01 (phần việc của BCA)"
    secretariat = signed_in("secretariat")
    inbox = secretariat.get("/inbox/?list=extensions").content.decode()
    assert "UBQG-10/01" in inbox and "phần việc của BCA" in inbox and "Chờ hướng dẫn của Bộ KH&amp;CN" in inbox
    mail.outbox.clear()

    # Approved inline from the inbox: back to the inbox; mps.focal once, MPS's contact once, SBV nobody.
    to_focal = approve_from_inbox(secretariat, directive, request, "Đồng ý đến 30/06/2027")
    assert to_focal.subject == "[dxtasks] Đề nghị gia hạn được duyệt: UBQG-10/01 (phần việc của BCA)"
    mps_share.refresh_from_db()
    assert mps_share.due_date == datetime.date(2027, 6, 30)
    assert directive.shares.filter(agency__code="SBV").values("due_date", "version", "state").get() == sbv_before
    assert "Đồng ý đến 30/06/2027" in focal.get("/inbox/").content.decode()
    assert "Đồng ý đến 30/06/2027" in focal.get(directive.get_absolute_url()).content.decode()

    sent = len(mail.outbox)
    assert "0 emails sent" in send_notifications()
    assert len(mail.outbox) == sent


def test_the_readme_documents_meetings_worklists_notification_kinds_and_preferences():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for needle in (
        "### Meetings",
        "### Worklists and notifications",
        "| event | told |",
        "| event on a share | told |",
        "**Preferences**",
        "send_notifications",
    ):
        assert needle in readme, needle
