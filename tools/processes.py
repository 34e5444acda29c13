"""The project's own processes for the scripts of `make bench` and `make fuzz`: manage.py
commands and a gunicorn, each with the environment its script gives, and stopped whatever
ends the script (an exception, Ctrl-C, SIGTERM, a server that never comes up).

gunicorn runs in a session of its own, so that its master and workers are one process group:
stopping the group stops the workers too, even when the master is already gone. Its pid goes
to a pidfile, so that the next run stops a server a killed run (SIGKILL) left behind.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOG_TAIL_LINES = 30


class ServerFailedToStart(RuntimeError):
    """gunicorn could not bind, exited, or did not answer its readiness URL in time."""


def manage(*args: str, env: dict[str, str]) -> str:
    """Run `manage.py` with the given environment; its stdout, stripped."""
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_taken(port: int) -> bool:
    with socket.socket() as sock:
        # As gunicorn binds: connections of an earlier run in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so that every `finally` stops what it started
    (a signal the caller ignores, as nohup does SIGHUP, stays ignored)."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, interrupt)


class GunicornServer:
    """gunicorn on 127.0.0.1:`port`; a context manager that is ready on entry, gone on exit."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        port: int,
        workers: int,
        log_path: Path,
        app: str = "shortsgen.wsgi",
        options: tuple[str, ...] = (),
        pidfile: Path | None = None,
        ready_path: str = "/readyz",
        ready_seconds: float = 120,
        stop_seconds: float = 30,
    ):
        self.env, self.port, self.workers, self.app = env, port, workers, app
        self.log_path, self.options, self.pidfile = log_path, options, pidfile
        self.ready_path, self.ready_seconds = ready_path, ready_seconds
        self.stop_seconds = stop_seconds
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "GunicornServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if self.pidfile:
            stop_stale_server(self.pidfile, self.stop_seconds)
        # Else the readiness probe could be answered by whatever holds the port.
        if port_is_taken(self.port):
            raise ServerFailedToStart(f"port {self.port} is taken by another process")
        command = [str(BIN / "gunicorn"), self.app, "--bind", f"127.0.0.1:{self.port}"]
        # gunicorn's defaults unless `options` names a config (a later --config wins).
        command += ["--config", "python:tools.gunicorn_defaults"]
        command += ["--workers", str(self.workers), *self.options]
        if self.pidfile:
            command += ["--pid", str(self.pidfile)]
        try:
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def wait_until_ready(self) -> None:
        url = self.url + self.ready_path
        deadline = time.monotonic() + self.ready_seconds
        while True:
            if self.process.poll() is not None:
                raise ServerFailedToStart(
                    f"gunicorn exited with {self.process.returncode} before {url} answered"
                    + self.log_tail()
                )
            # Booting workers accept and then stall: any failure of the probe means "not yet".
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise ServerFailedToStart(
                    f"gunicorn did not answer {url} with 200 within {self.ready_seconds:g} s"
                    + self.log_tail()
                )
            time.sleep(0.25)

    def log_tail(self) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        return f"\n--- last lines of {self.log_path}:\n" + "\n".join(lines)

    def stop(self) -> None:
        """SIGTERM to the whole group (a graceful stop), SIGKILL to what is left after
        `stop_seconds` or on a second Ctrl-C."""
        if self.process is None:
            return
        stop_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=self.stop_seconds)
        except subprocess.TimeoutExpired:
            pass
        finally:
            # Also on a second Ctrl-C: what is left of the group, workers included.
            stop_group(self.process.pid, signal.SIGKILL)
            self.process.wait()


def stop_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def stop_stale_server(pidfile: Path, stop_seconds: float) -> None:
    """Stop the gunicorn an earlier run recorded in `pidfile`, if it still runs: only a process
    started as GunicornServer starts it (gunicorn writing this pidfile, leading its own group),
    never another process that got the pid since."""
    try:
        pid = int(pidfile.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        leads_its_group = os.getpgid(pid) == pid
    except (OSError, ValueError):
        return
    if b"gunicorn" not in command or str(pidfile).encode() not in command or not leads_its_group:
        return
    print(f"stopping gunicorn {pid} left running by an earlier run ({pidfile.name})", flush=True)
    stop_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + stop_seconds
    while is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    stop_group(pid, signal.SIGKILL)


def is_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for an init that may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (for checks that nothing was left behind)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp.
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members
