"""The deadline parser's errors, said in the user's language.

`directives.deadlines` raises English messages of a few fixed shapes; the
portal shows them to Vietnamese staff, so each shape is matched here and
re-said through gettext, quoting the same detail. An unknown shape is shown
as it is, after a translated lead-in.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

_SHAPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^year (?P<detail>\S+) is outside"), gettext_noop("Năm %(detail)s nằm ngoài khoảng 1990–2100.")),
    (re.compile(r"^no month (?P<detail>.+)$"), gettext_noop("Không có tháng %(detail)s.")),
    (re.compile(r"^no quarter (?P<detail>\S+)"), gettext_noop("Không có quý %(detail)s (chỉ có quý I–IV).")),
    (re.compile(r"^no half (?P<detail>\S+)"), gettext_noop("Không có nửa năm %(detail)s (chỉ có H1 và H2).")),
    (re.compile(r"^no such day: (?P<detail>.+)$"), gettext_noop("Không có ngày %(detail)s.")),
    (
        re.compile(r'^ambiguous: "(?P<detail>.*)" names more than one deadline$'),
        gettext_noop("“%(detail)s” nêu nhiều hơn một thời hạn; hãy ghi một thời hạn."),
    ),
    (
        re.compile(r'^could not read a deadline in "(?P<detail>.*)"$'),
        gettext_noop(
            "Không đọc được thời hạn trong “%(detail)s”. Ví dụ: “quý II/2024”, “trước ngày 15/3/2024”, “thường xuyên”."
        ),
    ),
    (
        re.compile(r"^deadline text is too long \((?P<detail>\d+)"),
        gettext_noop("Thời hạn quá dài (%(detail)s ký tự, tối đa 200)."),
    ),
    (re.compile(r"^no deadline given"), gettext_noop("Chưa nhập thời hạn.")),
]


def explain_deadline_error(message: str) -> str:
    """The parser's message for `message`, translated; the detail quoted as typed."""
    for pattern, template in _SHAPES:
        match = pattern.search(message)
        if match:
            return _(template) % match.groupdict() if match.groupdict() else _(template)
    return _("Không đọc được thời hạn: %(detail)s") % {"detail": message}
