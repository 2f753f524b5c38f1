"""Every `benchmark_*` command runs, at a tiny scale: a benchmark that no longer runs is noticed here.

Figures are not checked (they are the benchmark's to print, on a quiet machine); that each command ends
with its JSON figures, and a few counts that follow from the scale asked for, are. The commands that make
their own throwaway database run in a child process as documented (`manage.py …` from the project root);
the two that use the current database run here, on the test database.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
TINY = {
    "benchmark_search": ["--directives", "40", "--runs", "1"],
    "benchmark_feeds": ["--events", "10", "--repeat", "1", "--all-directives", "0"],
    "benchmark_reminders": ["--directives", "40", "--recipients", "4", "--small", "0"],
    "benchmark_portal": ["--directives", "40", "--users", "8", "--collective", "2", "--shares", "3", "--runs", "1"],
    "benchmark_killed_sweep": ["--directives", "40", "--recipients", "6", "--kill-after", "2"],
}
IN_PROCESS = {"benchmark_briefing", "benchmark_notices"}


def _figures(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_every_benchmark_command_is_smoke_tested():
    commands = {path.stem for path in ROOT.glob("dxtasks/*/management/commands/benchmark_*.py")}
    assert commands == set(TINY) | IN_PROCESS


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(TINY))
def test_a_benchmark_command_runs_at_a_tiny_scale(command):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", command, *TINY[command], "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a bound so a hung benchmark can't hang the suite, not a speed check
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    figures = _figures(done.stdout)
    if command == "benchmark_killed_sweep":
        assert (figures["duplicates"], figures["missing"], figures["rows_not_sent"]) == (0, 0, 0)
        return
    # A timing benchmark: its figures come with the speed of the machine that measured them.
    assert figures["cpu_reference_ms"] > 0, figures
    if command == "benchmark_feeds":
        assert figures["events"] == 10
        assert figures["fresh_process_unchanged_ms"] > 0 and figures["fresh_process_compiling_ms"] > 0
    else:
        assert figures["directives"] >= 40, figures
    if command == "benchmark_portal":
        assert figures["first_request_ms"] > 0 and figures["first_request_compiling_ms"] > 0
        assert figures["dashboard_figures_ms"] > 0 and figures["dashboard_figures_by_status_ms"] > 0


def test_benchmark_briefing_runs_at_a_tiny_scale_and_leaves_nothing(db):
    from dxtasks.directives.models import Directive

    out = io.StringIO()
    call_command("benchmark_briefing", "--directives", "20", "--json", stdout=out)
    figures = _figures(out.getvalue())
    assert figures["seconds"] > 0 and "peak_mb" in figures and figures["cpu_reference_ms"] > 0
    assert not Directive.objects.exists()  # rolled back


def test_benchmark_notices_scores_the_notices(seed_data):
    out = io.StringIO()
    call_command("benchmark_notices", "--json", stdout=out)
    report = json.loads(out.getvalue())  # indented JSON: one list of folders
    assert [Path(block["folder"]).name for block in report] == ["notices", "heldout"]
    assert all(block["notices"] and block["total"]["expected"] > 0 for block in report)
