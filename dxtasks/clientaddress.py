"""The client's address, as far as it can be believed.

`REMOTE_ADDR` is the peer of the TCP connection. Behind a reverse proxy that
is the proxy, and the client is in `X-Forwarded-For`, a header anyone can
send. So the header is read only when the peer is one of the proxies named in
the `TRUSTED_PROXIES` setting (addresses or networks), and then from the right:
each trusted proxy appends the address it saw, so the first entry from the
right that is not a trusted proxy is the client. Whatever the client wrote to
the left of that is ignored. With no trusted proxies (the default) the header
is never read.

One function for every consumer: sign-in lockout (django-axes'
AXES_CLIENT_IP_CALLABLE), the feeds' and other rate limits, the audit.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values) -> tuple[Network, ...]:
    """`["10.0.0.1", "172.16.0.0/12", "::1"]` → networks; a bad entry is a configuration error."""
    networks = []
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {value!r} is not an address or network ({error})") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    if address is None:
        return False
    if getattr(address, "ipv4_mapped", None):  # ::ffff:10.0.0.1 from a dual-stack socket
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in networks)


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not written by a trusted proxy (they write addresses): stop at the last believable one.
            break
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client


# gunicorn compares the peer with a list of addresses (no networks): a network is listed address by address.
GUNICORN_MAX_ADDRESSES = 1024


def gunicorn_forwarded_allow_ips(value: str) -> str:
    """gunicorn's `forwarded_allow_ips` for a TRUSTED_PROXIES value (gunicorn.conf.py): one setting for both.

    gunicorn believes the scheme headers (X-Forwarded-Proto) only from these
    peers, Django its X-Forwarded-For only from the same ones. "" trusts none,
    as Django does. IPv4 addresses are also listed in their IPv6-mapped form
    (a peer on a dual-stack socket). A network of more than
    GUNICORN_MAX_ADDRESSES addresses is a configuration error: name the
    proxies' addresses instead.
    """
    addresses: list[str] = []
    for network in parse_networks(value.split(",")):
        if network.num_addresses > GUNICORN_MAX_ADDRESSES:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {network} has {network.num_addresses} addresses; gunicorn lists each one, "
                f"so at most {GUNICORN_MAX_ADDRESSES}: name the proxies' own addresses"
            )
        for address in network if network.num_addresses > 1 else [network.network_address]:
            addresses.append(str(address))
            if address.version == 4:
                addresses.append(f"::ffff:{address}")
    if len(addresses) > 2 * GUNICORN_MAX_ADDRESSES:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: more than {GUNICORN_MAX_ADDRESSES} addresses in all")
    return ",".join(dict.fromkeys(addresses))
