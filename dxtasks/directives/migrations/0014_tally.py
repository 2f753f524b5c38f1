"""The dashboard's counts kept by the database (models.Tally): the table, its triggers, its first counts.

Triggers rather than code in the services: every way a row is written (the
admin, bulk loads, a queryset's update(), raw SQL) moves the counts. The SQL
is frozen here, as a migration's should be; tests/directives/test_tally.py
holds the counts equal to a recount after every kind of write.
"""

from django.db import migrations, models

# (kind, table, key column, the condition for a row to be counted), one line per count kept.
COUNTED = [
    ("lead", "directives_directive", "lead_agency_id", "{row}.addressees = ''"),  # single-lead directives
    ("agency", "directives_share", "agency_id", "true"),
    ("directive", "directives_share", "directive_id", "true"),
]


def _values(row: str, kind: str, key: str) -> str:
    return f"'{kind}', {row}.{key}, {row}.state, COALESCE({row}.completed_late, false)"


def _match(row: str, kind: str, key: str) -> str:
    return (
        f"kind = '{kind}' AND key = {row}.{key} AND state = {row}.state "
        f"AND late = COALESCE({row}.completed_late, false)"
    )


ADD = (
    "INSERT INTO directives_tally (kind, key, state, late, n) {values} "
    "ON CONFLICT (kind, key, state, late) DO UPDATE SET n = directives_tally.n + 1"
)
TAKE = "UPDATE directives_tally SET n = n - 1 WHERE {match}"


def _sqlite_triggers() -> list[str]:
    """One trigger per table and event; SQLite has a single writer, so the order of the updates doesn't matter."""
    statements = []
    for table in ("directives_directive", "directives_share"):
        counted = [(kind, key, condition) for kind, t, key, condition in COUNTED if t == table]
        inserted = "; ".join(
            ADD.format(values=f"SELECT {_values('NEW', kind, key)}, 1 WHERE {condition.format(row='NEW')}")
            for kind, key, condition in counted
        )
        deleted = "; ".join(
            TAKE.format(match=f"{condition.format(row='OLD')} AND {_match('OLD', kind, key)}")
            for kind, key, condition in counted
        )
        unchanged = " AND ".join(
            [f"OLD.{key} IS NEW.{key}" for _kind, key, _condition in counted]
            + [
                "OLD.addressees IS NEW.addressees" if table == "directives_directive" else "true",
                "OLD.state IS NEW.state",
                "COALESCE(OLD.completed_late, false) IS COALESCE(NEW.completed_late, false)",
            ]
        )
        statements += [
            f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} BEGIN {inserted}; END",
            f"CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} BEGIN {deleted}; END",
            f"CREATE TRIGGER {table}_tally_update AFTER UPDATE ON {table} WHEN NOT ({unchanged}) "
            f"BEGIN {deleted}; {inserted}; END",
        ]
    return statements


POSTGRESQL_MOVE = """
CREATE FUNCTION directives_tally_move(
    k varchar, had boolean, old_key bigint, old_state varchar, old_late boolean,
    has boolean, new_key bigint, new_state varchar, new_late boolean
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF had AND has AND (old_key, old_state, old_late) = (new_key, new_state, new_late) THEN
        RETURN;
    END IF;
    -- Rows are updated in key order: two transactions moving counts between the same two rows
    -- in opposite directions wait for each other instead of deadlocking.
    IF had AND (NOT has OR (old_key, old_state, old_late) < (new_key, new_state, new_late)) THEN
        UPDATE directives_tally SET n = n - 1
        WHERE kind = k AND key = old_key AND state = old_state AND late = old_late;
        had := false;
    END IF;
    IF has THEN
        INSERT INTO directives_tally (kind, key, state, late, n) VALUES (k, new_key, new_state, new_late, 1)
        ON CONFLICT (kind, key, state, late) DO UPDATE SET n = directives_tally.n + 1;
    END IF;
    IF had THEN
        UPDATE directives_tally SET n = n - 1
        WHERE kind = k AND key = old_key AND state = old_state AND late = old_late;
    END IF;
END $$
"""


def _postgresql_triggers() -> list[str]:
    statements = [POSTGRESQL_MOVE]
    for table in ("directives_directive", "directives_share"):
        moves = {"INSERT": [], "DELETE": [], "UPDATE": []}
        for kind, t, key, condition in COUNTED:
            if t != table:
                continue
            old = f"{condition.format(row='OLD')}, OLD.{key}, OLD.state, COALESCE(OLD.completed_late, false)"
            new = f"{condition.format(row='NEW')}, NEW.{key}, NEW.state, COALESCE(NEW.completed_late, false)"
            none = "false, NULL, NULL, NULL"
            moves["INSERT"].append(f"PERFORM directives_tally_move('{kind}', {none}, {new});")
            moves["DELETE"].append(f"PERFORM directives_tally_move('{kind}', {old}, {none});")
            moves["UPDATE"].append(f"PERFORM directives_tally_move('{kind}', {old}, {new});")
        body = " ".join(
            f"{'IF' if op == 'INSERT' else 'ELSIF'} TG_OP = '{op}' THEN {' '.join(performed)}"
            for op, performed in moves.items()
        )
        statements += [
            f"CREATE FUNCTION {table}_tally() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} END IF; RETURN NULL; END $$",
            f"CREATE TRIGGER {table}_tally AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_tally()",
        ]
    return statements


def _first_counts() -> list[str]:
    return [
        f"INSERT INTO directives_tally (kind, key, state, late, n) "
        f"SELECT '{kind}', {key}, state, COALESCE(completed_late, false), COUNT(*) FROM {table} "
        f"WHERE {condition.format(row=table)} GROUP BY {key}, state, COALESCE(completed_late, false)"
        for kind, table, key, condition in COUNTED
    ]


def create(apps, schema_editor):
    # Triggers first, then the counts, in the migration's transaction: on PostgreSQL creating a trigger locks
    # out writers until the commit, so no row is written between the two.
    vendor = schema_editor.connection.vendor
    triggers = _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers()
    for statement in triggers + _first_counts():
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for table in ("directives_directive", "directives_share"):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {table}_tally ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION {table}_tally()", params=None)
        else:
            for event in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER {table}_tally_{event}", params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION directives_tally_move(varchar, boolean, bigint, varchar, boolean, "
            "boolean, bigint, varchar, boolean)",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0013_dashboard_outcomes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=9)),
                ("key", models.BigIntegerField()),
                ("state", models.CharField(max_length=16)),
                ("late", models.BooleanField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "key", "state", "late"), name="tally_key")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
