"""Parallel HTTP requests against a live server, all in flight at once.

Every connection is opened first, one after another (a burst of connects
overflows the test server's small listen backlog), so each already has its
server thread waiting; then all threads pass a barrier and send together.
"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.auth.hashers import MD5PasswordHasher


@dataclass
class Call:
    method: str
    url: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)


def burst(calls: list[Call], timeout: float = 120) -> list[int]:
    """Send all calls at the same moment, one thread each; return their status codes in order."""
    connections = []
    for call in calls:
        parts = urlsplit(call.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        connection.connect()
        connections.append(connection)
    barrier = threading.Barrier(len(calls))

    def send(index):
        call, connection = calls[index], connections[index]
        parts = urlsplit(call.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        barrier.wait()
        try:
            connection.request(call.method, path, body=call.body, headers=call.headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, range(len(calls))))


class CountingHasher(MD5PasswordHasher):
    """The tests' MD5 hasher, counting every password it hashes or checks (across threads)."""

    checked = 0
    _lock = threading.Lock()
    _inside = threading.local()  # verify() calls encode(): one check, counted once

    @classmethod
    def reset(cls):
        with cls._lock:
            cls.checked = 0

    def _count(self):
        with CountingHasher._lock:
            CountingHasher.checked += 1

    def encode(self, password, salt):
        if not getattr(self._inside, "verifying", False):
            self._count()  # an unknown username: Django hashes the password anyway
        return super().encode(password, salt)

    def verify(self, password, encoded):
        self._count()
        self._inside.verifying = True
        try:
            return super().verify(password, encoded)
        finally:
            self._inside.verifying = False
