from dxtasks.briefings.templatetags.briefing_text import keep_numbers_whole


def test_document_numbers_stay_on_one_line_and_markup_is_escaped():
    html = keep_numbers_whole('hoàn thành trong quý II/2024 <img src="file:///etc/passwd">')
    assert 'trong <span class="nobr">quý II/2024</span>' in html
    assert "<img" not in html
    assert "&lt;img" in html
    # a long token (a URL) may still break, or it would overflow its column
    assert '<span class="nobr">src=&quot;file:///etc/passwd&quot;&gt;</span>' not in html
