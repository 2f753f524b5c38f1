"""The AppConfig hooks: declared once (directives.hooks), provided by the apps that say so, with the declared signature."""

import inspect

from django.apps import AppConfig, apps

from dxtasks.directives import hooks

# Who provides what, written out: a hook gained or lost is a change someone meant.
PROVIDERS = {
    "schedules": {"reminders", "operations"},
    "timeline_entries": {"reminders"},
    "prune": {"accounts", "reminders", "briefings"},
    "readiness_checks": {"reminders"},
    "navigation_entries": {"portal", "calendars"},
}


def _method_name(protocol: type) -> str:
    (name,) = [name for name, value in vars(protocol).items() if inspect.isfunction(value) and name[0] != "_"]
    return name


def _shape(function) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


def _problems(config_class: type) -> list[str]:
    """What is wrong with one AppConfig class's hooks: undeclared, not implemented, another signature."""
    found = []
    for protocol in hooks.declared():
        name = _method_name(protocol)
        declared = protocol in config_class.__mro__
        method = getattr(config_class, name, None)
        if method is None or method is getattr(protocol, name):
            if declared:
                found.append(f"{config_class.__name__} declares {protocol.__name__} without defining {name}()")
            continue
        if not declared:
            found.append(f"{config_class.__name__}.{name}() does not declare {protocol.__name__}")
        if _shape(method) != _shape(getattr(protocol, name)):
            found.append(f"{config_class.__name__}.{name}{inspect.signature(method)} is not {protocol.__name__}'s")
    return found


def test_every_app_defining_a_hook_declares_it_with_its_signature():
    assert [problem for config in apps.get_app_configs() for problem in _problems(type(config))] == []


def test_each_hook_is_provided_by_the_apps_that_should():
    provided = {
        _method_name(protocol): {config.label for config in hooks.implementing(protocol)}
        for protocol in hooks.declared()
    }
    assert provided == PROVIDERS


def test_the_check_sees_an_undeclared_hook_a_wrong_signature_and_a_declaration_alone():
    class Undeclared(AppConfig):
        def prune(self, today):
            return {}

    class WrongSignature(AppConfig, hooks.Prunes):
        def prune(self):  # type: ignore[override]
            return {}

    class DeclaredOnly(AppConfig, hooks.DeclaresSchedules):
        pass

    assert _problems(Undeclared) == ["Undeclared.prune() does not declare Prunes"]
    assert _problems(WrongSignature) == ["WrongSignature.prune(self) is not Prunes's"]
    assert _problems(DeclaredOnly) == ["DeclaredOnly declares DeclaresSchedules without defining schedules()"]


def test_the_callers_collect_through_the_hooks():
    from dxtasks.directives.management.commands.bootstrap import declared_schedules
    from dxtasks.operations.health import declared_checks

    names = {spec["name"] for spec in declared_schedules()}
    assert {"dxtasks.reminders.daily_sweep", "dxtasks.operations.prune"} <= names
    assert "sweep" in declared_checks()
