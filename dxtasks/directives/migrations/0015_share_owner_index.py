"""Shares indexed by owner only where they have one (models.Share.Meta: why).

The field's own index is dropped by name rather than by AlterField: on SQLite
AlterField rebuilds the table, and a rebuilt table has lost the tally triggers
of migration 0014.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0014_tally"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="share",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="owned_shares",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="người phụ trách",
                    ),
                ),
            ],
            # The name Django gave the field's index on both databases (schema_editor._create_index_name).
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX directives_share_owner_id_d1038a0c",
                    reverse_sql='CREATE INDEX directives_share_owner_id_d1038a0c ON directives_share ("owner_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="share",
            index=models.Index(condition=models.Q(owner__isnull=False), fields=["owner"], name="share_owner"),
        ),
    ]
