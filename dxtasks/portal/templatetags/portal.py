"""Template helpers: dd/mm/yyyy dates, status labels, names in the page's language, links kept."""
import datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from dxtasks.directives.status import Status

register = template.Library()


@register.filter
def dmy(value: datetime.date | datetime.datetime | None) -> str:
    """A date as dd/mm/yyyy (a datetime in local time with hh:mm)."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    return f"{value:%d/%m/%Y}"


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def localized(obj) -> str:
    """An agency's name, a meeting's or directive's title, in the page's language."""
    language = (get_language() or "vi")[:2]
    for method in ("name", "title"):
        if hasattr(obj, method):
            return getattr(obj, method)(language)
    return str(obj)


@register.filter
def abbr(agency) -> str:
    """An agency's abbreviation in the page's language: BCA in Vietnamese, MPS in English."""
    return agency.short_name((get_language() or "vi")[:2]) if agency else ""


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """A link to another app's page, or "" while that app has not published it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
