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


def test_repeated_failures_lock_the_account_even_with_the_right_password(world):
    client = client_for(None)
    for _ in range(5):
        _login(client, "leadfp", "wrong")
    response = _login(client, "leadfp", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    # From another address too: the username is locked, not only the address.
    other = client_for(None)
    _login(other, "leadfp", PASSWORD, address="10.9.9.9")
    assert "_auth_user_id" not in other.session


def test_failures_from_one_address_lock_that_address_for_every_username(world):
    client = client_for(None)
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="10.0.0.66")
    _login(client, "cofp", PASSWORD, address="10.0.0.66")
    assert "_auth_user_id" not in client.session
    elsewhere = client_for(None)
    _login(elsewhere, "cofp", PASSWORD, address="10.0.0.7")
    assert "_auth_user_id" in elsewhere.session


def test_a_success_before_the_limit_clears_the_count(world):
    client = client_for(None)
    for _ in range(4):
        _login(client, "leadfp", "wrong", address="10.0.0.1")
    _login(client, "leadfp", PASSWORD, address="10.0.0.2")
    assert "_auth_user_id" in client.session


def test_sign_out_needs_a_post_and_ends_the_session(world):
    client = client_for(world.users["viewer"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(world):
    client = client_for(world.users["viewer"])
    assert client.get("/accounts/password_change/").status_code == 200
    response = client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "mật khẩu mới 2026!",
                                                          "new_password2": "mật khẩu mới 2026!"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="viewer").check_password("mật khẩu mới 2026!")
    bad = client.post("/accounts/password_change/", {"old_password": "wrong", "new_password1": "x",
                                                     "new_password2": "y"})
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
