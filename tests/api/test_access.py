"""Session versus token: CSRF on the session, cookies ignored for tokens, rate limits per caller."""

from django.test import Client

from dxtasks.api import tokens

from .conftest import ApiClient, directive_led_by, problem


def _csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api-tokens/")  # any portal page with a form sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_session_reads_without_a_token(demo):
    client = Client()
    client.force_login(demo["viewer"])
    response = client.get("/api/v1/directives/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_session_write_needs_the_csrf_token(demo):
    client, csrf = _csrf_client(demo["mps.focal"])
    directive = directive_led_by("MPS")
    path = f"/api/v1/directives/{directive.public_id}/progress/"
    body = '{"percent": 20, "note": "phiên"}'
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403 and problem(refused)["type"].endswith("csrf")
    assert not directive.progress_updates.filter(note="phiên").exists()
    accepted = client.post(path, body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200 and directive.progress_updates.filter(note="phiên").exists()


def test_a_bearer_request_ignores_the_session_cookie(demo):
    """A bad token from a signed-in browser is still a 401: cookies never authenticate a token request."""
    client = Client()
    client.force_login(demo["secretariat"])
    response = client.get("/api/v1/directives/", headers={"Authorization": "Bearer dxt_" + "x" * 43})
    assert response.status_code == 401


def test_token_requests_need_no_csrf_and_set_no_cookie(demo, token_for):
    client = ApiClient(token_for(demo["mps.focal"]))
    directive = directive_led_by("MPS")
    response = client.post(f"/api/v1/directives/{directive.public_id}/progress/", {"percent": 5, "note": "n"})
    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response
    assert response["Cache-Control"] == "private, no-cache" and "Authorization" in response["Vary"]


def test_rate_limit_per_token_answers_429_with_retry_after(demo, settings, token_for):
    settings.API = {"RATE": (3, 60)}
    first, second = ApiClient(token_for(demo["viewer"])), ApiClient(token_for(demo["viewer"]))
    statuses = [first.get("/api/v1/meetings/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = first.get("/api/v1/meetings/")
    assert problem(limited)["type"].endswith("rate-limited") and 0 < int(limited["Retry-After"]) <= 60
    assert second.get("/api/v1/meetings/").status_code == 200  # another token has its own budget


def test_other_users_token_names_are_not_shown(demo):
    tokens.issue_token(owner=demo["mps.focal"], name="Riêng của BCA")
    web = Client()
    web.force_login(demo["sbv.focal"])
    assert "Riêng của BCA" not in web.get("/api-tokens/").content.decode()
