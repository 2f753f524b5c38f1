"""`make_spec`: each briefing kind checks its own scope and role; the first bad field is named."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.briefings.content import BriefingError, BriefingSpec, make_spec

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 7, 1)


def refusal(**request) -> tuple[str, str, bool]:
    with pytest.raises(BriefingError) as refused:
        make_spec(**request)
    return str(refused.value), refused.value.field, refused.value.not_found


def test_each_kind_gives_its_own_scope_and_role(seed_data):
    assert make_spec(kind="overall", scope="7", role="involved", as_of=AS_OF) == BriefingSpec(
        "overall", "", AS_OF, "vi"
    )
    assert make_spec(kind="meeting", scope="7", role="involved", as_of=AS_OF, language="en") == BriefingSpec(
        "meeting", "7", AS_OF, "en"
    )
    assert make_spec(kind="agency", scope="mps", as_of=AS_OF) == BriefingSpec("agency", "MPS", AS_OF, "vi", role="lead")
    assert make_spec(
        kind="agency",
        scope="MPS",
        role="involved",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    ) == BriefingSpec(
        "agency",
        "MPS",
        datetime.date(2024, 12, 31),  # no as-of day: the period's end, which the as-of day then ends
        "vi",
        datetime.date(2024, 1, 1),
        None,
        "involved",
    )


def test_each_bad_field_is_named_the_kind_first(seed_data):
    assert refusal(kind="committee", language="xx") == ("Không có loại báo cáo “committee”.", "kind", True)
    assert refusal(kind="meeting", scope="999", language="xx") == (
        "Ngôn ngữ “xx” không được hỗ trợ; chọn một trong: vi, en.",
        "lang",
        False,
    )
    assert refusal(kind="meeting", scope="٧") == ("Không có phiên họp số “٧”.", "meeting", True)  # not ASCII
    assert refusal(kind="agency", scope="nope", role="boss") == ("Không có cơ quan mã “NOPE”.", "agency", True)
    assert refusal(kind="agency", scope="MPS", role="boss") == (
        "Vai trò “boss” không có; chọn lead hoặc involved.",
        "role",
        False,
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    message, field, not_found = refusal(kind="meeting", scope="7", as_of=tomorrow)
    assert field == "as_of" and not not_found and "ở tương lai" in message
