"""API tokens: issued once, stored as a digest, scoped, revocable, recorded when used."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from dxtasks.api import tokens
from dxtasks.api.models import ApiToken, Scope

from .conftest import ApiClient, directive_led_by, problem


def _sha256(secret: str) -> str:
    """What the stored hash must be, computed without the code under test."""
    return hashlib.sha256(secret.encode()).hexdigest()


def test_a_token_is_256_random_bits_stored_only_as_a_digest(demo):
    issued = tokens.issue_token(owner=demo["mps.focal"], name="Hệ thống báo cáo BCA", scope=Scope.WRITE)
    assert issued.secret.startswith("dxt_") and len(issued.secret) == 4 + 43  # 32 bytes, URL-safe base64
    stored = ApiToken.objects.get()
    assert stored.token_hash == _sha256(issued.secret) and issued.secret not in str(stored.__dict__)
    assert stored.hint == issued.secret[-4:]
    other = tokens.issue_token(owner=demo["mps.focal"], name="again").secret
    assert other != issued.secret


def test_portal_page_creates_a_token_shown_once_then_lists_it_by_hint(demo):
    client = Client()
    client.force_login(demo["mps.focal"])
    response = client.post("/api-tokens/new/", {"name": "Bảng điều khiển", "scope": "read"}, follow=True)
    token = ApiToken.objects.get(owner=demo["mps.focal"])
    secret = response.context["new_token"]["secret"]
    assert secret in response.content.decode() and token.token_hash == _sha256(secret)
    assert response["Cache-Control"] == "private, no-store"
    again = client.get("/api-tokens/").content.decode()
    assert secret not in again and f"…{token.hint}" in again and "Bảng điều khiển" in again


def test_token_made_in_the_portal_lists_an_agencys_directives_with_curl_style_request(demo):
    """Done when: a token created in the portal lists directives with ?agency=MPS."""
    client = Client()
    client.force_login(demo["viewer"])
    response = client.post("/api-tokens/new/", {"name": "curl", "scope": "read"}, follow=True)
    secret = response.context["new_token"]["secret"]
    listed = Client().get("/api/v1/directives/", {"agency": "MPS"}, headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200
    references = {row["reference"] for row in listed.json()["results"]}
    assert "DEMO-01" in references and "DEMO-02" not in references  # MPS leads DEMO-01, SBV DEMO-02


def test_revoked_token_is_refused_with_401_problem(demo):
    issued = tokens.issue_token(owner=demo["mps.focal"], name="x")
    client = ApiClient(issued.secret)
    assert client.get("/api/v1/agencies/").status_code == 200
    web = Client()
    web.force_login(demo["mps.focal"])
    web.post(f"/api-tokens/{issued.token.pk}/revoke/")
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert problem(response)["type"].endswith("unauthorized")


def test_only_the_owner_can_revoke_a_token(demo):
    issued = tokens.issue_token(owner=demo["mps.focal"], name="x")
    web = Client()
    web.force_login(demo["sbv.focal"])
    assert web.post(f"/api-tokens/{issued.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_deactivation_revokes_tokens_for_good(demo):
    secret = tokens.issue_token(owner=demo["mps.focal"], name="x").secret
    demo["mps.focal"].is_active = False
    demo["mps.focal"].save()
    assert ApiClient(secret).get("/api/v1/agencies/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    demo["mps.focal"].is_active = True
    demo["mps.focal"].save()
    assert ApiClient(secret).get("/api/v1/agencies/").status_code == 401  # reactivation revives nothing


def test_tokens_are_redacted_from_log_lines(demo):
    import logging

    from dxtasks.logfilters import RedactTokens

    secret = tokens.issue_token(owner=demo["viewer"], name="x").secret
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Refused: Bearer %s", (secret,), None)
    RedactTokens().filter(record)
    assert secret not in record.getMessage() and "dxt_[redacted]" in record.getMessage()


@pytest.mark.parametrize("header", ["Bearer dxt_" + "A" * 43, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer"])
def test_wrong_or_malformed_credentials_are_401(demo, header):
    response = Client().get("/api/v1/directives/", headers={"Authorization": header})
    assert response.status_code == 401 and problem(response)["status"] == 401


def test_no_credentials_is_401_problem_json(db):
    response = Client().get("/api/v1/directives/")
    assert response.status_code == 401 and problem(response)["detail"]


def test_last_used_is_recorded_at_most_once_a_minute(demo):
    issued = tokens.issue_token(owner=demo["viewer"], name="x")
    client = ApiClient(issued.secret)
    client.get("/api/v1/meetings/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/meetings/")
    assert ApiToken.objects.get().last_used_at == first


def test_read_only_token_cannot_write_even_for_the_secretariat(demo):
    secret = tokens.issue_token(owner=demo["secretariat"], name="ro", scope=Scope.READ).secret
    directive = directive_led_by("MPS")
    response = ApiClient(secret).post(
        f"/api/v1/directives/{directive.public_id}/progress/", {"percent": 10, "note": "x"}
    )
    assert response.status_code == 403 and problem(response)["type"].endswith("read-only-token")
    assert not directive.progress_updates.filter(note="x").exists()
    detail = ApiClient(secret).get(f"/api/v1/directives/{directive.public_id}/").json()
    assert detail["permissions"] == {"report": False, "manage": False, "actions": []}


def test_command_prints_the_token_as_its_last_line(demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "mps.focal", stdout=out, stderr=err)
    secret = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.token_hash == _sha256(secret) and token.scope == Scope.WRITE and token.owner.username == "mps.focal"
    call_command("api_token", "viewer", "--read-only", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.get(owner__username="viewer").scope == Scope.READ
    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_done_when_mps_focal_reports_on_mps_and_is_refused_on_sbv(demo):
    out = io.StringIO()
    call_command("api_token", "mps.focal", stdout=out, stderr=io.StringIO())
    client = ApiClient(out.getvalue().strip().splitlines()[-1])
    mps, sbv = directive_led_by("MPS"), directive_led_by("SBV")
    body = {"percent": 60, "note": "Đã trình dự thảo", "evidence_url": None}
    ok = client.post(f"/api/v1/directives/{mps.public_id}/progress/", body)
    assert ok.status_code == 200 and ok.json()["latest_progress"]["percent"] == 60
    refused = client.post(f"/api/v1/directives/{sbv.public_id}/progress/", body)
    assert refused.status_code == 403 and sbv.reference in problem(refused)["detail"]
    assert not sbv.progress_updates.filter(note="Đã trình dự thảo").exists()
