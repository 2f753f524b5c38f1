"""The main navigation: the entries the installed apps register, in their order, for the user at hand.

An app lists its entries in its AppConfig's `navigation_entries()` (the hook
`RegistersNavigation`, declared with the core's in directives.hooks); base.html
shows, in `order`, those the user may see whose URL is published (an app
without its URLs routed shows no link). An entry may show a count beside its
label: the name of a template context variable its app provides (the portal's
worklist count comes from its context processor, computed only when shown).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from dxtasks.directives import hooks


@dataclass(frozen=True)
class Entry:
    url_name: str  # reversed without arguments, e.g. "portal:inbox"
    label: str | Promise
    order: int  # smaller first; apps leave gaps so others can fit between
    shown_to: Callable[[object], bool] | None = None  # a predicate of the user (accounts.roles); None: everyone
    count: str = ""  # a context variable holding a number shown beside the label when not zero
    count_label: str | Promise = ""  # its spoken form, "%(n)s việc"


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    current: bool
    count: object = None
    count_label: str = ""


@hooks.hook
@runtime_checkable
class RegistersNavigation(Protocol):
    def navigation_entries(self) -> list[Entry]:
        """This app's links in the main navigation."""
        ...


def registered_entries() -> list[Entry]:
    """Every installed app's entries, in order."""
    found = [entry for config in hooks.implementing(RegistersNavigation) for entry in config.navigation_entries()]
    return sorted(found, key=lambda entry: entry.order)


def links(user, path: str, context) -> list[Link]:
    """The entries this user sees, as links; the one for `path` marked current."""
    shown = []
    for entry in registered_entries():
        if entry.shown_to is not None and not entry.shown_to(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        count = context.get(entry.count) if entry.count else None
        spoken = str(entry.count_label) % {"n": count} if count else ""
        shown.append(Link(url=url, label=entry.label, current=path == url, count=count, count_label=spoken))
    return shown
