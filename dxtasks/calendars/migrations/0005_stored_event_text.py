from django.db import migrations, models


def forget_stored_events(apps, schema_editor):
    # They are a cache keyed by what they depend on: the next build writes them again, as text.
    # Deleted first, so no bytea value is cast to text (PostgreSQL's cast would give its hex form).
    apps.get_model("calendars", "StoredEvent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0004_feed_headers")]

    operations = [
        migrations.RunPython(forget_stored_events, migrations.RunPython.noop),
        migrations.AlterField(model_name="storedevent", name="body", field=models.TextField()),
    ]
