"""A private PgBouncer in transaction pooling mode in front of the test database.

Each `PgBouncer` is its own process (Debian's `pgbouncer` package, found at
`SHORTSGEN_PGBOUNCER` or on the PATH, /usr/sbin included) with its own ini in a temporary
folder, listening on a free port of 127.0.0.1. Without the binary the tests that need one are
skipped with the reason, unless `SHORTSGEN_REQUIRE_PGBOUNCER` is set (CI sets it), where a
missing binary fails them. The process is stopped with its whole process group on every exit
path: `stop()` (the fixture's teardown, an exception included), an `atexit` hook, and, should
the test process itself be killed, the parent-death signal the kernel sends it.
"""

import atexit
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import suppress
from pathlib import Path

PGBOUNCER_NAMES = ("pgbouncer", "/usr/sbin/pgbouncer")
# What psycopg and Django may send at connection start that PgBouncer does not track itself:
# refusing them would refuse the connection ("unsupported startup parameter").
DEFAULT_IGNORED_STARTUP_PARAMETERS = ("extra_float_digits",)
# PgBouncer refuses to run as root; the test process usually is root in CI containers.
UNPRIVILEGED_USERS = ("postgres", "nobody")
_PR_SET_PDEATHSIG = 1


def pgbouncer_path() -> str | None:
    configured = os.environ.get("SHORTSGEN_PGBOUNCER")
    if configured:
        return shutil.which(configured)  # a path that is not an executable is no pgbouncer
    for name in PGBOUNCER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pgbouncer_required() -> bool:
    return os.environ.get("SHORTSGEN_REQUIRE_PGBOUNCER", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgBouncer:
    """One pgbouncer process in transaction mode pooling DATABASE (a Django settings_dict).

    `settings_dict()` is that database reached through it; `url` the same as a DATABASE_URL.
    """

    def __init__(
        self,
        executable: str,
        database: dict,
        *,
        pool_size: int = 20,
        max_client_conn: int = 200,
        ignore_startup_parameters: tuple[str, ...] = DEFAULT_IGNORED_STARTUP_PARAMETERS,
    ):
        self.executable = executable
        self.database = database
        self.pool_size = pool_size
        self.max_client_conn = max_client_conn
        self.ignore_startup_parameters = ignore_startup_parameters
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.log = None

    @property
    def url(self) -> str:
        user = self.database["USER"] or "postgres"
        return f"postgres://{user}@127.0.0.1:{self.port}/{self.database['NAME']}"

    def settings_dict(self) -> dict:
        """The database's settings through this bouncer, with nothing prepared (Django's
        own default, as settings.py leaves it with DATABASE_PREPARED_STATEMENTS=false)."""
        options = {
            name: value
            for name, value in self.database.get("OPTIONS", {}).items()
            if name not in ("prepare_threshold", "options")
        }
        return {**self.database, "HOST": "127.0.0.1", "PORT": str(self.port), "OPTIONS": options}

    def start(self) -> "PgBouncer":
        self.folder = Path(tempfile.mkdtemp(prefix="shortsgen-pgbouncer-"))
        # Readable by the unprivileged user pgbouncer runs as: a test database's address.
        self.folder.chmod(0o755)
        for attempt in range(5):
            self.port = free_port()
            self._write_config()
            self._spawn()
            if self._wait_until_listening():
                atexit.register(self.stop)
                return self
            output = self._stop_process()
            if attempt == 4 or "Address already in use" not in output:
                self._remove_folder()
                raise RuntimeError(f"pgbouncer did not start:\n{output}")
        raise AssertionError("unreachable")

    def stop(self) -> None:
        atexit.unregister(self.stop)
        self._stop_process()
        self._remove_folder()

    def __enter__(self) -> "PgBouncer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _write_config(self) -> None:
        db = self.database
        target = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']}"
        if db["USER"]:
            target += f" user={db['USER']}"
        if db["PASSWORD"]:
            target += f" password={db['PASSWORD']}"
        user = db["USER"] or "postgres"
        (self.folder / "userlist.txt").write_text(f'"{user}" ""\n')
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{db['NAME']} = {target}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "pool_mode = transaction\n"
            "auth_type = trust\n"
            f"auth_file = {self.folder / 'userlist.txt'}\n"
            f"max_client_conn = {self.max_client_conn}\n"
            f"default_pool_size = {self.pool_size}\n"
            "min_pool_size = 0\n"
            "reserve_pool_size = 0\n"
            f"ignore_startup_parameters = {','.join(self.ignore_startup_parameters)}\n"
            # Server connections live through the whole test (0 would mean one use each).
            "server_lifetime = 86400\n"
            "server_idle_timeout = 86400\n"
            "log_connections = 0\n"
            "log_disconnections = 0\n"
        )
        for path in self.folder.iterdir():
            path.chmod(0o644)

    def _spawn(self) -> None:
        user = None
        if os.geteuid() == 0:
            user = next(u for u in UNPRIVILEGED_USERS if _user_exists(u))
        # A file opened here, not a pipe: a pipe nobody reads would block its logging.
        self.log = open(self.folder / "pgbouncer.log", "w+")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            [self.executable, str(self.folder / "pgbouncer.ini")],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping it stops anything it started.
            start_new_session=True,
            user=user,
            group=pwd.getpwnam(user).pw_gid if user else None,
            extra_groups=[] if user else None,
            # After the change of user (which would clear it): killed if the tests die.
            preexec_fn=_die_with_parent,
        )

    def _wait_until_listening(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def _stop_process(self) -> str:
        """Stop the process group (TERM, then KILL); what the process wrote."""
        process, self.process = self.process, None
        if process is None:
            return ""
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        log, self.log = self.log, None
        log.seek(0)
        output = log.read()
        log.close()
        return output

    def _remove_folder(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def use_pooled_database(settings_dict: dict) -> None:
    """In a process of its own (a forked worker), before its first query: the default
    connection goes to `settings_dict` (`PgBouncer.settings_dict()`), nothing prepared."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict.update(settings_dict)
    settings.DATABASE_PREPARED_STATEMENTS = False


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
