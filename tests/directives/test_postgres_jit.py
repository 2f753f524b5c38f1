"""PostgreSQL runs the portal's short queries without JIT compilation (migration directives.0009)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_sessions_of_the_migrated_database_have_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    # A new session: the database's own setting, not the one the migrating session set for itself.
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()
