"""Template helpers of the site's frame (base.html), for any app's templates: `{% load layout %}`."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from .. import navigation as nav

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """A link to another app's page, or "" while that app has not published it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def abbr(agency) -> str:
    """An agency's abbreviation in the page's language: BCA in Vietnamese, MPS in English."""
    return agency.short_name((get_language() or "vi")[:2]) if agency else ""


@register.simple_tag(takes_context=True)
def navigation(context) -> list[nav.Link]:
    """The main navigation's links for the signed-in user (navigation.py)."""
    request = context["request"]
    return nav.links(request.user, request.path, context)
