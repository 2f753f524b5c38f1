"""Status computed in plain Python, independently of the database annotation, for checking figures."""

import datetime

from dxtasks.directives.models import Directive


def python_status(directive: Directive, as_of: datetime.date, due: datetime.date | None = None) -> str:
    due = directive.due_date if due is None else due
    if directive.cancelled_on and directive.cancelled_on <= as_of:
        return "cancelled"
    if directive.completed_on and directive.completed_on <= as_of:
        return "completed_on_time" if due is None or directive.completed_on <= due else "completed_late"
    if due is None:
        return "no_deadline"
    return "overdue" if due < as_of else "within_deadline"


def expected_counts(directives, as_of: datetime.date) -> dict[str, int]:
    counts = {
        s: 0 for s in ("completed_on_time", "completed_late", "within_deadline", "overdue", "no_deadline", "cancelled")
    }
    for d in directives:
        counts[python_status(d, as_of)] += 1
    return counts


def percent_vi(part: int, whole: int) -> str:
    """81,0% — one decimal, comma, as the briefing prints it in Vietnamese."""
    return f"{part / whole * 100:.1f}%".replace(".", ",")
