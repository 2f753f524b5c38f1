"""What a recipient reads: one digest, grouped, both languages, links and headers."""

import pytest
from django.core import signing

from dxtasks.reminders.preferences import email_from_token

from .conftest import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_directives(directive_due, directive_factory, lead, owner):
    directive_due(day("2025-03-03"), reference="OLD-1", title_vi="Ban hành kế hoạch", title_en="Issue the plan")
    directive_due(day("2025-03-10"), reference="OLD-2")
    directive_due(day("2025-03-11"), reference="SOON-1")  # 1 day left
    directive_factory(lead=lead, owner=owner, deadline_text="sớm", assigned_on=day("2025-03-03"), reference="ASAP-1")


def test_one_digest_lists_all_the_recipients_directives_grouped(four_directives, sweep):
    _, sent = sweep(day("2025-03-10"))
    assert len(sent) == 1
    message = sent[0]
    assert message.subject == "[dxtasks] 1 quá hạn, 1 đến hạn hôm nay, 1 sắp đến hạn, 1 cần báo cáo tiến độ"
    body = message.body
    vi, en = body.split("-" * 64)
    assert vi.index("== Quá hạn (1) ==") < vi.index("== Đến hạn hôm nay (1) ==") < vi.index("== Sắp đến hạn (1) ==")
    assert vi.index("== Sắp đến hạn (1) ==") < vi.index("== Đề nghị báo cáo tiến độ (1) ==")
    assert "OLD-1 — Ban hành kế hoạch" in vi and "Hạn: 03/03/2025 · Quá hạn 7 ngày" in vi
    assert "Còn 1 ngày" in vi and "Chủ trì: Bộ Công an" in vi
    assert "OLD-1 — Issue the plan" in en and "7 days overdue" in en and "1 day left" in en
    assert ": Ministry of Public Security" in en and "Overdue (1)" in en and "Bộ Công an" not in en


def test_links_use_site_url_and_the_directive_page(four_directives, sweep, settings):
    from dxtasks.directives.models import Directive

    _, sent = sweep(day("2025-03-10"))
    directive = Directive.objects.get(reference="OLD-1")
    link = f"http://testserver{directive.get_absolute_url()}"
    html = sent[0].alternatives[0][0]
    assert sent[0].alternatives[0][1] == "text/html"
    assert link in sent[0].body and f'href="{link}"' in html


def test_list_unsubscribe_header_carries_a_signed_preferences_link(four_directives, sweep):
    _, sent = sweep(day("2025-03-10"))
    header = sent[0].extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://testserver/reminders/preferences/") and header.endswith("/>")
    token = header.removeprefix("<http://testserver/reminders/preferences/").removesuffix("/>")
    assert email_from_token(token) == "quan@bca.example.gov.vn"
    with pytest.raises(signing.BadSignature):
        email_from_token(token[:-2] + "xx")
    assert header[1:-1] in sent[0].body


def test_english_speaking_users_read_english_first(four_directives, sweep, owner):
    owner.language = "en"
    owner.save()
    _, sent = sweep(day("2025-03-10"))
    message = sent[0]
    assert message.subject == ("[dxtasks] 1 overdue, 1 due today, 1 due soon, 1 progress report requested")
    assert message.body.index("Dear colleague") < message.body.index("Kính gửi anh/chị")


def test_user_text_is_escaped_in_html(directive_due, sweep):
    directive_due(day("2025-03-10"), title_vi="<script>alert(1)</script> & dữ liệu")
    _, sent = sweep(day("2025-03-10"))
    html = sent[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script> & dữ liệu" in sent[0].body  # plain text is not HTML-escaped


def test_a_long_digest_lists_the_longest_overdue_and_links_to_the_full_list(directive_due, sweep, settings):
    settings.REMINDERS = {**settings.REMINDERS, "DIGEST_MAX_ITEMS": 3}
    for n, due in enumerate(["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03", "2025-02-10"]):
        directive_due(day(due), reference=f"LATE-{n}")
    summary, messages = sweep(day("2025-03-12"))
    [message] = [m for m in messages if m.to == ["quan@bca.example.gov.vn"]]  # (the leadership gets one too)
    text = message.body
    assert [ref for ref in (f"LATE-{n}" for n in range(6)) if ref in text] == ["LATE-0", "LATE-1", "LATE-2"]
    assert "… và 3 nhiệm vụ khác: xem danh sách đầy đủ: http://testserver/directives/?status=overdue" in text
    assert "(6)" in text  # the heading still counts them all
    html = message.alternatives[0][0]
    assert 'href="http://testserver/directives/?status=overdue"' in html and "LATE-3" not in html
    assert summary.directives_covered == 6  # all six are recorded as reminded
