"""PostgreSQL: no JIT compilation for this database's sessions.

The planner costs the portal's counting queries (the register's status counts,
the worklists' OR of an agency's directives and shares) above `jit_above_cost`
at 100,000 directives, and PostgreSQL then spent ~600 ms compiling a query that
runs in 20 ms: every page took 1.4–2.4 s (docs/benchmarks.md, 2026-12-01). The
portal's queries are short; JIT is for long analytic ones. Set on the database
(new sessions) and on the migrating session; a role without the right to alter
the database keeps JIT and is told so (set `jit = off` in postgresql.conf then).
Nothing on SQLite.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    EXECUTE 'ALTER DATABASE ' || quote_ident(current_database()) || ' SET jit = off';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'dxtasks: could not turn JIT off for this database; set jit = off in postgresql.conf';
END $$;
SET jit = off;
"""
BACKWARD = """
DO $$
BEGIN
    EXECUTE 'ALTER DATABASE ' || quote_ident(current_database()) || ' RESET jit';
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END $$;
RESET jit;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("directives", "0008_event_share")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
