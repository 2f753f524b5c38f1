"""Every folder templates are loaded from: the project's DIRS and each dxtasks app's templates/."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def template_dirs() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [Path(app.path) / "templates" for app in apps.get_app_configs() if app.name.startswith("dxtasks")]
    return [d for d in dirs if d.is_dir()]
