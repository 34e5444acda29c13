"""A real outage: gunicorn serving from a PostgreSQL cluster of the test's own, which the test
stops, blackholes and starts again under it. No process of ShortsGen is restarted."""

import contextlib
import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from django.conf import settings


def server_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: on the PATH, else Debian's newest."""
    found = shutil.which("pg_ctl")
    candidates = [str(Path(found).resolve().parent)] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory, name), os.X_OK) for name in ("initdb", "pg_ctl")):
            return Path(directory)
    return None


def owner_prefix() -> list[str] | None:
    """PostgreSQL refuses to run as root: run it as the postgres user then."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("runuser"):
        return None
    try:
        subprocess.run(["id", "postgres"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        return None
    return ["runuser", "-u", "postgres", "--"]


PG_BIN = server_binaries()
AS_OWNER = owner_prefix()
CONNECT_TIMEOUT = 2  # psycopg's smallest
pytestmark = [
    pytest.mark.skipif(
        PG_BIN is None, reason="PostgreSQL server binaries (initdb, pg_ctl) not found"
    ),
    pytest.mark.skipif(
        AS_OWNER is None, reason="PostgreSQL refuses root, and there is no postgres user to run it"
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway cluster in a temp directory: trust auth, loopback only, no fsync."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.port = free_port()

    def pg(self, *args: str) -> None:
        subprocess.run([*AS_OWNER, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        options = ["-U", "postgres", "-E", "UTF8", "--auth=trust", "--no-sync"]
        self.pg(str(PG_BIN / "initdb"), "-D", str(self.data), *options)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "postgres.log")
        self.pg(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self.pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@contextlib.contextmanager
def blackhole(port: int):
    """A listener that completes TCP handshakes and never answers: a hung database server."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        yield


class Server:
    def __init__(self, base: str, token: str):
        self.base = base
        self.token = token

    def get(self, path: str, **headers) -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = requests.get(self.base + path, headers=headers, timeout=30)
        return response, time.monotonic() - started

    def api(self, path: str = "/projects", **headers) -> tuple[requests.Response, float]:
        return self.get(path, Authorization=f"Token {self.token}", **headers)


def assert_unavailable_envelope(response: requests.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": 503,
        "msg": "Database unavailable, try again shortly",
        "data": None,
    }
    assert response.headers["Retry-After"].isdigit()


def wait_for(check, seconds: float) -> float:
    """Call check() until it returns true; the seconds that took."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - started


def serve(cluster: Cluster, log) -> tuple[subprocess.Popen, Server]:
    """Migrate the cluster's database, make a client token, start gunicorn on it."""
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SHORTSGEN_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SHORTSGEN_LOG_FORMAT": "json",
    }
    run = {"cwd": settings.BASE_DIR, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run, timeout=120)
    token = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "outage-test"],
        **run,
        text=True,
        timeout=60,
    ).stdout.strip()
    port = free_port()
    gunicorn_command = [sys.executable, "-m", "gunicorn", "-c", "shortsgen/gunicorn.conf.py"]
    gunicorn = subprocess.Popen(
        # No control socket: its default path is shared by every gunicorn of this user.
        [*gunicorn_command, "--no-control-socket", "shortsgen.wsgi"],
        cwd=settings.BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    return gunicorn, Server(f"http://127.0.0.1:{port}", token)


@pytest.fixture
def rig():
    """A started cluster and gunicorn serving from it; everything stopped and removed after."""
    root = Path(tempfile.mkdtemp(prefix="shortsgen-outage-"))
    if AS_OWNER:
        shutil.chown(root, user="postgres")
    cluster = Cluster(root)
    gunicorn = None
    try:
        with open(root / "gunicorn.log", "w+") as log:
            cluster.init()
            cluster.start()
            gunicorn, server = serve(cluster, log)
            yield cluster, server, gunicorn, log
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        with contextlib.suppress(subprocess.SubprocessError):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_outage_answers_503_quickly_and_service_resumes_by_itself(rig):
    cluster, server, gunicorn, log = rig
    timings = {}

    def healthy():
        with contextlib.suppress(requests.ConnectionError):
            return server.get("/healthz")[0].status_code == 200

    wait_for(healthy, 30)
    for _ in range(6):  # both workers hold a persistent connection now, most likely
        assert server.api()[0].status_code == 200
    assert server.get("/readyz")[0].status_code == 200

    # Down: the port refuses. Persistent connections are dead and new ones fail at once.
    cluster.stop()
    stopped = time.monotonic()
    response, took = server.api("/api/tasks", **{"X-Request-ID": "outage-down-1"})
    timings["503 after stop"] = time.monotonic() - stopped
    assert_unavailable_envelope(response)
    assert response.headers["X-Request-ID"] == "outage-down-1"
    assert took < CONNECT_TIMEOUT + 1
    response, took = server.get("/readyz")
    assert response.status_code == 503 and took < CONNECT_TIMEOUT + 1
    response, _ = server.get("/admin/", Cookie=f"sessionid={secrets.token_hex(16)}")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Retry-After" in response.headers

    # Hung: the port accepts and never answers; the connect timeout bounds every request.
    with blackhole(cluster.port):
        response, took = server.api()
        timings["503 while hung"] = took
        assert_unavailable_envelope(response)
        assert CONNECT_TIMEOUT - 0.5 < took < CONNECT_TIMEOUT + 2
        response, took = server.get("/readyz")
        assert response.status_code == 503 and took < CONNECT_TIMEOUT + 2

    # Back: 200s again, from the same processes (timed from the start command).
    started = time.monotonic()
    cluster.start()

    def answers_200():
        response, _ = server.api()
        if response.status_code != 200:
            assert_unavailable_envelope(response)
        return response.status_code == 200

    wait_for(answers_200, 10)
    timings["200 after start"] = time.monotonic() - started
    for _ in range(6):
        assert server.api()[0].status_code == 200

    # A restart between two requests: the health check drops each broken persistent
    # connection and opens a new one, so not even the first request fails.
    cluster.stop()
    cluster.start()
    for _ in range(6):
        response, _ = server.api()
        assert response.status_code == 200, response.text[:300]

    assert gunicorn.poll() is None
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    assert not [line for line in lines if "WORKER TIMEOUT" in line["message"]]
    assert any(
        (line.get("request_id"), line.get("path"), line.get("status"))
        == ("outage-down-1", "/api/tasks", 503)
        for line in lines
    )
    print("outage timings (s):", {name: round(value, 2) for name, value in timings.items()})
