"""Loading the project's reference data without overwriting what users changed.

`loaddata` updates every row it names, so running it again would blank an
agency's contact email or reopen a directive the secretariat had closed.
`load_missing` inserts only the rows whose natural key is not in the
database yet, in one transaction, with the same checks as `loaddata`.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import transaction

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_FIXTURES = ["agencies.json", "provinces.json", "meetings.json", "directives.json"]


class FixtureError(Exception):
    """A fixture row could not be loaded; the message names the file and row."""


def _describe(obj) -> str:
    key = obj.natural_key() if hasattr(obj, "natural_key") else obj.pk
    return f"{obj._meta.label_lower} {'/'.join(map(str, key))}"


@transaction.atomic
def load_missing(paths=None) -> dict[str, int]:
    """Insert the fixture rows not yet present; return counts per model."""
    paths = [Path(p) for p in paths] if paths else [FIXTURE_DIR / name for name in REFERENCE_FIXTURES]
    inserted: dict[str, int] = {}
    deferred = []
    for path in paths:
        try:
            with path.open(encoding="utf-8") as stream:
                for wrapped in serializers.deserialize("json", stream, handle_forward_references=True):
                    # Natural keys resolve to the existing row's pk: present already, leave it alone.
                    if wrapped.object.pk is not None:
                        continue
                    _refuse_missing_required(path, wrapped)
                    try:
                        wrapped.save()
                    except (ValidationError, ObjectDoesNotExist) as exc:
                        raise FixtureError(f"{path.name}: {_describe(wrapped.object)}: {_message(exc)}") from exc
                    if wrapped.deferred_fields:
                        deferred.append((path, wrapped))
                    label = wrapped.object._meta.label
                    inserted[label] = inserted.get(label, 0) + 1
        except DeserializationError as exc:
            raise FixtureError(f"{path.name}: {exc}") from exc
    for path, wrapped in deferred:
        try:
            wrapped.save_deferred_fields()
        except (DeserializationError, ObjectDoesNotExist) as exc:
            fields = ", ".join(f.name for f in wrapped.deferred_fields)
            raise FixtureError(
                f"{path.name}: {_describe(wrapped.object)}: field {fields}: unknown reference "
                f"{list(wrapped.deferred_fields.values())}"
            ) from exc
    # The seed's collective directives are written as led by a group (ALL): give them their shares.
    from .collective import convert_loaded

    converted = convert_loaded()
    if converted:
        inserted["collective directives"] = converted
    return inserted


def _refuse_missing_required(path, wrapped) -> None:
    """A required foreign key whose natural key matched nothing: name row, field and value."""
    for field, value in (wrapped.deferred_fields or {}).items():
        if not field.many_to_many and not field.null:
            raise FixtureError(
                f"{path.name}: {_describe(wrapped.object)}: field {field.name}: unknown reference {value}"
            )


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)
