"""Tokens of users deactivated before deactivation revoked them: revoke them now, or reactivation revives them."""

from django.db import migrations
from django.utils import timezone


def revoke(apps, schema_editor):
    FeedToken = apps.get_model("calendars", "FeedToken")
    FeedToken.objects.filter(owner__is_active=False, revoked_at__isnull=True).update(revoked_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("calendars", "0002_stored_events")]
    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
