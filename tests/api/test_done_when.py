"""Issue 17's "Done when", one test per item (the others named where they live).

1. A token created in the portal lists directives with curl and `?agency=MPS`:
   `test_browser.py::test_token_from_the_page_works_over_http` (a real curl against a
   live server) and `test_tokens.py::test_token_made_in_the_portal_lists_…`.
2. mps.focal's token reports progress on an MPS directive and gets 403 on an SBV one:
   `test_tokens.py::test_done_when_mps_focal_…`, and below on a collective directive.
3. schemathesis passes in `.ci/run` on SQLite and PostgreSQL: `test_schemathesis.py`
   is part of the suite `.ci/run` runs on both; below, that it covers every operation
   and that `.ci/run` runs the whole suite on both databases.
4. The README documents the API with examples: below.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from dxtasks.api.api import api as ninja_api
from dxtasks.directives.models import Directive, Share

from .conftest import ApiClient, problem
from .test_schemathesis import schema

README = Path(settings.BASE_DIR, "README.md").read_text()
CI = Path(settings.BASE_DIR, ".ci", "run").read_text()


def _operations() -> set[tuple[str, str]]:
    paths = ninja_api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_mps_focal_token_reports_on_its_share_and_is_refused_on_sbvs(demo):
    out = io.StringIO()
    call_command("api_token", "mps.focal", stdout=out, stderr=io.StringIO())
    client = ApiClient(out.getvalue().strip().splitlines()[-1])
    collective = Directive.objects.get(reference="UBQG-10/01")
    sbv = Share.objects.filter(directive=collective, agency__code="SBV").values().get()
    body = {"percent": 60, "note": "Đã trình dự thảo", "evidence_url": None}
    path = f"/api/v1/directives/{collective.public_id}/progress/"
    assert client.post(path, body).status_code == 200
    assert Share.objects.get(directive=collective, agency__code="MPS").progress_updates.get().percent == 60
    refused = client.post(path + "?agency=SBV", body)
    assert refused.status_code == 403 and problem(refused)["detail"]
    assert Share.objects.filter(directive=collective, agency__code="SBV").values().get() == sbv
    assert not collective.progress_updates.filter(share__agency__code="SBV").exists()


def test_schemathesis_runs_every_operation_and_ci_runs_it_on_both_databases():
    fuzzed = {(op.method.upper(), op.path) for op in (result.ok() for result in schema.get_all_operations())}
    assert {(method, path.removeprefix("/api/v1")) for method, path in fuzzed} == {
        (method, path.removeprefix("/api/v1")) for method, path in _operations()
    }
    assert len(fuzzed) >= 19
    sqlite, postgres = CI.split('export DATABASE_URL="postgres://')
    assert "\nmake test\n" in sqlite and "\n.venv/bin/python -m pytest --create-db" in postgres


def test_readme_documents_every_operation_with_curl_and_httpx_examples():
    section = README[README.index("## JSON API") : README.index("## Layout")]
    for method, path in sorted(_operations()):
        written = path.replace("{request_id}", "{id}")
        short = written.removeprefix("/api/v1")
        assert f"{method} {written}" in section or f"`{short}`" in section, (method, path)
    assert 'curl -H "Authorization: Bearer $TOKEN"' in section and "/inbox/" in section
    assert "import httpx" in section and "withdraw/" in section and "?agency=SBV" in section
