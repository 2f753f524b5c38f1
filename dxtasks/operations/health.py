"""Liveness and readiness: what a load balancer and a monitor ask.

`/healthz` says the process answers (no database, no cache). `/readyz` runs
the readiness checks, each in its own thread on its own connections, and
answers within `READYZ_TIMEOUT` seconds whatever hangs: a database that
accepts connections and never replies must not hold the probe (nor the
process) for longer than that. The checks are declared by the apps, like
the schedules: an AppConfig may define `readiness_checks()` returning
{name: callable} (hooks.ChecksReadiness); a callable returns a short detail
string or raises.
"""

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from dxtasks.directives import hooks

logger = logging.getLogger(__name__)


@dataclass
class Result:
    name: str
    ok: bool
    detail: str
    seconds: float


def _probe_connection():
    """A fresh connection to the default database with the probe's short timeouts.

    Not the request's (possibly persistent, possibly stuck) connection: a new
    one, so a hung server fails the probe after the connect timeout instead
    of waiting on a socket that will never answer.
    """
    settings_dict = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])  # never the live connection's dict
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    if wrapper.vendor == "postgresql":
        options = wrapper.settings_dict.setdefault("OPTIONS", {})
        options["connect_timeout"] = max(2, int(settings.READYZ_DB_CONNECT_TIMEOUT))  # libpq's minimum is 2
        options["options"] = f"-c statement_timeout={int(settings.READYZ_TIMEOUT * 1000)}"
    return wrapper


def check_database() -> str:
    wrapper = _probe_connection()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return wrapper.vendor
    finally:
        wrapper.close()


def check_migrations() -> str:
    from django.db.migrations.executor import MigrationExecutor

    wrapper = _probe_connection()
    try:
        executor = MigrationExecutor(wrapper)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        wrapper.close()
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied migration(s): {names}")
    return "all applied"


def check_cache() -> str:
    cache = caches["default"]
    key = f"dxtasks:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 30)
    try:
        if cache.get(key) != "1":
            raise RuntimeError("a value written to the cache could not be read back")
    finally:
        cache.delete(key)
    return cache.__class__.__name__


def check_broker() -> str:
    """django-q's broker: Redis answers PING; the ORM broker is its table in the default database."""
    redis_url = settings.Q_CLUSTER.get("redis")
    if redis_url:
        import redis

        client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=settings.READYZ_TIMEOUT, socket_timeout=settings.READYZ_TIMEOUT
        )
        try:
            client.ping()
        finally:
            client.close()
        return "redis"
    wrapper = _probe_connection()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_q_ormq")
            cursor.fetchone()
    finally:
        wrapper.close()
    return "orm"


def declared_checks() -> dict[str, Callable[[], str]]:
    checks = {"database": check_database, "migrations": check_migrations, "cache": check_cache, "broker": check_broker}
    for config in hooks.implementing(hooks.ChecksReadiness):
        checks.update(config.readiness_checks())
    return checks


def _run(name: str, check: Callable[[], str], results: dict[str, Result]) -> None:
    started = time.monotonic()
    try:
        detail = check() or "ok"
        results[name] = Result(name, True, str(detail)[:200], time.monotonic() - started)
    except Exception as exc:  # a failing dependency is the answer, not an error of the probe
        results[name] = Result(name, False, f"{type(exc).__name__}: {exc}"[:200], time.monotonic() - started)
    finally:
        connections.close_all()  # this thread's own connections (the cache's, a model query's)


def readiness(skip: set[str] = frozenset()) -> list[Result]:
    """Every declared check but `skip`, in parallel, each given until the common deadline."""
    checks = {name: check for name, check in declared_checks().items() if name not in skip}
    results: dict[str, Result] = {}
    threads = [
        threading.Thread(target=_run, args=(name, check, results), name=f"readyz-{name}", daemon=True)
        for name, check in checks.items()
    ]
    deadline = time.monotonic() + settings.READYZ_TIMEOUT
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    out = []
    for name in checks:
        result = results.get(name)
        if result is None:  # still waiting: a hung dependency; the thread ends on its own timeout
            result = Result(name, False, f"no answer within {settings.READYZ_TIMEOUT:g} s", settings.READYZ_TIMEOUT)
        out.append(result)
    failed = [r.name for r in out if not r.ok]
    if failed:
        logger.warning("readiness failed: %s", "; ".join(f"{r.name}: {r.detail}" for r in out if not r.ok))
    return out
