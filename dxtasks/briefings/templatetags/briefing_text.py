"""Line breaking for Vietnamese document numbers in printed tables."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Longer tokens (URLs) may break anywhere, or they would run out of their column.
KEEP_WHOLE_MAX = 24


@register.filter
def keep_numbers_whole(text: str) -> SafeString:
    """Escape `text`, and keep tokens such as "II/2024" or "91/2025/QH15" on one line.

    The line breaker may break after a slash, which prints "quý II/" and
    "2024" on two lines; each short token with a slash, with a short word
    before it, becomes a no-wrap span.
    """
    pieces: list[str] = []
    words: list[str] = []
    for token in str(text).split(" "):
        escaped = str(conditional_escape(token))
        if "/" in token and len(token) <= KEEP_WHOLE_MAX:
            # with its short lead word too: "quý II/2024", "tháng 02/2025", "số 91/2025/QH15"
            if words and len(words[-1]) <= 5:
                escaped = f"{pieces.pop()} {escaped}"
            escaped = f'<span class="nobr">{escaped}</span>'
        pieces.append(escaped)
        words.append(token)
    return mark_safe(" ".join(pieces))  # every piece was escaped above
