"""The docs page and the token page in a real Chromium, under the production CSP; then the token used with curl."""

import json
import shutil
import subprocess

import pytest

from dxtasks.accounts.models import Role

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.csp_violations = []
    page.outside_requests = []
    page.on("console", lambda m: page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on(
        "request",
        lambda r: (
            page.outside_requests.append(r.url)
            if not r.url.startswith(("http://localhost", "data:", "blob:"))
            else None
        ),
    )
    yield page
    context.close()


def test_docs_render_from_our_origin_under_the_csp(live_server, transactional_db, page):
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    playwright_api.expect(page.locator(".swagger-ui .info .title")).to_contain_text("dxtasks API", timeout=15000)
    playwright_api.expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() >= 15
    assert page.csp_violations == [] and page.outside_requests == []


def test_token_from_the_page_works_over_http(
    live_server, transactional_db, page, agency_factory, user_factory, directive_factory
):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    agency = agency_factory(code="MPS", short_name_vi="BCA")
    user_factory(username="quan", role=Role.FOCAL_POINT, agency=agency)
    directive_factory(lead=agency, reference="UBQG-7/07", title_vi="Luật Bảo vệ dữ liệu cá nhân")
    page.goto(f"{live_server.url}/accounts/login/?next=/api-tokens/")
    page.locator("#id_username").fill("quan")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    page.locator("#token-name").fill("Hệ thống báo cáo")
    page.get_by_role("button", name="Tạo mã").click()
    page.wait_for_load_state()
    secret = page.locator("#api-token").input_value()
    assert secret.startswith("dxt_") and page.csp_violations == []
    # The "Done when", as written: curl -H "Authorization: Bearer …" /api/v1/directives/?agency=MPS
    curl = shutil.which("curl")
    assert curl, "curl is needed (.ci/run installs it)"
    answer = subprocess.run(
        [
            curl,
            "--silent",
            "--show-error",
            "--fail",
            "--noproxy",
            "*",
            "-H",
            f"Authorization: Bearer {secret}",
            f"{live_server.url}/api/v1/directives/?agency=MPS",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body = json.loads(answer.stdout)
    assert [row["reference"] for row in body["results"]] == ["UBQG-7/07"]
    page.reload()
    assert secret not in page.content()  # shown once
