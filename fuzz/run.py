"""`make fuzz`: property-based fuzzing of the API with Schemathesis, over /api/schema/, through
gunicorn on PostgreSQL, as each API role calls it.

A fresh database (dropped and created each run) gets the migrations, the demo data, one token
per role and a project of each demo type (so that workers find tasks to claim). gunicorn serves
it on a free loopback port with DEBUG off. Then one Schemathesis pass per role (client, worker,
n8n), each over the operations that role may call (the schema's `x-roles`, docs/roles.md), with
the checks that every answer is no server error, has a status the schema documents, the
content type it documents and a body that matches the documented schema. The time budget is
shared between the passes by their number of operations. Prints a summary, writes the reports
to fuzz/results/, exits non-zero when a check fails or the server logged an unhandled error
(Schemathesis's own internal errors are reported; FUZZ_STRICT=1 fails on them too), and
always stops gunicorn.

Environment: FUZZ_DATABASE_URL (a database of its own, dropped and created each run),
FUZZ_SECONDS (the whole budget, 240), FUZZ_ROLES (client,worker,n8n), FUZZ_PORT (a free one),
FUZZ_WORKERS (Schemathesis workers, 2), FUZZ_GUNICORN_WORKERS (2), FUZZ_SEED (a seed to repeat
a run), FUZZ_ST_ARGS (more `st run` options, e.g. "--max-examples 50 --mode positive").
"""

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import requests
from cryptography.fernet import Fernet

from tools import processes
from tools.processes import BIN, ROOT

DB = os.environ.get("FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shortsgen_fuzz")
SECONDS = float(os.environ.get("FUZZ_SECONDS", "240"))
ROLES = [r.strip() for r in os.environ.get("FUZZ_ROLES", "client,worker,n8n").split(",") if r]
ST_WORKERS = os.environ.get("FUZZ_WORKERS", "2")
GUNICORN_WORKERS = int(os.environ.get("FUZZ_GUNICORN_WORKERS", "2"))
SEED = os.environ.get("FUZZ_SEED", "")
ST_ARGS = shlex.split(os.environ.get("FUZZ_ST_ARGS", ""))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
# No pass gets less than this, however few operations its role may call.
MIN_PASS_SECONDS = 20
RESULTS = ROOT / "fuzz" / "results"
GENERATED = re.compile(r"^\s*(\d+) generated")
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "DJANGO_SETTINGS_MODULE": "shortsgen.settings",
    "DJANGO_SECRET_KEY": "fuzz-only-not-a-secret",
    # A deployment must name its credentials key (accounts.E002); the database is new each run.
    "SHORTSGEN_CREDENTIALS_KEY": Fernet.generate_key().decode(),
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "SHORTSGEN_LOG_LEVEL": "WARNING",
    # A generated claim may ask to wait 30 s for work that never comes: the fuzzer's time
    # goes to cases, not to waiting (the waits themselves: tasks/tests/test_claim_waits.py).
    "SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS": "1",
    # The fuzzer is one client sending as fast as it can: the throttles would answer most of
    # its requests 429 (documented, so no failure, but nothing tested behind them).
    **{
        f"SHORTSGEN_THROTTLE_{name}": "none"
        for name in ("FAILED_AUTH", "WORKER", "N8N", "CLIENT", "OPERATOR", "VIEWER")
    },
    # No workflow URL is configured and no host is allowed: nothing is sent anywhere.
    "N8N_INSPIRATION_WORKFLOW_URL": "",
    "N8N_TRANSFORM_WORKFLOW_URL": "",
    "N8N_EXECUTION_WORKFLOW_URL": "",
    "N8N_ALLOWED_HOSTS": "",
    "N8N_WEBHOOK_SECRET": "",
}


def log(message: str) -> None:
    print(f"[fuzz {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> str:
    return processes.manage(*args, env=ENV)


def fresh_database() -> None:
    name = psycopg.conninfo.conninfo_to_dict(DB)["dbname"]
    admin = psycopg.conninfo.make_conninfo(DB, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        # FORCE: a gunicorn left over from a killed run must not keep the old one alive.
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput")
    manage("load_demo")


def seed_projects(url: str, client_token: str) -> None:
    """A project of each demo type: tasks for the workers to claim, report and release."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {client_token}"
    types = session.get(f"{url}/api/project-types").json()["data"]
    for project_type in types:
        code = project_type["code"]
        reply = session.post(f"{url}/projects", json={"name": f"fuzz {code}", "project_type": code})
        reply.raise_for_status()


def operations_by_role(schema: dict) -> dict[str, list[str]]:
    """The operation ids each role may call, from the schema's `x-roles`. /api/projects is
    the same view as /projects: fuzzing both would spend the budget twice on one code."""
    roles: dict[str, list[str]] = {}
    for path, item in schema["paths"].items():
        if path.startswith("/api/projects"):
            continue
        for operation in item.values():
            for role in operation.get("x-roles", []):
                roles.setdefault(role, []).append(operation["operationId"])
    return roles


def run_pass(role, token, operation_ids, seconds, url, stamp) -> dict:
    report = RESULTS / f"{stamp}-{role}.ndjson"
    junit = RESULTS / f"{stamp}-{role}.xml"
    command = [
        str(BIN / "st"),
        "--config-file",
        str(ROOT / "fuzz" / "schemathesis.toml"),
        "run",
        f"{url}/api/schema/",
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Token {token}",
        "--include-operation-id-regex",
        "^(" + "|".join(re.escape(op) for op in operation_ids) + ")$",
        "--max-time",
        str(max(1, int(seconds))),
        "--workers",
        ST_WORKERS,
        "--request-timeout",
        "30",
        # The token comes from the header above, not from generated values.
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        str(RESULTS / "examples"),
        "--report",
        "ndjson,junit",
        "--report-ndjson-path",
        str(report),
        "--report-junit-path",
        str(junit),
        "--no-color",
        *(["--seed", SEED] if SEED else []),
        *ST_ARGS,
    ]
    log(f"pass {role}: {len(operation_ids)} operations, {int(seconds)} s")
    started = time.monotonic()
    cases = 0
    # Schemathesis's own report goes to our output as it comes; its last lines count the cases.
    with subprocess.Popen(
        command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as st:
        try:
            for line in st.stdout:
                sys.stdout.write(line)
                if match := GENERATED.match(line):
                    cases = int(match.group(1))
        except BaseException:
            st.terminate()
            raise
    return {
        "role": role,
        "exit_code": st.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "operations": len(operation_ids),
        "cases": cases,
        "failures": failures_by_check(report),
    }


def failures_by_check(report: Path) -> dict[str, int]:
    """Distinct failures (operation, check, message) by check, from the pass's NDJSON events."""
    seen = set()
    if not report.exists():
        return {}
    for line in report.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        for checks in finished.get("recorder", {}).get("checks", {}).values():
            for check in checks:
                failure = (check.get("failure_info") or {}).get("failure")
                if check.get("status") == "failure" and failure:
                    seen.add((check["name"], failure["operation"], failure["message"]))
    return dict(Counter(name for name, _, _ in seen))


def main() -> int:
    processes.stop_on_signals()
    os.chdir(ROOT)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    log(f"database {DB}: drop, create, migrate, load_demo")
    fresh_database()
    tokens = {role: manage("create_api_token", f"fuzz-{role}", "--role", role) for role in ROLES}
    server_log = RESULTS / f"{stamp}-gunicorn.log"
    server = processes.GunicornServer(
        env=ENV,
        port=int(os.environ.get("FUZZ_PORT") or processes.free_port()),
        workers=GUNICORN_WORKERS,
        log_path=server_log,
        options=("--config", "shortsgen/gunicorn.conf.py", "--access-logfile", "-"),
        pidfile=RESULTS / "gunicorn.pid",
    )
    results = []
    with server:
        url = server.url
        log(f"gunicorn on {url} (log: {server_log.relative_to(ROOT)})")
        if "client" in tokens:
            seed_projects(url, tokens["client"])
        schema = requests.get(f"{url}/api/schema/?format=json", timeout=30).json()
        by_role = operations_by_role(schema)
        total = sum(len(by_role.get(role, [])) for role in ROLES)
        for role in ROLES:
            operation_ids = by_role.get(role, [])
            if not operation_ids:
                continue
            share = max(MIN_PASS_SECONDS, SECONDS * len(operation_ids) / total)
            results.append(run_pass(role, tokens[role], operation_ids, share, url, stamp))

    server_errors = server_log.read_text().count("Unhandled error")
    totals = {key: sum(row[key] for row in results) for key in ("operations", "cases")}
    print()
    print(f"{'role':<8}{'operations':>11}{'cases':>8}{'seconds':>9}  failures by check")
    for row in results:
        failures = ", ".join(f"{k} {v}" for k, v in sorted(row["failures"].items())) or "none"
        exit_note = "" if row["exit_code"] == 0 else f" (exit {row['exit_code']})"
        print(
            f"{row['role']:<8}{row['operations']:>11}{row['cases']:>8}{row['seconds']:>9}  "
            f"{failures}{exit_note}"
        )
    seconds = round(sum(row["seconds"] for row in results))
    print(f"{'all':<8}{totals['operations']:>11}{totals['cases']:>8}{seconds:>9}")
    print(f"unhandled errors logged by the server: {server_errors} (see {server_log.name})")
    # A pass fails on what a check found about the API. Schemathesis also exits 1 on its own
    # internal errors (a "Runtime Error" in its report, e.g. a crash while it builds cases),
    # which say nothing about the API: reported, not failed, unless FUZZ_STRICT is set.
    failed = [row["role"] for row in results if row["failures"]]
    tool_errors = [r["role"] for r in results if r["exit_code"] != 0 and not r["failures"]]
    if tool_errors:
        log("Schemathesis's own errors (see its report above): " + ", ".join(tool_errors))
        if os.environ.get("FUZZ_STRICT"):
            failed += tool_errors
    if server_errors:
        failed.append("server")
    log("failed: " + ", ".join(failed) if failed else "no failures")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except processes.ServerFailedToStart as failure:
        sys.exit(f"[fuzz] {failure}")
    except KeyboardInterrupt:
        sys.exit("[fuzz] interrupted; gunicorn and Schemathesis are stopped")
