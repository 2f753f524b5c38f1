"""Geometry of the briefing's charts, drawn as inline SVG by the template.

Only numbers are computed here; the SVG itself is a template
(`briefings/_stacked_bars.svg`), so labels are escaped like any other text
and the PDF keeps the charts as vectors.
"""

from dxtasks.directives.status import Status

STATUS_COLOURS = {
    Status.COMPLETED_ON_TIME: "#1b7f3b",
    Status.COMPLETED_LATE: "#8cc084",
    Status.WITHIN_DEADLINE: "#2f6db5",
    Status.OVERDUE: "#c62828",
    Status.NO_DEADLINE: "#a0a4a8",
    Status.CANCELLED: "#e0e0e0",
}

WIDTH = 640  # SVG user units; the template scales the chart to the text width
LABEL_WIDTH = 150
TOTAL_WIDTH = 40
ROW_HEIGHT = 20
BAR_HEIGHT = 14
MIN_WIDTH_FOR_COUNT = 18  # narrower segments carry no number: it would not fit


def stacked_bars(rows: list[tuple[str, dict[str, int]]]) -> dict:
    """One horizontal bar per row, split by status, on a common scale.

    `rows` is a list of (label, {status value: count}); statuses are drawn in
    the report order of `STATUS_COLOURS`.
    """
    bar_area = WIDTH - LABEL_WIDTH - TOTAL_WIDTH
    largest = max((sum(counts.values()) for _label, counts in rows), default=0) or 1
    drawn = []
    for index, (label, counts) in enumerate(rows):
        y = index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for status, colour in STATUS_COLOURS.items():
            count = counts.get(status, 0)
            if not count:
                continue
            width = count / largest * bar_area
            segments.append(
                {
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "colour": colour,
                    "count": count,
                    "text_x": round(x + width / 2, 2),
                    "show_count": width >= MIN_WIDTH_FOR_COUNT,
                    "light_text": status in (Status.COMPLETED_ON_TIME, Status.WITHIN_DEADLINE, Status.OVERDUE),
                }
            )
            x += width
        drawn.append(
            {
                "label": label,
                "y": y,
                "bar_y": y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                "text_y": y + ROW_HEIGHT / 2 + 4,
                "total": sum(counts.values()),
                "total_x": round(x + 4, 2),
                "segments": segments,
            }
        )
    return {
        "width": WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
        "bar_height": BAR_HEIGHT,
        "rows": drawn,
    }
