"""API fixtures: the project's fixtures and demo accounts, a token per role, a JSON client."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from dxtasks.accounts.models import User
from dxtasks.api import tokens
from dxtasks.api.models import Scope
from dxtasks.directives.demo import create_demo
from dxtasks.directives.models import Directive


@pytest.fixture(autouse=True)
def generous_rate_limit(settings, db):
    """Tests call far faster than a client would; the rate-limit tests set their own limit."""
    settings.API = {"RATE": (100000, 60)}
    cache.clear()


@pytest.fixture
def demo(seed_data):
    """Fixtures plus the demo accounts (secretariat, mps.focal, sbv.focal, viewer) and demo directives."""
    create_demo()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def token_for(db):
    def make(user, scope=Scope.WRITE, name="tests"):
        return tokens.issue_token(owner=user, name=name, scope=scope).secret

    return make


class ApiClient:
    """A cookie-less client that sends a bearer token and JSON."""

    def __init__(self, secret: str | None):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers={**self.headers, **headers})

    def send(self, method, path, body=None, *, raw: bytes | str | None = None, **headers):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(
            path, data=data, content_type="application/json", headers={**self.headers, **headers}
        )

    def post(self, path, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("patch", path, body, **kwargs)


@pytest.fixture
def api(token_for):
    def make(user=None, scope=Scope.WRITE):
        return ApiClient(token_for(user, scope) if user is not None else None)

    return make


def directive_led_by(code: str) -> Directive:
    return Directive.objects.filter(lead_agency__code=code, state="open").order_by("reference").first()


def problem(response) -> dict:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and body["type"]
    return body
