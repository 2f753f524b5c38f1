"""Real servers for the operations tests: gunicorn, and a TCP proxy that can stop answering."""

import os
import select
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.reminders.processes import ROOT, manage_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilenceableProxy:
    """Forwards TCP to `target`; when silenced, accepts connections and never replies.

    Silencing also stops forwarding on connections already open, as a hung
    database server would: the sockets stay connected, nothing comes back.
    """

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.silent = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.silent.is_set():
                continue  # held open, never answered
            upstream = socket.create_connection(self.target)
            self.sockets.append(upstream)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket):
        peers = {a: b, b: a}
        while not self.closed:
            try:
                ready, _, _ = select.select([a, b], [], [], 0.2)
            except (OSError, ValueError):
                return
            if self.silent.is_set():
                continue  # data stays unread: the other side waits forever
            for sock in ready:
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    for s in (a, b):
                        s.close()
                    return
                peers[sock].sendall(data)

    def close(self):
        self.closed = True
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.close()
            except OSError:
                pass


def start_gunicorn(*, port: int, mail_dir: Path, **env) -> subprocess.Popen:
    environment = manage_env(mail_dir)
    environment.update(
        {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "ALLOWED_HOSTS": "dxtasks.test",
            "LOG_LEVEL": "WARNING",
            **env,
        }
    )
    environment.pop("DXTASKS_PROCESS", None)
    return subprocess.Popen(
        [str(Path(os.sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"), "dxtasks.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def get(url: str, timeout: float = 30) -> tuple[int, bytes, float]:
    """Status, body and seconds taken; HTTP errors are answers too."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.communicate()}")
        try:
            if get(url, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> tuple[str, str]:
    process.terminate()
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()
