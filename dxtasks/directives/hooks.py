"""The hooks an app's AppConfig may define, so that apps plug into each other without importing each other.

Each hook is a `typing.Protocol` of one method. An app declares that it
provides one by listing the protocol among its AppConfig's bases
(`class RemindersConfig(AppConfig, hooks.Prunes, …)`), and whoever collects
a hook asks `implementing(Protocol)` for the installed apps' configs, in
INSTALLED_APPS order. `tests/directives/test_hooks.py` checks that every
AppConfig method named like a hook declares it and has its signature.

- `DeclaresSchedules.schedules()`: django-q schedules, registered by
  `manage.py bootstrap` (directives' own command).
- `AddsTimelineEntries.timeline_entries(directive)`: lines of a directive's
  history (portal.timeline).
- `Prunes.prune(today)`: the weekly pruning (operations.pruning).
- `ChecksReadiness.readiness_checks()`: what /readyz runs (operations.health).
- The layout app declares one more here, `navigation_entries()`
  (layout.navigation.RegistersNavigation).
"""

import datetime
from collections.abc import Callable
from typing import Any, NotRequired, Protocol, TypedDict, TypeVar, cast, runtime_checkable

from django.apps import apps

_DECLARED: list[type] = []

H = TypeVar("H", bound=type)
P = TypeVar("P")


def hook(protocol: H) -> H:
    """Declare a protocol as an AppConfig hook (listed by `declared()`, checked by the tests)."""
    _DECLARED.append(protocol)
    return protocol


def declared() -> list[type]:
    return list(_DECLARED)


def implementing(protocol: Callable[..., P]) -> list[P]:  # not type[P]: mypy refuses a Protocol there
    """The installed apps' configs that provide this hook, in INSTALLED_APPS order."""
    kind = cast(type, protocol)
    return [cast(P, config) for config in apps.get_app_configs() if isinstance(config, kind)]


class TimelineEntry(TypedDict):
    at: datetime.date | datetime.datetime  # a day sorts at its start
    text: str
    kind: NotRequired[str]  # defaults to the app's label
    outcome: NotRequired[str]
    link: NotRequired[str]
    by: NotRequired[Any]  # a user, or None


@hook
@runtime_checkable
class DeclaresSchedules(Protocol):
    def schedules(self) -> list[dict[str, Any]]:
        """django-q Schedule fields, each with a unique "name" (registered with update_or_create by name)."""
        ...


@hook
@runtime_checkable
class AddsTimelineEntries(Protocol):
    def timeline_entries(self, directive) -> list[TimelineEntry]:
        """This app's lines in the directive's history."""
        ...


@hook
@runtime_checkable
class Prunes(Protocol):
    def prune(self, today: datetime.date) -> dict[str, int]:
        """Delete what is no longer needed as of `today`; rows deleted by kind ("reminder deliveries": 12)."""
        ...


@hook
@runtime_checkable
class ChecksReadiness(Protocol):
    def readiness_checks(self) -> dict[str, Callable[[], str]]:
        """{name: check}: a check returns a short detail string or raises."""
        ...
