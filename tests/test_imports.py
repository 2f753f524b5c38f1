"""A web process must not pay for heavy libraries it only needs for some requests.

WeasyPrint (1–2 s to import), openpyxl (0.3 s), pypdf and fontTools are
imported by the functions that make PDFs and spreadsheets, and icalendar by
those that serialise calendar events, not by loading the URLconf, so the first request after a restart doesn't wait for them.
Checked in a fresh interpreter: this test process has imported them already.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# icalendar (~65 ms): a process serving stored events and a kept header never needs it (calendars.ical).
HEAVY = ["weasyprint", "openpyxl", "pypdf", "fontTools", "pydyf", "tinycss2", "cssselect2", "PIL", "icalendar"]

PROBE = """
import json, sys
import django
django.setup()
{load}
heavy = {heavy!r}
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def heavy_modules_after(load: str, heavy: list[str] = HEAVY) -> list[str]:
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(load=load, heavy=heavy)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_loading_the_urlconf_imports_no_heavy_library():
    load = (
        "from django.urls import get_resolver\nresolver = get_resolver()\nresolver.url_patterns\nresolver.resolve('/')"
    )
    assert heavy_modules_after(load) == []


def test_the_wsgi_application_imports_no_heavy_library():
    load = "from dxtasks.wsgi import application\nfrom django.urls import get_resolver\nget_resolver().url_patterns"
    assert heavy_modules_after(load) == []


def test_the_probe_sees_weasyprint_when_it_is_imported():
    # The detector itself works: the briefing fetcher subclasses WeasyPrint's and so imports it.
    assert "weasyprint" in heavy_modules_after("import dxtasks.briefings.fetcher")


# The JSON API's routes and pydantic schemas: built when it is first used, not by a portal page.
API = ["dxtasks.api.api", "dxtasks.api.schemas", "dxtasks.api.directives"]


def test_a_portal_page_does_not_build_the_json_api():
    load = (
        "from django.urls import get_resolver, reverse\nget_resolver().resolve('/')\n"
        "reverse('portal:register')\nreverse('api_tokens:tokens')\nget_resolver().resolve('/directives/')"
    )
    assert heavy_modules_after(load, API) == []


def test_the_json_api_is_built_on_its_first_request_or_reverse():
    assert heavy_modules_after("from django.urls import resolve\nresolve('/api/v1/directives/')", API) == sorted(API)
    assert heavy_modules_after("from django.urls import reverse\nreverse('api:openapi-json')", API) == sorted(API)
