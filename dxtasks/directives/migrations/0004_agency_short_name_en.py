"""Agencies' English abbreviations (MPS, SBV, MOST …), filled from the reference data in fixtures/."""

import json
from pathlib import Path

from django.db import migrations, models

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def english_abbreviations() -> dict[str, str]:
    found = {}
    for name in ["agencies.json", "provinces.json"]:
        path = FIXTURES / name
        if path.exists():
            for row in json.loads(path.read_text(encoding="utf-8")):
                fields = row.get("fields", {})
                if fields.get("code") and fields.get("short_name_en"):
                    found[fields["code"]] = fields["short_name_en"]
    return found


def fill(apps, schema_editor):
    Agency = apps.get_model("directives", "Agency")
    for code, short in english_abbreviations().items():
        Agency.objects.filter(code=code, short_name_en="").update(short_name_en=short)


class Migration(migrations.Migration):
    dependencies = [("directives", "0003_search_index")]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="short_name_en",
            field=models.CharField(
                blank=True, help_text="MPS, SBV …", max_length=32, verbose_name="tên viết tắt tiếng Anh"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
