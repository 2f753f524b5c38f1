import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored briefings go to a temporary MEDIA_ROOT, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def staff_client(client, user_factory):
    client.force_login(user_factory(username="reader"))
    return client
