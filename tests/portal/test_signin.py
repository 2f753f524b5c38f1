"""Sign-in, throttling of repeated failures, sign-out, password change, language."""

from django.contrib.auth import get_user_model

from .conftest import client_for

PASSWORD = "correct horse battery"


def _login(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sign_in_and_reach_the_dashboard(world):
    client = client_for(None)
    response = _login(client, "leadfp", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Nhiệm vụ của tôi" in page and "Đăng xuất" in page


def test_every_page_asks_anonymous_visitors_to_sign_in(world):
    response = client_for(None).get("/directives/?status=overdue")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/directives/%3Fstatus%3Doverdue"


def test_wrong_password_is_refused_in_vietnamese(world):
    response = _login(client_for(None), "leadfp", "wrong")
    assert response.status_code == 200
    assert "Vui lòng điền vào" in response.content.decode()


def test_repeated_failures_lock_that_username_from_that_address_with_429(world):
    client = client_for(None)
    for _ in range(4):
        assert _login(client, "leadfp", "wrong").status_code == 200
    fifth = _login(client, "leadfp", "wrong")
    assert fifth.status_code == 429
    response = _login(client, "leadfp", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert 840 <= int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút" in page and "mở khóa" in page
    assert '<form method="post"' in page  # still the sign-in page, with its layout
    # The real user, from their own address, is not locked out by someone else's guesses.
    other = client_for(None)
    assert _login(other, "leadfp", PASSWORD, address="10.9.9.9").status_code == 302
    assert "_auth_user_id" in other.session


def test_the_lock_message_is_in_the_users_language(world):
    client = client_for(None)
    client.cookies["django_language"] = "en"
    for _ in range(5):
        _login(client, "leadfp", "wrong")
    response = _login(client, "leadfp", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes" in response.content.decode()


def test_guessing_many_usernames_from_one_address_locks_no_one_else(world):
    # Behind the reverse proxy every user shares one REMOTE_ADDR: five made-up usernames
    # used to lock the secretariat out.
    client = client_for(None)
    for n in range(6):
        _login(client, f"guess{n}", "wrong", address="10.0.0.66")
    secretariat = client_for(None)
    assert _login(secretariat, "sec", PASSWORD, address="10.0.0.66").status_code == 302
    assert "_auth_user_id" in secretariat.session


def test_a_success_before_the_limit_clears_the_count(world):
    client = client_for(None)
    for _ in range(4):
        _login(client, "leadfp", "wrong", address="10.0.0.1")
    _login(client, "leadfp", PASSWORD, address="10.0.0.1")
    assert "_auth_user_id" in client.session
    again = client_for(None)
    for _ in range(4):
        assert _login(again, "leadfp", "wrong", address="10.0.0.1").status_code == 200


def test_a_fresh_user_agent_does_not_give_fresh_guesses(world):
    client = client_for(None)
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "leadfp", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_USER_AGENT=f"agent {n}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "leadfp", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_USER_AGENT="agent 99",
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off(world):
    from axes.models import AccessAttempt
    from django.utils import timezone

    client = client_for(None)
    for _ in range(5):
        _login(client, "leadfp", "wrong")
    assert _login(client, "leadfp", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert _login(client, "leadfp", PASSWORD).status_code == 302


def test_every_failure_is_audited_with_its_address(world):
    from axes.models import AccessFailureLog

    client = client_for(None)
    for _ in range(6):
        _login(client, "leadfp", "wrong", address="10.0.0.5")
    rows = list(AccessFailureLog.objects.filter(username="leadfp").order_by("attempt_time", "pk"))
    assert len(rows) == 6
    assert {row.ip_address for row in rows} == {"10.0.0.5"}
    assert [row.locked_out for row in rows] == [False] * 4 + [True, True]


def test_the_admin_sign_in_is_locked_the_same_way(world, user_factory):
    from dxtasks.accounts.models import Role

    user_factory(Role.SECRETARIAT, username="boss", is_staff=True, is_superuser=True)
    client = client_for(None)
    for _ in range(12):
        client.post("/admin/login/?next=/admin/", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.0.8")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # and that session does not open the portal
    # One lock for both doors: the portal's sign-in is refused too.
    assert _login(client, "boss", PASSWORD, address="10.0.0.8").status_code == 429


def test_the_admin_lifts_a_lock(world, user_factory):
    from axes.models import AccessAttempt

    from dxtasks.accounts.models import Role

    client = client_for(None)
    for _ in range(5):
        _login(client, "leadfp", "wrong")
    assert _login(client, "leadfp", PASSWORD).status_code == 429
    admin = client_for(user_factory(Role.SECRETARIAT, username="boss", is_staff=True, is_superuser=True))
    listing = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "leadfp" in listing and "10.0.0.1" in listing
    attempt = AccessAttempt.objects.get(username="leadfp")
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _login(client, "leadfp", PASSWORD).status_code == 302


def test_the_command_lifts_a_lock(world):
    from django.core.management import call_command

    client = client_for(None)
    for _ in range(5):
        _login(client, "leadfp", "wrong")
    call_command("axes_reset_username", "leadfp", verbosity=0)
    assert _login(client, "leadfp", PASSWORD).status_code == 302


def test_password_reset_is_off(world):
    client = client_for(None)
    for path in (
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
        "/accounts/reset/MQ/set-password/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/accounts/password_reset/", {"email": "leadfp@example.gov.vn"}).status_code == 404
    assert "Quên mật khẩu? Hãy liên hệ Thư ký Ủy ban." in client.get("/accounts/login/").content.decode()


def test_sessions_end_with_the_browser_and_after_a_working_day(world, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = client_for(None)
    _login(client, "leadfp", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 8 * 3600


def test_sign_out_needs_a_post_and_ends_the_session(world):
    client = client_for(world.users["viewer"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(world):
    client = client_for(world.users["viewer"])
    assert client.get("/accounts/password_change/").status_code == 200
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "mật khẩu mới 2026!", "new_password2": "mật khẩu mới 2026!"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="viewer").check_password("mật khẩu mới 2026!")
    bad = client.post(
        "/accounts/password_change/", {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_language_switch_is_remembered(world):
    client = client_for(world.users["viewer"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/directives/"})
    assert response.status_code == 302 and response["Location"] == "/directives/"
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_vietnamese_by_default_whatever_the_browser_asks(world):
    client = client_for(world.users["viewer"])
    assert '<html lang="vi">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


def _via_proxy(client, username, password, forwarded):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_trusted_proxy_each_client_has_its_own_count(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    attacker = client_for(None)
    for _ in range(6):
        _via_proxy(attacker, "sec", "wrong", "198.51.100.66")
    assert _via_proxy(attacker, "sec", PASSWORD, "198.51.100.66").status_code == 429
    secretariat = client_for(None)
    assert _via_proxy(secretariat, "sec", PASSWORD, "198.51.100.7").status_code == 302
    assert "_auth_user_id" in secretariat.session


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    attacker = client_for(None)
    # Through the proxy: whatever the attacker writes is left of the address the proxy appends.
    for n in range(5):
        _via_proxy(attacker, "sec", "wrong", f"192.0.2.{n}, 198.51.100.66")
    assert _via_proxy(attacker, "sec", PASSWORD, "192.0.2.99, 198.51.100.66").status_code == 429
    # Straight to the server, not through the proxy: the header is not read at all.
    direct = client_for(None)
    for n in range(5):
        direct.post(
            "/accounts/login/",
            {"username": "leadfp", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = direct.post(
        "/accounts/login/",
        {"username": "leadfp", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429
