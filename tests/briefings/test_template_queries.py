"""README: the briefing's figures come from `build_content` — the template runs no query."""

import datetime

import pytest
from django.utils import translation

from dxtasks.briefings.content import Kind, build_content, make_spec
from dxtasks.briefings.rendering import render_html


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "kind, scope, period",
    [
        (Kind.OVERALL, "", None),
        (Kind.MEETING, "7", None),
        (Kind.AGENCY, "SBV", None),
        (Kind.OVERALL, "", (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))),
    ],
)
def test_the_briefing_template_runs_no_query(seed_data, django_assert_num_queries, kind, scope, period, language):
    start, end = period or (None, None)
    spec = make_spec(
        kind=kind, scope=scope, as_of=datetime.date(2025, 7, 1), language=language, period_start=start, period_end=end
    )
    with translation.override(language):
        content = build_content(spec)
        with django_assert_num_queries(0):
            html = render_html(spec, content)
    assert "<table" in html and "<svg" in html  # it rendered the figures and lists, not an empty page
