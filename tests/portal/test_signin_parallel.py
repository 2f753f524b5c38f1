"""Parallel guesses against a live server: the lockout counts before any password is checked."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from dxtasks.accounts.models import Role
from tests.concurrency import Call, CountingHasher, burst

PASSWORD = "correct horse battery"
GUESSES = 60


def _csrf(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return token, cookie


def _post(base, path, token, cookie, username, password):
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}).encode()
    return Call(
        "POST",
        f"{base}{path}",
        body,
        {"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
    )


@pytest.fixture
def counted(settings):
    settings.PASSWORD_HASHERS = ["tests.concurrency.CountingHasher"]
    CountingHasher.reset()
    return CountingHasher


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_sixty_parallel_guesses_get_at_most_five_passwords_checked(
    path, live_server, transactional_db, counted, user_factory
):
    user_factory(Role.VIEWER, username="sbv.focal", is_staff=True)
    token, cookie = _csrf(live_server.url)
    counted.reset()
    codes = burst([_post(live_server.url, path, token, cookie, "sbv.focal", f"guess {n}") for n in range(GUESSES)])
    assert counted.checked <= 5, codes
    assert codes.count(429) >= GUESSES - 5 and set(codes) <= {200, 429}, codes
    # And the right password, now, is refused unchecked too.
    counted.reset()
    assert burst([_post(live_server.url, path, token, cookie, "sbv.focal", PASSWORD)]) == [429]
    assert counted.checked == 0
