"""Where stored briefing PDFs live: a storage every host reaches.

By default the database itself (`DatabaseStorage`, one row per file): a PDF
made by a worker on another host is served by any web host, with no shared
disk. `BRIEFINGS_STORAGE` (settings, from the environment) names another
Django storage instead — e.g. django-storages' S3 backend for S3-compatible
object storage, or FileSystemStorage on a shared mount:

    BRIEFINGS_STORAGE={"BACKEND": "storages.backends.s3.S3Storage",
                       "OPTIONS": {"bucket_name": "dxtasks-briefings", ...}}

A hand-written backend because the database ones on PyPI are unmaintained;
this one is the five methods Django's Storage API needs, and files are only
ever read through the login-protected views (no URL).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

STORAGE_ALIAS = "briefings"


class _BriefingsStorage(LazyObject):
    """STORAGES["briefings"], looked up on first use (as Django's default_storage is)."""

    def _setup(self):
        self._wrapped = storages[STORAGE_ALIAS]


briefings_storage = _BriefingsStorage()


@receiver(setting_changed)
def _storages_changed(setting, **kwargs):
    if setting == "STORAGES":
        briefings_storage._wrapped = empty


def briefing_storage() -> Storage:
    """The FileField's storage (a callable, so migrations do not record the backend)."""
    return briefings_storage


@deconstructible(path="dxtasks.briefings.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as rows of `briefings.StoredFile` in the default database."""

    def _model(self):
        from .models import StoredFile

        return StoredFile

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("DatabaseStorage opens files for reading only; save() writes them")
        row = self._model().objects.filter(name=name).only("content").first()
        if row is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(row.content), name=name)

    def _save(self, name, content):
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        while True:
            try:
                with transaction.atomic():
                    self._model().objects.create(name=name, content=data, size=len(data))
                return name
            except IntegrityError:  # taken meanwhile by a parallel save
                name = self.get_available_name(name)

    def delete(self, name):
        self._model().objects.filter(name=name).delete()

    def exists(self, name):
        return self._model().objects.filter(name=name).exists()

    def size(self, name):
        row = self._model().objects.filter(name=name).only("size").first()
        if row is None:
            raise FileNotFoundError(name)
        return row.size

    def url(self, name):
        raise NotImplementedError("stored briefings are served by the briefings views, never by URL")
