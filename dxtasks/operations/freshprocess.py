"""Run a benchmark's "fresh process" child as a deployed process starts, or compiling the project.

A restarted gunicorn worker finds the project's bytecode where the last start (or
`python -m compileall`, README: a deploy) wrote it. A shell with PYTHONDONTWRITEBYTECODE=1
(some sandboxes and CI images set it) never writes it, so every new process compiles the ~60
modules of dxtasks again: 0.1–0.14 s on 2 cores. The benchmarks time both, each in its own figure.
The bytecode goes under var/pycache (ignored by git), never beside the code.
"""

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.conf import settings


def run_child(command: Sequence[str], extra_env: Mapping[str, str], *, bytecode: bool, timeout: int) -> str:
    """Run `command` (a manage.py child) and return its stdout; raise with its stderr if it fails.

    bytecode=True: every module's bytecode is read from, and written to, var/pycache (run once
    unmeasured first, so the measured runs find it). False: nothing is written and the prefix is
    unset, so modules without a __pycache__ beside them (the project's, here) are compiled."""
    env = {**os.environ, **extra_env}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(settings.BASE_DIR) / "var" / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return done.stdout
