"""Word-level search: the PostgreSQL GIN index over unaccented words, or the SQLite FTS5 table and triggers.

The objects are defined in dxtasks/directives/search.py (one place), which
also re-creates them after any later migrate that rebuilt the table.
"""

from django.db import migrations


def install(apps, schema_editor):
    from dxtasks.directives.search import install_search_index

    install_search_index(schema_editor.connection)


def uninstall(apps, schema_editor):
    from dxtasks.directives.search import uninstall_search_index

    uninstall_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("directives", "0002_meeting_sessions")]

    operations = [migrations.RunPython(install, uninstall)]
