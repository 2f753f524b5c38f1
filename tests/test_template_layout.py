"""Where templates live: each app's in its own templates/, the project's templates/ only for what belongs to no app."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.loader import get_template

PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Rendered by Django itself for any app (the error views, the CSRF failure page); base.html is dxtasks.layout's.
BELONGS_TO_NO_APP = {"400.html", "403.html", "403_csrf.html", "404.html", "500.html"}


def _app_path(name: str) -> Path:
    return Path(apps.get_app_config(name).path)


def test_the_project_templates_hold_only_what_belongs_to_no_app():
    found = {path.relative_to(PROJECT_TEMPLATES).as_posix() for path in PROJECT_TEMPLATES.rglob("*") if path.is_file()}
    assert found == BELONGS_TO_NO_APP


def test_each_app_template_is_found_in_its_own_app():
    owners = {
        "portal/register.html": "portal",
        "portal/_pagination.html": "portal",
        "briefings/options.html": "briefings",
        "briefings/_stacked_bars.svg": "briefings",
        "calendars/subscribe.html": "calendars",
        "reminders/preferences.html": "reminders",
        "emails/notices/section.txt": "reminders",
        "emails/notices/section.html": "reminders",
        "api/tokens.html": "api",
        "base.html": "layout",
    }
    for name, app in owners.items():
        origin = Path(get_template(name).origin.name)
        assert origin.is_relative_to(_app_path(app) / "templates"), (name, origin)


def test_the_sign_in_and_password_pages_are_the_accounts_app_templates_not_the_admins():
    # django.contrib.admin ships registration/password_change_*.html and logged_out.html too: ours come first.
    for name in ["login", "logged_out", "password_change_form", "password_change_done"]:
        origin = Path(get_template(f"registration/{name}.html").origin.name)
        assert origin.is_relative_to(_app_path("accounts") / "templates"), (name, origin)
