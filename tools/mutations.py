"""`make mutations`: plant one deliberate bug at a time and check that the named tests catch it.

The curated list is tools/mutations.toml: each entry names a file, an exact original text (found exactly
once), its replacement and the tests that must fail. The runner copies the working tree (tracked and
untracked-but-not-ignored files, so uncommitted work is what is checked) to a temporary directory, applies
each mutation there in turn, runs only its tests (`pytest -x`) with this interpreter, and restores the file.
Tracked files are never touched.

A mutant is *caught* when pytest reports failing tests (exit status 1). It is *missed* when the tests pass,
and an *error* when pytest could not run them (collection error, bad path). The run exits non-zero if any
mutant is missed or errored, if an original text is no longer found (the code drifted: update the list),
or if the unmutated tests fail (a baseline run, first).

Standard library only (Python 3.11+: tomllib).
"""

import argparse
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = Path(__file__).with_suffix(".toml")
TIMEOUT = 600  # seconds per pytest run: a bound so a mutant that hangs can't hang the run


@dataclass
class Mutation:
    name: str
    file: str
    original: str
    replacement: str
    tests: list[str]
    why: str = ""


@dataclass
class Outcome:
    mutation: Mutation
    verdict: str  # caught, missed, error, drift, timeout
    seconds: float = 0.0
    detail: str = ""


def load(path: Path = LIST) -> list[Mutation]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Mutation(**entry) for entry in data["mutation"]]


def problems(mutations: list[Mutation], root: Path = ROOT) -> dict[str, str]:
    """Entries that can't be applied as written: {name: why}. Also used by tests/test_mutations_list.py."""
    found = {}
    names = set()
    for m in mutations:
        if m.name in names:
            found[m.name] = "duplicate name"
        names.add(m.name)
        target = root / m.file
        if not target.is_file():
            found[m.name] = f"{m.file} does not exist"
            continue
        count = target.read_text(encoding="utf-8").count(m.original)
        if count != 1:
            found[m.name] = f"original text found {count} times in {m.file} (must be exactly once)"
        elif m.original == m.replacement:
            found[m.name] = "replacement equals the original"
        missing = [t for t in m.tests if not (root / t.split("::")[0]).exists()]
        if missing:
            found[m.name] = f"test paths missing: {', '.join(missing)}"
        if not m.tests:
            found[m.name] = "no tests named"
    return found


def copy_tree(destination: Path) -> None:
    """The working tree as it is now (tracked and new files, not ignored ones: no .venv, no var/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = raw.decode()
        source = ROOT / relative
        if not source.is_file():  # deleted but not yet staged
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (destination / "var").mkdir(exist_ok=True)


def run_pytest(tree: Path, tests: list[str], env: dict) -> tuple[int, float, str]:
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", *tests]
    # Its own process group, so a timeout or an interrupted run ends pytest and whatever it started.
    process = subprocess.Popen(
        command, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _end(process)
        return -1, time.monotonic() - started, "timed out"
    except BaseException:
        _end(process)
        raise
    tail = "\n".join(output.strip().splitlines()[-15:])
    return process.returncode, time.monotonic() - started, tail


def _end(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def environment(tree: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"}}
    env.update(
        PYTHONPYCACHEPREFIX=str(tree / "var" / "pycache"),
        HYPOTHESIS_STORAGE_DIRECTORY=str(tree / "var" / "hypothesis-storage"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def table(outcomes: list[Outcome]) -> str:
    lines = ["| # | mutation | file | tests | verdict | seconds |", "|---|---|---|---|---|---|"]
    for n, o in enumerate(outcomes, start=1):
        tests = "<br>".join(f"`{t}`" for t in o.mutation.tests)
        lines.append(f"| {n} | {o.mutation.name} | `{o.mutation.file}` | {tests} | {o.verdict} | {o.seconds:.0f} |")
    return "\n".join(lines)


def markdown(outcomes: list[Outcome], baseline_seconds: float | None, total_seconds: float) -> str:
    caught = sum(o.verdict.startswith("caught") for o in outcomes)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        load_avg = "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load_avg = ""
    head = [
        "# Mutation check (`make mutations`)",
        "",
        "Each row plants one deliberate bug in a core rule (tools/mutations.toml: file, exact original text,",
        "replacement, the tests that must catch it) in a temporary copy of the tree and runs only those tests",
        "(`pytest -x`). *caught*: the tests failed, as they must. Written by `tools/mutations.py --markdown`.",
        "",
        f"Run {when}, {sys.platform}, {os.cpu_count()} cores, {load_avg}: "
        f"**{caught} of {len(outcomes)} caught**"
        + (f"; baseline (unmutated) run {baseline_seconds:.0f} s" if baseline_seconds is not None else "")
        + f"; whole run {total_seconds / 60:.1f} min.",
        "",
        table(outcomes),
        "",
        "What each mutation breaks, and why those tests must notice:",
        "",
    ]
    head += [f"{n}. **{o.mutation.name}**: {o.mutation.why}" for n, o in enumerate(outcomes, start=1) if o.mutation.why]
    return "\n".join(head) + "\n"


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="run mutations whose name contains this")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file (docs/mutations.md)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run of the unmutated tests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary tree (printed) for a look")
    args = parser.parse_args(argv)
    # A SIGTERM ends the run like Ctrl-C: the current pytest is stopped and the temporary tree removed.
    signal.signal(signal.SIGTERM, _interrupted)

    mutations = load()
    if args.only:
        mutations = [m for m in mutations if any(s.lower() in m.name.lower() for s in args.only)]
    bad = problems(mutations)
    started = time.monotonic()
    tree = Path(tempfile.mkdtemp(prefix="dxtasks-mutations-"))
    outcomes: list[Outcome] = []
    baseline_seconds = None
    failed = False
    try:
        copy_tree(tree)
        env = environment(tree)
        if not args.no_baseline:
            union = sorted({t for m in mutations if m.name not in bad for t in m.tests})
            print(f"baseline: {len(union)} test paths, unmutated …", flush=True)
            rc, baseline_seconds, tail = run_pytest(tree, union, env)
            if rc != 0:
                print(f"the unmutated tests fail (exit {rc}); no mutant can be judged:\n{tail}")
                return 2
            print(f"baseline passed in {baseline_seconds:.0f} s", flush=True)
        for n, m in enumerate(mutations, start=1):
            if m.name in bad:
                outcomes.append(Outcome(m, "drift", detail=bad[m.name]))
                print(f"[{n}/{len(mutations)}] {m.name}: DRIFT — {bad[m.name]}", flush=True)
                continue
            target = tree / m.file
            original = target.read_text(encoding="utf-8")
            target.write_text(original.replace(m.original, m.replacement, 1), encoding="utf-8")
            try:
                rc, seconds, tail = run_pytest(tree, m.tests, env)
            finally:
                target.write_text(original, encoding="utf-8")
            verdict = {1: "caught", 0: "missed", -1: "caught (timeout)"}.get(rc, f"error (pytest exit {rc})")
            outcomes.append(Outcome(m, verdict, seconds, tail))
            print(f"[{n}/{len(mutations)}] {m.name}: {verdict} in {seconds:.0f} s", flush=True)
            if not verdict.startswith("caught"):
                print("    " + tail.replace("\n", "\n    "), flush=True)
    finally:
        if args.keep:
            print(f"tree kept: {tree}")
        else:
            shutil.rmtree(tree, ignore_errors=True)

    print()
    print(table(outcomes))
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, baseline_seconds, time.monotonic() - started), encoding="utf-8")
        print(f"\nwritten to {args.markdown}")
    not_caught = [o for o in outcomes if not o.verdict.startswith("caught")]
    failed = bool(not_caught)
    print(
        f"\n{len(outcomes) - len(not_caught)} of {len(outcomes)} caught in {(time.monotonic() - started) / 60:.1f} min"
        + (f"; NOT caught: {', '.join(o.mutation.name for o in not_caught)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
