"""Every `manage.py` line the README shows works as written, from the project root, after `make install`.

A temporary copy of the project (tracked and new files, no var/, no .env) gets
the same .env `make install` writes (by running make there), the database
`make run` sets up (`bootstrap --demo`), and then each command of the README,
in README order, as a subprocess with an environment that sets none of the
project's variables: a command that needs DEBUG or SECRET_KEY exported by
hand fails here. Only the benchmarks' sizes are shrunk (same command, fewer
directives); long-running processes (qcluster) must start and stop cleanly.
"""

import contextlib
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PREFIX = ".venv/bin/python manage.py"
PROJECT_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "ENV_FILE",
    "SQLITE_TEST_NAME",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CSRF_TRUSTED_ORIGINS",
    "PYTHONPATH",
    "UPDATE_SCREENSHOTS",
}
SMALLER = {  # the benchmarks as written take minutes at 100,000 directives; the same code at a small size
    "benchmark_reminders": {"--directives": "200", "--recipients": "20", "--small": "0"},
    "benchmark_portal": {"--directives": "200", "--runs": "1", "--users": "20"},
    "benchmark_feeds": {"--events": "100", "--repeat": "1", "--all-directives": "150"},
    "benchmark_briefing": {"--directives": "20"},
    "benchmark_search": {"--directives": "200", "--runs": "1"},
}
LONG_RUNNING = {"qcluster"}

pytestmark = [pytest.mark.slow]


def readme_commands() -> list[str]:
    """manage.py lines in fenced blocks (comments dropped), and inline spans that start with the prefix."""
    commands, fenced = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            words = shlex.split(line, comments=True)
            if "manage.py" in words:
                commands.append(shlex.join(words))
        else:
            commands += [span for span in re.findall(r"`([^`]+)`", line) if span.startswith(PREFIX + " ")]
    return commands


def shrunk(words: list[str]) -> list[str]:
    sizes = SMALLER.get(words[2], {})
    words = list(words)
    for option, value in sizes.items():
        if option in words:
            words[words.index(option) + 1] = value
        else:
            words += [option, value]
    return words


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("readme") / "dxtasks"
    files = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file() and not name.startswith(("var/", ".venv")) and name != ".env":
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / ".venv").symlink_to(Path(sys.prefix))  # the installed virtualenv, as `make install` leaves it
    return copy


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES and not k.startswith("PYTEST")}


def run(copy: Path, words: list[str], timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(words, cwd=copy, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def test_the_readme_shows_its_commands_in_the_runnable_form():
    commands = readme_commands()
    assert len(commands) >= 12, commands
    names = {shlex.split(c)[2] for c in commands}
    assert {"send_reminders", "briefing", "feed_url", "createsuperuser", "bootstrap"} <= names
    for command in commands:
        assert command.startswith(PREFIX + " "), f"README command not runnable as written: {command}"


def test_make_install_writes_a_dotenv_once_and_every_readme_command_works(project_copy):
    copy = project_copy
    # `make install` on an installed venv only writes .env; -o keeps make from reinstalling the shared venv.
    made = run(copy, ["make", "-o", ".venv/.installed", "install", "PORT=8765"])
    assert made.returncode == 0, made.stdout + made.stderr
    dotenv = (copy / ".env").read_text()
    assert "DEBUG=1" in dotenv and "SITE_URL=http://127.0.0.1:8765" in dotenv
    key = re.search(r"^SECRET_KEY=(\S+)$", dotenv, re.M).group(1)
    assert len(key) >= 50
    again = run(copy, ["make", "-o", ".venv/.installed", "install", "PORT=9999"])
    assert again.returncode == 0 and (copy / ".env").read_text() == dotenv  # never overwritten

    set_up = run(copy, shlex.split(PREFIX + " bootstrap --demo"))  # what `make run` does before serving
    assert set_up.returncode == 0, set_up.stdout + set_up.stderr

    failures = []
    for command in readme_commands():
        words = shrunk(shlex.split(command))
        if words[2] in LONG_RUNNING:
            problem = starts_and_stops(copy, words)
        elif words[2] == "createsuperuser":
            problem = create_superuser_at_a_terminal(copy, words)
        else:
            done = run(copy, words)
            problem = None if done.returncode == 0 else f"exit {done.returncode}: {done.stderr[-2000:]}"
        if problem:
            failures.append(f"{command}\n    {problem}")
    assert not failures, "README commands that fail as written:\n" + "\n".join(failures)
    assert (copy / "sbv.pdf").read_bytes().startswith(b"%PDF")  # the briefing lines really wrote their files


def starts_and_stops(copy: Path, words: list[str]) -> str | None:
    """Up for a while, then SIGTERM to its main process (as a supervisor sends it) stops everything it started."""
    process = subprocess.Popen(
        words,
        cwd=copy,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    time.sleep(8)
    if process.poll() is not None:
        return f"exited at once ({process.returncode}): {process.stdout.read()[-2000:]}"
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        return "did not stop within 60 s of SIGTERM"
    finally:
        leftovers = processes_in(copy)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    output = process.stdout.read()
    if leftovers:
        return f"left processes behind: {leftovers}"
    return f"errors: {output[-2000:]}" if "Traceback" in output else None


def processes_in(directory: Path) -> list[int]:
    """Processes whose working directory is the copy: what a run left behind."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if Path(os.readlink(entry / "cwd")) == directory:
                    found.append(int(entry.name))
    return found


def create_superuser_at_a_terminal(copy: Path, words: list[str]) -> str | None:
    """createsuperuser prompts on a terminal: answer it on a pseudo-terminal as a person would."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        words, cwd=copy, env=clean_env(), stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True
    )
    os.close(terminal)
    answers = iter(["readme.admin", "readme.admin@example.gov.vn", "Readme-check-Pass-2031", "Readme-check-Pass-2031"])
    output, deadline = b"", time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            output += chunk
            if chunk.rstrip().endswith(b":"):  # a prompt
                os.write(controller, (next(answers, "") + "\n").encode())
    process.wait(timeout=30)
    os.close(controller)
    text = output.decode(errors="replace")
    if process.returncode != 0 or "Superuser created successfully" not in text:
        return f"exit {process.returncode}: {text[-2000:]}"
    return None


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_make_run_serves_on_the_chosen_port_links_included_and_stops_cleanly(project_copy, stop):
    copy, port = project_copy, free_port()  # several checkouts may run this suite at once
    make = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
        cwd=copy,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 240, None
        while time.monotonic() < deadline and make.poll() is None and status != 200:
            time.sleep(1)
            with contextlib.suppress(OSError):
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status
        assert status == 200, f"not serving on {port}: exit {make.poll()}"
        environments = [environment_of(pid) for pid in processes_in(copy)]
        servers = [e for e in environments if "runserver" in e.get("_cmdline", "")]
        workers = [e for e in environments if "qcluster" in e.get("_cmdline", "")]
        assert servers and workers
        assert {e.get("SITE_URL") for e in servers + workers} == {f"http://127.0.0.1:{port}"}  # links use the port
        if stop == signal.SIGTERM:
            make.send_signal(signal.SIGTERM)  # e.g. `kill <make's pid>`
        else:
            os.killpg(make.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the foreground group
        make.wait(timeout=60)
        time.sleep(1)
        assert processes_in(copy) == [], "make run left processes behind"
        output = make.stdout.read()
        assert "Segmentation fault" not in output and "Traceback" not in output, output[-3000:]
        assert re.search(r"Q Cluster \S+ has stopped", output), output[-3000:]  # the worker stopped in order
    finally:
        for pid in processes_in(copy):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment_of(pid: int) -> dict:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return {}
    pairs = dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)
    return {**pairs, "_cmdline": cmdline}
