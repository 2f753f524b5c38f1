"""The role predicates for templates: `{% load roles %}{% if user|can_manage %}…`.

Templates ask these filters instead of comparing `user.role` to a string, so
that `accounts/roles.py` stays the one place the roles are interpreted.
"""

from django import template

from .. import roles

register = template.Library()
register.filter("can_manage", roles.can_manage)
register.filter("is_secretariat", roles.is_secretariat)
register.filter("is_focal_point", roles.is_focal_point)
