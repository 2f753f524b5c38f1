"""Vietnamese by default, English complete: the catalogues and the pages."""

from pathlib import Path

import pytest
from django.conf import settings

from .conftest import client_for


def _entries(path: Path) -> list[dict]:
    """Each entry of a .po file as {field: text}; comments and obsolete entries skipped."""
    import json
    import re

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                field = match.group(1)
                entry[field] = json.loads(match.group(2))
            elif line.startswith('"') and field:
                entry[field] += json.loads(line)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


@pytest.mark.parametrize("language", ["en", "vi"])
def test_catalogue_is_complete_and_compiled(language):
    po = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not any(v for k, v in e.items() if k.startswith("msgstr"))]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split('msgid ""', 2)[-1]
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime - 1


def test_pages_in_english_after_the_switch(world):
    client = client_for(world.users["lead_focal"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    dashboard = client.get("/").content.decode()
    assert "My directives" in dashboard and "Overdue" in dashboard and "Nhiệm vụ của tôi" not in dashboard
    page = client.get(world.directive.get_absolute_url()).content.decode()
    assert "Draft the Personal Data Protection Law" in page  # the English title when there is one
    assert "Report progress" in page and "Timeline" in page
    assert "31/12/2030" in page  # dates stay dd/mm/yyyy in English too


def test_pages_in_vietnamese_by_default(world):
    page = client_for(world.users["lead_focal"]).get("/").content.decode()
    assert '<html lang="vi">' in page and "Nhiệm vụ của tôi" in page
