"""The notice reader's flags, said in the user's language.

`directives.notices` writes its flags in English of a few fixed shapes (they
are also the command's output); the review page re-says each shape through
gettext with the same detail, as `deadline_messages` does for the parser.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .deadline_messages import explain_deadline_error

_SHAPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^no deadline found$"), gettext_noop("Không thấy thời hạn: hãy nhập thời hạn.")),
    (re.compile(r"^no lead agency found$"), gettext_noop("Không thấy cơ quan chủ trì: hãy nhập mã cơ quan.")),
    (
        re.compile(r"^agency name unknown: '(?P<name>.*)'$"),
        gettext_noop("Tên cơ quan không có trong danh mục: “%(name)s”."),
    ),
    (
        re.compile(r"^agency name ambiguous: '(?P<name>.*)' \((?P<codes>.*)\)$"),
        gettext_noop("Tên cơ quan “%(name)s” có thể là %(codes)s."),
    ),
    (
        re.compile(r"^agency merged on (?P<day>\S+) → (?P<code>\S+): '(?P<name>.*)'$"),
        gettext_noop("“%(name)s” đã hợp nhất vào %(code)s từ %(day)s."),
    ),
    (
        re.compile(r"^agency established only on (?P<day>\S+): '(?P<name>.*)'$"),
        gettext_noop("“%(name)s” chỉ có từ %(day)s."),
    ),
    (
        re.compile(r"^several agencies addressed: a share each$"),
        gettext_noop("Giao cho từng cơ quan: mỗi cơ quan được giao một phần việc riêng."),
    ),
    (
        re.compile(r"^several agencies addressed: the first leads"),
        gettext_noop("Giao cho nhiều cơ quan: cơ quan đầu tiên chủ trì, các cơ quan khác phối hợp."),
    ),
    (
        re.compile(r"^year taken from the notice date: (?P<text>.*)$"),
        gettext_noop("Thời hạn không ghi năm: lấy năm của thông báo (“%(text)s”)."),
    ),
    (
        re.compile(r"^deadline without a year: '(?P<text>.*)' needs the notice's date$"),
        gettext_noop("Thời hạn “%(text)s” không ghi năm và không có ngày thông báo: hãy ghi rõ năm."),
    ),
    (re.compile(r"^title shortened to 300 characters$"), gettext_noop("Tên nhiệm vụ đã rút gọn còn 300 ký tự.")),
]


def explain_flag(flag: str) -> str:
    if flag.startswith("deadline not read: "):
        return explain_deadline_error(flag[len("deadline not read: ") :])
    for pattern, template in _SHAPES:
        match = pattern.search(flag)
        if match:
            return _(template) % match.groupdict() if match.groupdict() else _(template)
    return flag
