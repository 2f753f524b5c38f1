"""Security headers, error pages, and the deploy check with production settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

from .conftest import client_for


def test_pages_carry_a_strict_content_security_policy(world):
    response = client_for(world.users["viewer"]).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_templates_have_no_inline_script_or_style_that_the_policy_would_block():
    root = Path(django_settings.BASE_DIR) / "templates"
    for path in (
        list((root / "portal").rglob("*.html"))
        + list((root / "registration").glob("*.html"))
        + [
            root / "base.html",
            root / "400.html",
            root / "403.html",
            root / "403_csrf.html",
            root / "404.html",
            root / "500.html",
        ]
    ):
        text = path.read_text()
        assert "<style" not in text and " style=" not in text, path
        assert "<script>" not in text and "onclick=" not in text and "javascript:" not in text, path


def test_403_page_says_why_and_404_page_is_friendly(world):
    client = client_for(world.users["viewer"])
    forbidden = client.get("/directives/new/")
    assert forbidden.status_code == 403
    body = forbidden.content.decode()
    assert "Chỉ Thư ký Ủy ban được tạo" in body and "Không có thay đổi nào được lưu." in body
    for url in ["/meetings/999/", "/agencies/NOPE/", "/directives/00000000-0000-0000-0000-000000000000/"]:
        missing = client.get(url)
        assert missing.status_code == 404
        assert "Không tìm thấy trang" in missing.content.decode()


def test_deploy_check_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-0123456789abcdef",
        "ALLOWED_HOSTS": "dxtasks.example.gov.vn",
        "SITE_URL": "https://dxtasks.example.gov.vn",
        "DJANGO_SETTINGS_MODULE": "dxtasks.settings",
        "EMAIL_URL": "smtp+tls://dxtasks@mail.example.gov.vn:587",
    }  # production mail (dxtasks.E001 otherwise)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests of this run; never in deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
