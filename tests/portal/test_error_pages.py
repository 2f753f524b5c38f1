"""The portal's own error pages — styled, in the user's language — with DEBUG off and on."""

import logging

import pytest
from django.test import Client

from .conftest import client_for

STYLESHEET = "/static/portal/portal.css"


@pytest.fixture(params=[False, True], ids=["production", "DEBUG"])
def mode(request, settings):
    settings.DEBUG = request.param
    return request.param


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def page(response):
    body = response.content.decode()
    assert STYLESHEET in body and "technical" not in body.lower() and "Traceback" not in body
    return body


def test_unknown_pages_and_records_get_the_portal_404_in_the_users_language(world, mode):
    client = client_for(world.users["viewer"])
    for url in ["/no-such-page/", "/directives/00000000-0000-0000-0000-000000000000/", "/meetings/999/"]:
        missing = client.get(url)
        assert missing.status_code == 404
        assert "Không tìm thấy trang" in page(missing)
    english = in_english(client).get("/no-such-page/")
    assert english.status_code == 404 and "Page not found" in page(english)
    assert "Không tìm thấy trang" not in english.content.decode()


def test_a_refusal_gets_the_portal_403_with_its_reason(world, mode):
    client = in_english(client_for(world.users["viewer"]))
    refused = client.get("/directives/new/")
    assert refused.status_code == 403
    body = page(refused)
    assert "You are not allowed to do this" in body and "Nothing was changed." in body


def test_a_form_without_its_csrf_token_gets_the_portal_page_in_the_users_language(world, mode):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/accounts/login/", {"username": "viewer", "password": "correct horse battery"})
    assert refused.status_code == 403
    assert "Biểu mẫu đã hết hạn hoặc không đến từ dxtasks" in page(refused)
    english = in_english(Client(enforce_csrf_checks=True)).post("/accounts/login/", {"username": "viewer"})
    assert english.status_code == 403
    assert "The form has expired or did not come from dxtasks" in page(english)


def test_bad_requests_and_server_errors_get_the_portal_pages_and_the_log_keeps_the_traceback(
    world, mode, settings, caplog
):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client = in_english(Client(raise_request_exception=False))
    malformed = client.get("/test-malformed/")
    assert malformed.status_code == 400 and "Bad request" in page(malformed)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        failed = client.get("/test-fails/")
    assert failed.status_code == 500
    body = page(failed)
    assert "Server error" in body and "a bug" not in body and 'lang="en"' in body
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info and "a bug" in str(errors[0].exc_info[1])
    vietnamese = Client(raise_request_exception=False).get("/test-fails/")
    assert vietnamese.status_code == 500 and "Có lỗi ở máy chủ" in page(vietnamese)
