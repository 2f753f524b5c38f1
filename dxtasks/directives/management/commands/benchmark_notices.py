"""Recall and precision of the notice reader on notices whose directives are known.

    python manage.py benchmark_notices                      # tests/directives/notices and its heldout/
    python manage.py benchmark_notices some/dir --json

Per notice: how many expected directives were found with the right (lead
agency, due date, precision), how many proposals were right, and on the
matched ones how often the co-ordinating agencies were exactly right. The
agencies come from the database (run `bootstrap` first).
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dxtasks.directives.notice_scoring import score_directory, total
from dxtasks.directives.notices import Gazetteer

DEFAULT = Path(settings.BASE_DIR) / "tests" / "directives" / "notices"


class Command(BaseCommand):
    help = "Score the conclusion-notice reader against notices with expected directives."

    def add_arguments(self, parser):
        parser.add_argument(
            "directories",
            nargs="*",
            help=f"folders of NAME.txt + NAME.expected.json (default: {DEFAULT} and its heldout/)",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the figures as JSON")

    def handle(self, *args, directories, as_json: bool, **options):
        folders = [Path(d) for d in directories] or [DEFAULT, DEFAULT / "heldout"]
        gazetteer = Gazetteer.from_database()
        if not gazetteer.records:
            raise CommandError("no agencies in the database: run `manage.py bootstrap` first")
        report: list[dict[str, Any]] = []
        for folder in folders:
            if not folder.is_dir():
                raise CommandError(f"no such folder: {folder}")
            scores = score_directory(folder, gazetteer)
            report.append(
                {"folder": str(folder), "notices": [s.as_json() for s in scores], "total": total(scores).as_json()}
            )
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for block in report:
            self.stdout.write(block["folder"])
            self.stdout.write(
                f"  {'notice':<36} {'expected':>8} {'proposed':>8} {'matched':>7} {'recall':>7} "
                f"{'precision':>9} {'co right':>8}"
            )
            for row in [*block["notices"], block["total"]]:
                self.stdout.write(
                    f"  {row['notice']:<36} {row['expected']:>8} {row['proposed']:>8} {row['matched']:>7} "
                    f"{row['recall']:>7.1%} {row['precision']:>9.1%} {row['co_accuracy']:>8.1%}"
                )
