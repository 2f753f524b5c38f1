"""`manage.py check --deploy` refuses production settings whose mail goes nowhere."""

import os
import subprocess
import sys

import pytest

from tests.reminders.processes import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Gq2-deploy-check-only-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
    "ALLOWED_HOSTS": "dxtasks.example.gov.vn",
    "SITE_URL": "https://dxtasks.example.gov.vn",
    "DJANGO_SETTINGS_MODULE": "dxtasks.settings",
}


def check_deploy(**env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "DEBUG",
            "EMAIL_ALLOW_NON_DELIVERING",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }  # set by the browser tests' modules; never in deployment
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("email_url", ["", "emlfile:///srv/dxtasks/mail", "consolemail://"])
def test_mail_to_files_or_the_console_is_a_deploy_error(email_url):
    result = check_deploy(EMAIL_URL=email_url)
    assert result.returncode != 0
    assert "dxtasks.E001" in result.stderr and "EMAIL_URL" in result.stderr


def test_an_explicit_flag_allows_a_non_delivering_backend():
    result = check_deploy(EMAIL_URL="", EMAIL_ALLOW_NON_DELIVERING="1")
    assert result.returncode == 0, result.stderr


def test_smtp_passes_the_deploy_check():
    result = check_deploy(EMAIL_URL="smtp+tls://dxtasks:secret@mail.example.gov.vn:587")
    assert result.returncode == 0, result.stderr


def test_development_is_not_bothered(settings):
    from dxtasks.operations.checks import check_mail_delivers

    settings.DEBUG = True
    settings.EMAIL_BACKEND = "dxtasks.mailfiles.EmlFileBackend"
    assert check_mail_delivers(None) == []
    settings.DEBUG = False
    assert [e.id for e in check_mail_delivers(None)] == ["dxtasks.E001"]
