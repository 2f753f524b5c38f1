"""One `Role` name per meaning: a user's role is accounts.Role; what an agency held in a transferred directive is its Part."""

import inspect

from django.apps import apps
from django.db.models import Choices

from dxtasks.accounts.models import Role
from dxtasks.directives.models import AgencyTransfer


def _choices_classes() -> list[type]:
    """Every choices enum the dxtasks models modules define or nest in a model."""
    found: set[type] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("dxtasks") or config.models_module is None:
            continue
        places = [vars(config.models_module)] + [vars(model) for model in config.get_models()]
        found |= {v for place in places for v in place.values() if inspect.isclass(v) and issubclass(v, Choices)}
    return [cls for cls in found if cls.__module__.startswith("dxtasks")]


def test_role_names_only_the_users_roles():
    roles = [cls for cls in _choices_classes() if cls.__name__ == "Role"]
    assert roles == [Role]
    assert set(Role.values) == {"secretariat", "focal_point", "viewer"}


def test_a_transfer_names_the_part_the_agency_had_with_the_stored_values_unchanged():
    assert AgencyTransfer.Part in _choices_classes()
    assert AgencyTransfer.Part.values == ["lead", "co", "share"]  # the column and the API's "role" keep these
    assert not hasattr(AgencyTransfer, "Role")
