"""The digest's bytes, pinned: a faster rendering must write exactly what the templates wrote.

The golden files were written by the template-only rendering (before the item lines were
pre-rendered, #16). Regenerate only for an intended change of the email:
`DXTASKS_WRITE_GOLDEN=1 pytest tests/reminders/test_digest_golden.py` (then review the diff).
"""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from dxtasks.reminders.digest import DigestItem, build_digest, group_for
from dxtasks.reminders.models import Kind

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden_digests.json"  # {case: {"txt", "html", "subject"}}
TODAY = datetime.date(2025, 3, 12)
# The preferences link is signed with the time: the one part of the bytes that changes from run to run.
TOKEN = re.compile(r"(/preferences/)[^/\"<>\s]+/")


def _pinned(text: str) -> str:
    return TOKEN.sub(r"\1TOKEN/", text)


def _item(n, due, kind, *, precision="date", title_en="", lead_en="Ministry of Public Security", share_id=None):
    return DigestItem(
        directive_id=n,
        reference=f"REF-{n}",
        title_vi=f"Nhiệm vụ <b>số {n}</b> & “trích dẫn” 'đơn'",
        title_en=title_en or f"Nhiệm vụ <b>số {n}</b> & “trích dẫn” 'đơn'",
        due_date=due,
        precision=precision,
        lead_vi="Bộ Công an <BCA>",
        lead_en=lead_en,
        lead_short="BCA",
        url=f"http://testserver/directives/0000000{n}-aaaa-bbbb-cccc-dddddddddddd/",
        group=group_for(kind, due, TODAY),
        days_left=(due - TODAY).days if due else None,
        kinds={kind},
        share_id=share_id,
    )


def _items():
    d = datetime.date
    return [
        _item(1, d(2025, 1, 6), Kind.OVERDUE),
        _item(1, d(2025, 1, 6), Kind.ESCALATION),  # merged with the line above
        _item(2, d(2025, 3, 10), Kind.OVERDUE, title_en="Issue the plan"),
        _item(3, TODAY, Kind.DUE),
        _item(4, d(2025, 3, 13), Kind.BEFORE),
        _item(5, d(2025, 3, 19), Kind.BEFORE, share_id=7),
        _item(5, d(2025, 3, 20), Kind.BEFORE, share_id=8, lead_en="Ministry of Finance"),
        _item(6, None, Kind.PROGRESS, precision="asap"),
        _item(7, None, Kind.PROGRESS, precision="ongoing"),
        _item(8, d(2025, 2, 3), Kind.ESCALATION),
    ]


CASES = {
    "vi": {"language": "vi", "limit": 0, "active": "vi"},
    "en": {"language": "en", "limit": 0, "active": "vi"},
    "en-active-en": {"language": "en", "limit": 0, "active": "en"},
    "vi-capped": {"language": "vi", "limit": 1, "active": "vi"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_digest_bytes_are_the_golden_ones(case, settings):
    spec = CASES[case]
    settings.SITE_URL = "http://testserver"
    settings.REMINDERS = {**settings.REMINDERS, "DIGEST_MAX_ITEMS": spec["limit"]}
    with translation.override(spec["active"]):
        message = build_digest(recipient="an@example.gov.vn", language=spec["language"], items=_items(), today=TODAY)
        again = build_digest(recipient="an@example.gov.vn", language=spec["language"], items=_items(), today=TODAY)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    got = {"txt": _pinned(message.body), "html": _pinned(html), "subject": message.subject}
    assert {"txt": _pinned(again.body), "html": _pinned(again.alternatives[0][0]), "subject": again.subject} == got
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    if os.environ.get("DXTASKS_WRITE_GOLDEN"):
        golden[case] = got
        GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert got == golden[case]
