"""Stored briefings live in the briefings storage: the database by default, any Django storage if configured."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dxtasks.briefings.models import StoredBriefing, StoredFile
from dxtasks.briefings.storage import DatabaseStorage, briefing_storage

pytestmark = pytest.mark.django_db


def test_the_database_storage_saves_opens_sizes_and_deletes():
    storage = DatabaseStorage()
    name = storage.save("briefings/2025/07/a.pdf", ContentFile(b"%PDF-1.7 one"))
    again = storage.save("briefings/2025/07/a.pdf", ContentFile(b"%PDF-1.7 two"))
    assert name == "briefings/2025/07/a.pdf" and again != name  # never overwritten
    assert storage.exists(name) and storage.size(name) == len(b"%PDF-1.7 one")
    with storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.7 one"
    storage.delete(name)
    assert not storage.exists(name) and StoredFile.objects.filter(name=again).exists()
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(NotImplementedError):
        storage.url(again)


def test_a_briefing_made_in_the_request_is_stored_in_the_database(client, seed_data, user_factory, media_root):
    assert isinstance(briefing_storage(), DatabaseStorage)
    client.force_login(user_factory(username="db-store"))
    response = client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    stored = StoredBriefing.objects.get()
    assert bytes(StoredFile.objects.get(name=stored.file.name).content) == pdf
    assert not any(media_root.rglob("*.pdf"))  # nothing on this host's disk


def test_a_configured_storage_backend_is_used_instead(client, seed_data, user_factory, settings, tmp_path):
    shared = tmp_path / "shared-mount"
    settings.STORAGES = {
        **settings.STORAGES,
        "briefings": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(shared)}},
    }
    client.force_login(user_factory(username="fs-store"))
    response = client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert response.status_code == 200
    stored = StoredBriefing.objects.get()
    assert (shared / stored.file.name).read_bytes() == b"".join(response.streaming_content)
    assert not StoredFile.objects.exists()
