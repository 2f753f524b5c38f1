"""Every shape of the deadline parser's error is re-said in the user's language, not passed through."""

import pytest
from django.utils import translation

from dxtasks.directives.deadlines import DeadlineError, parse_deadline
from dxtasks.portal.deadline_messages import explain_deadline_error

BAD = {
    "quý V/2024": "Không có quý V",
    "trong năm 1800": "Năm 1800 nằm ngoài",
    "tháng 13/2024": "Không có tháng 13",
    "H3 2024": "Không có nửa năm",
    "31/02/2024": "Không có ngày 31/02/2024",
    "quý I/2024 hoặc quý II/2024": "nêu nhiều hơn một thời hạn",
    "khi nào xong": "Không đọc được thời hạn trong “khi nào xong”",
    "x" * 201: "Thời hạn quá dài (201 ký tự",
    "   ": "Chưa nhập thời hạn.",
}


@pytest.mark.parametrize("text, expected", list(BAD.items()))
def test_parser_errors_are_translated(text, expected):
    with pytest.raises(DeadlineError) as error:
        parse_deadline(text)
    with translation.override("vi"):
        assert expected in explain_deadline_error(str(error.value))
    with translation.override("en"):
        english = explain_deadline_error(str(error.value))
    assert not english.startswith("Could not read the deadline:")  # a known shape, not the fallback


def test_an_unknown_shape_falls_back_to_the_parser_text():
    with translation.override("vi"):
        assert explain_deadline_error("something new") == "Không đọc được thời hạn: something new"
