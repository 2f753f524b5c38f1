"""Compare the dashboard's kept counts (directives.Tally) with a recount of the tables; `--repair` replaces them.

The database's triggers keep the counts on every write, so this finds
nothing unless they were bypassed: rows loaded with triggers disabled
(`pg_restore --disable-triggers` of one table without the other, a
`session_replication_role = replica` session) or the table edited by hand.
Exits 1 when it finds a difference it was not asked to repair.
"""

from django.core.management.base import BaseCommand, CommandError

from dxtasks.directives import tallies


class Command(BaseCommand):
    help = "Compare the dashboard's kept counts with a recount of the directives and shares (--repair: replace them)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="replace the kept counts by the recount")

    def handle(self, *args, repair: bool, **options):
        found = tallies.differences()
        for (kind, key, state, late), (kept, counted) in sorted(found.items()):
            self.stdout.write(f"{kind} {key} {state}{' late' if late else ''}: kept {kept}, counted {counted}")
        if not found:
            self.stdout.write("The kept counts agree with the tables.")
        elif repair:
            tallies.recount()
            self.stdout.write(f"Recounted: {len(found)} counts corrected.")
        else:
            raise CommandError(f"{len(found)} counts differ from the tables; run with --repair to recount.")
