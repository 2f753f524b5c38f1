"""The client address: X-Forwarded-For believed only from TRUSTED_PROXIES, and only from the right."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from dxtasks.clientaddress import client_address, parse_networks


def _address(settings, trusted, remote, forwarded=None):
    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_no_trusted_proxy_means_the_header_is_never_read(settings):
    assert _address(settings, [], "203.0.113.9", "10.1.1.1") == "203.0.113.9"


def test_a_header_from_an_untrusted_peer_is_ignored(settings):
    assert _address(settings, ["10.0.0.254"], "203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(settings):
    assert _address(settings, ["10.0.0.254"], "10.0.0.254", "198.51.100.7") == "198.51.100.7"


def test_what_the_client_wrote_to_the_left_is_ignored(settings):
    # The client sends "X-Forwarded-For: 1.1.1.1"; the proxy appends the real peer.
    assert _address(settings, ["10.0.0.254"], "10.0.0.254", "1.1.1.1, 198.51.100.7") == "198.51.100.7"
    assert _address(settings, ["10.0.0.254"], "10.0.0.254", "garbage, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_given_as_networks(settings):
    trusted = ["10.0.0.0/8", "fd00::/8"]
    assert _address(settings, trusted, "10.0.0.254", "1.1.1.1, 198.51.100.7, 10.2.0.1") == "198.51.100.7"
    assert _address(settings, trusted, "fd00::1", "2001:db8::5") == "2001:db8::5"
    assert _address(settings, trusted, "::ffff:10.0.0.254", "198.51.100.8") == "198.51.100.8"


def test_a_trusted_proxy_without_the_header_is_the_client(settings):
    assert _address(settings, ["10.0.0.254"], "10.0.0.254") == "10.0.0.254"
    assert _address(settings, ["10.0.0.254"], "10.0.0.254", "") == "10.0.0.254"


def test_a_bad_trusted_proxies_entry_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/8", "proxy.example"])
    assert parse_networks([" 10.0.0.1 ", ""]) == parse_networks(["10.0.0.1/32"])
