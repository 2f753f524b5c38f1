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


@pytest.mark.django_db
def test_meeting_11_import_extension_and_decision_each_told_exactly_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("bootstrap", "--demo", stdout=io.StringIO())
    secretariat = signed_in("secretariat")

    # The secretariat registers meeting 11 in the portal …
    response = secretariat.post("/meetings/new/", {
        "committee": "ncdt", "session_number": "11", "date": f"{timezone.localdate():%d/%m/%Y}",
        "title_vi": "", "title_en": "", "chair": "Phạm Minh Chính", "notice_ref": "552/TB-VPCP",
        "notice_date": "", "source_url": "", "next": "import"})
    meeting = Meeting.objects.get(committee="ncdt", session_number=11)
    assert response["Location"] == f"/import/?meeting={meeting.pk}"
    # … and imports directives into it.
    csv = ("reference,title_vi,lead_agency,deadline\n"
           "UBQG-11/01,Hoàn thiện Cơ sở dữ liệu quốc gia về dân cư,MPS,trong năm 2031\n"
           "UBQG-11/02,Thanh toán không dùng tiền mặt,SBV,quý IV/2031\n")
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
    focal.post(f"{directive.get_absolute_url()}extension/",
               {"proposed_due": "30/06/2032", "reason": "Chờ Luật Dữ liệu có hiệu lực"})
    request = ExtensionRequest.objects.get(directive=directive)
    assert "1 emails sent" in send_notifications()
    assert [m.to for m in mail.outbox] == [["secretariat@example.gov.vn"]]
    assert mail.outbox[0].subject == "[dxtasks] Đề nghị gia hạn: UBQG-11/01"
    inbox = secretariat.get("/inbox/").content.decode()
    assert "UBQG-11/01" in inbox and "Chờ Luật Dữ liệu có hiệu lực" in inbox
    mail.outbox.clear()

    # Approved from the inbox → exactly one email, to mps.focal, who sees the decision.
    response = secretariat.post(f"{directive.get_absolute_url()}extension/{request.pk}/decide/",
                                {"decision": "approve", "note": "Đồng ý gia hạn", "next": "/inbox/"})
    assert response["Location"] == "/inbox/"
    send_notifications()
    # mps.focal once; the agency's contact address is told the deadline moved.
    assert sorted(m.to[0] for m in mail.outbox) == ["dau-moi@bca.example.gov.vn", "mps.focal@example.gov.vn"]
    to_focal = next(m for m in mail.outbox if m.to == ["mps.focal@example.gov.vn"])
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
