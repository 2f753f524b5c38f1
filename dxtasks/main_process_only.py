"""Run a command in a process group of its own and pass SIGTERM/SIGINT to its main process only.

`make run` supervises the web server and the django-q worker with honcho, which
stops a process by signalling its whole process group. qcluster's sentinel and
workers reset SIGTERM to "terminate now", so a group-wide SIGTERM kills them
mid-way while the cluster's main process waits on their shared lock: it hung
until SIGKILL. Signalled alone, the main process stops its workers in order
(measured: about 4 s). Usage: `python -m dxtasks.main_process_only CMD ARGS...`
(Procfile.dev). Production supervisors do the same with systemd's KillMode=mixed.
"""

import signal
import subprocess
import sys


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    child = subprocess.Popen(argv, start_new_session=True)

    def forward(signum, frame):
        child.send_signal(signal.SIGTERM)  # the graceful stop, whichever signal asked for it

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
