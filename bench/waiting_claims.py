"""Claims that wait for work (issue 13): `make bench-waits`, and a section of `make bench`.

gunicorn serves with the project's own configuration (shortsgen/gunicorn.conf.py: gthread),
sized so that every client can wait. WAIT_CLIENTS worker clients (threads, a token each)
keep a claim always in flight. In order:

- polling, for comparison: each client claims with wait_seconds 0 once a second (the way
  before waiting claims); the statements the server counts for the database over a window;
- then each client claims with wait_seconds WAIT_SECONDS, and asks again as soon as it is
  answered. Hand-off rounds: once every client's claim has been in flight for SETTLE_SECONDS,
  one task is inserted and committed; its latency is the winning client's answer minus the
  moment the commit returned, and the round counts the clients answered (exactly one, with
  the task);
- all at once: one transaction inserts a task for every client; the last one handed out;
- idle: every client waiting and nothing changing, the statements counted over a window
  between the waits' start and their deadline, and the backends connected to the database;
  then the statements the waits' ends cost (code 1 at the deadline, the next claim).

The server's count is pg_stat_database's (transactions committed and rolled back: each
statement outside a transaction is one), read after its backends have reported.

Environment: BENCH_DATABASE_URL, BENCH_GUNICORN_WORKERS, BENCH_PORT as `make bench`, and
BENCH_WAIT_CLIENTS (50), BENCH_WAIT_ROUNDS (30).
"""

import contextlib
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

from bench import config
from bench.command import ran_when_and_where, run_bench
from bench.config import DB, ENV, RESULTS, log
from bench.database import ensure_database, sql
from bench.phases import REQUEST_TIMEOUT, PhaseFailed
from bench.report import format_waits
from bench.targets import check_waits
from tools.processes import (
    ROOT,
    GunicornServer,
    free_port,
    group_members,
    manage,
)

TASK_TYPE = "wait-bench"
WAIT_SECONDS = 20
# gunicorn's threads per process and the waiting claims each process allows (the project's
# default share, 3/4). The kernel hands each client's connection to whichever process accepts
# it first, and a client's claims then stay on its keep-alive connection: the processes'
# shares are uneven (24, 18, 5 and 3 of 50 seen here), so each allows about half the
# clients, not a quarter.
THREADS = 32
WAITERS_PER_PROCESS = 24
# A waiting claim reaches its wait after one claim and one look at the next time-based
# readiness, milliseconds on a warm server: a client counts as waiting once its claim has
# been outstanding this long.
SETTLE_SECONDS = 0.25
# No round starts when a client's wait is about to end (its answer and its next claim
# would fall into the round).
DEADLINE_MARGIN_SECONDS = 1.0
# After the first answer of a round, how long other answers are awaited (there should be none).
LINGER_SECONDS = 0.2
HAND_OFF_TIMEOUT = 5.0
# PostgreSQL 15 adds a backend's counts to the shared statistics when it goes idle, at most
# once a second, else 10 s later if it stays idle; a backend that exits adds them at once.
STATS_SETTLE_SECONDS = 10.5
# Each count the bench reads costs two transactions of its own: the new backend's start
# (it reads the catalogs in one) and the read.
READ_TRANSACTIONS = 2
POLL_SECONDS = 1.0
POLL_WARMUP_SECONDS = 2.0
POLL_WINDOW_SECONDS = 10.0
CLAIM_PATH = "/api/tasks/claim"
CONFIG = ROOT / "shortsgen" / "gunicorn.conf.py"


@dataclass(frozen=True)
class Answer:
    client: int
    sent: float
    received: float
    waited: bool  # asked with wait_seconds (else a poll)
    claimed: bool
    retry_after: str | None


class Board:
    """What the clients tell the bench: their answers, in order, and each client's waiting
    claim in flight (when it was sent; None while its claim in flight is a poll, or none)."""

    def __init__(self, clients: int):
        self.answers: list[Answer] = []
        self.sent: list[float | None] = [None] * clients
        self.failure: str | None = None
        self.waiting = threading.Event()  # clear: the clients poll
        # Set: a client handed a task asks again only once it is cleared.
        self.holding = threading.Event()
        self.released = threading.Event()
        self.stopped = threading.Event()

    def until(self, condition, timeout: float, what: str) -> None:
        """Return once `condition()` holds; PhaseFailed after `timeout` or a client's failure."""
        deadline = time.monotonic() + timeout
        while True:
            if self.failure:
                raise PhaseFailed(f"waiting claims: {self.failure}")
            if condition():
                return
            if time.monotonic() > deadline:
                raise PhaseFailed(f"waiting claims: {what} within {timeout:g} s")
            time.sleep(0.01)

    def since(self, mark: int) -> list[Answer]:
        return self.answers[mark:]


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def _client(number: int, url: str, token: str, board: Board) -> None:
    """One worker: a claim always in flight, polling once a second or waiting."""
    session = _session(token)
    claim = {"task_types": [TASK_TYPE], "worker_id": f"wait-bench-{number}"}
    try:
        while not board.stopped.is_set():
            waiting = board.waiting.is_set()
            sent = time.time()
            if waiting:
                board.sent[number] = sent
            wait = WAIT_SECONDS if waiting else 0
            reply = session.post(
                url + CLAIM_PATH,
                json={**claim, "wait_seconds": wait},
                timeout=wait + REQUEST_TIMEOUT,
            )
            received = time.time()
            board.sent[number] = None
            body = reply.json()
            if reply.status_code != 200 or body["code"] not in (0, 1):
                raise PhaseFailed(f"claim answered {reply.status_code}: {reply.text[:300]}")
            retry_after = reply.headers.get("Retry-After")
            claimed = body["code"] == 0
            board.answers.append(Answer(number, sent, received, waiting, claimed, retry_after))
            if claimed and board.holding.is_set():
                board.released.wait()
            if retry_after:
                # Its process has as many waiting as it allows: a new connection may land on
                # another, as behind a load balancer.
                session.close()
                session = _session(token)
                board.stopped.wait(float(retry_after))
            elif not waiting:
                board.stopped.wait(max(0.0, sent + POLL_SECONDS - time.time()))
    except Exception as error:
        # gunicorn stopping under a claim in flight ends the client; anything before is a failure.
        if not board.stopped.is_set():
            board.failure = board.failure or f"client {number}: {type(error).__name__}: {error}"


@contextlib.contextmanager
def running_clients(url: str, tokens: list[str]):
    """The clients, polling; whatever happens, told to stop on the way out (a claim still in
    flight ends when gunicorn stops)."""
    board = Board(len(tokens))
    for number, token in enumerate(tokens):
        client = threading.Thread(target=_client, args=(number, url, token, board), daemon=True)
        client.start()
    try:
        yield board
    finally:
        board.stopped.set()
        board.released.set()


def worker_tokens(count: int) -> list[str]:
    """A worker token for each client, in one manage.py process (one per token takes ~2 s)."""
    script = (
        "import io\n"
        "from django.core.management import call_command\n"
        f"for number in range({count}):\n"
        "    out = io.StringIO()\n"
        "    call_command('create_api_token', f'wait-bench-{number}', '--role', 'worker',"
        " '--rotate', stdout=out)\n"
        "    print(out.getvalue().strip())\n"
    )
    tokens = manage("shell", "--no-imports", "-c", script, env=ENV).splitlines()
    if len(tokens) != count:
        raise PhaseFailed(f"waiting claims: {len(tokens)} tokens made for {count} clients")
    return tokens


def prepare_tasks() -> int:
    """No task of the bench's type left from an earlier run (nor its project); a project for
    this run's (the bench's tasks have attempts, never dependencies)."""
    sql(
        "DELETE FROM tasks_taskattempt WHERE task_id IN"
        " (SELECT id FROM tasks_task WHERE task_type = %s)",
        [TASK_TYPE],
    )
    sql("DELETE FROM tasks_task WHERE task_type = %s", [TASK_TYPE])
    sql("DELETE FROM projects_project WHERE name = 'wait-bench' AND project_type = 'bench'")
    [(project,)] = sql(
        "INSERT INTO projects_project (name, project_type, status, initial_parameters,"
        " total_tasks, completed_tasks, failed_tasks, created_at, updated_at)"
        " VALUES ('wait-bench', 'bench', 'pending', '{}', 0, 0, 0, now(), now()) RETURNING id"
    )
    return project


def create_tasks(conn: psycopg.Connection, project: int, count: int) -> float:
    """Insert `count` ready tasks in one transaction; the moment its commit returned."""
    conn.execute(
        "INSERT INTO tasks_task (project_id, task_type, status, task_input, priority, attempts,"
        " max_attempts, available_at, created_at, updated_at)"
        " SELECT %s, %s, 'pending', '{}', 0, 0, 1, now(), now(), now()"
        " FROM generate_series(1, %s)",
        [project, TASK_TYPE, count],
    )
    conn.commit()
    return time.time()


def all_waiting(board: Board) -> bool:
    """Every client's waiting claim in flight for SETTLE_SECONDS, and none at its deadline."""
    now = time.time()
    return all(
        sent is not None
        and now - sent >= SETTLE_SECONDS
        and sent + WAIT_SECONDS - now >= DEADLINE_MARGIN_SECONDS
        for sent in board.sent
    )


def wait_all_waiting(board: Board) -> None:
    turned_away = sum(1 for answer in board.answers if answer.retry_after)
    board.until(
        lambda: all_waiting(board),
        WAIT_SECONDS + 10,
        f"not every client waiting ({turned_away} claims turned away with Retry-After so far)",
    )


def hand_off(board: Board, conn: psycopg.Connection, project: int) -> dict:
    """One task created while every client waits: how many got it, and how long after the
    commit the first did."""
    wait_all_waiting(board)
    mark = len(board.answers)
    committed = create_tasks(conn, project, 1)
    board.until(
        lambda: any(answer.claimed for answer in board.since(mark)),
        HAND_OFF_TIMEOUT,
        "no client handed the task",
    )
    time.sleep(LINGER_SECONDS)
    answers = [answer for answer in board.since(mark) if not _at_deadline(answer)]
    claimed = [answer for answer in answers if answer.claimed]
    return {
        "latency_ms": round((claimed[0].received - committed) * 1000, 2),
        "handed": len(claimed),
        # Answered without the task while it was there to claim: none should be.
        "answered_empty": len(answers) - len(claimed),
    }


def _at_deadline(answer: Answer) -> bool:
    """A waiting claim's answer at the end of its wait (code 1), not an early one."""
    waited = answer.received - answer.sent
    return answer.waited and not answer.claimed and waited >= WAIT_SECONDS - 0.1


def hand_off_all(board: Board, conn: psycopg.Connection, project: int, *, hold: bool) -> dict:
    """A task for every client in one transaction: how long until all are handed out.

    Each client asks again at once after its answer, and that claim's first look may find a
    task before the waiting claims are woken: some clients then get two and others none,
    which is counted. With `hold`, clients handed a task ask again only once every client
    has one (every task goes to a waiting claim), and then together: their next waits start
    at about the same moment, as the idle window needs."""
    count = len(board.sent)
    wait_all_waiting(board)
    if hold:
        board.released.clear()
        board.holding.set()
    mark = len(board.answers)
    committed = create_tasks(conn, project, count)
    board.until(lambda: _claimed_since(board, mark) >= count, 10, "not every task handed out")
    claimed = sorted(answer.received for answer in board.since(mark) if answer.claimed)
    board.holding.clear()
    board.released.set()
    return {
        "tasks": count,
        "first_ms": round((claimed[0] - committed) * 1000, 2),
        "median_ms": round((statistics.median(claimed) - committed) * 1000, 2),
        "last_ms": round((claimed[-1] - committed) * 1000, 2),
        # Clients whose waiting claim got none of the tasks (others got two: see above).
        "clients_handed_none": len(_not_handed(board, mark)),
    }


def _claimed_since(board: Board, mark: int) -> int:
    return sum(1 for answer in board.since(mark) if answer.claimed)


def _not_handed(board: Board, mark: int) -> set[int]:
    handed = {answer.client for answer in board.since(mark) if answer.claimed}
    return set(range(len(board.sent))) - handed


class StatementCount:
    """The server's count of the database's transactions (a statement outside a transaction
    is one), less those of the bench's own reads."""

    def __init__(self):
        self.reads = 0

    def read(self) -> int:
        [(count,)] = sql(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database"
            " WHERE datname = current_database()"
        )
        # This read's own are counted after it, once its connection has closed.
        own = self.reads * READ_TRANSACTIONS
        self.reads += 1
        return count - own

    def backends(self) -> dict[str, int]:
        """The other backends connected to the database: the listeners by their name, the
        rest (Django's connections, kept by gunicorn's threads) by their state."""
        self.reads += 1
        rows = sql(
            "SELECT CASE WHEN application_name = 'shortsgen-listener' THEN 'listening'"
            " ELSE coalesce(state, 'unknown') END, count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " GROUP BY 1 ORDER BY 1"
        )
        return dict(rows)


def _window(began: float, first: int, last: int) -> dict:
    seconds = time.time() - began
    return {
        "seconds": round(seconds, 2),
        "statements": last - first,
        "per_second": round((last - first) / seconds, 2),
    }


def polling_window(board: Board, counter: StatementCount) -> dict:
    """The clients claiming with wait_seconds 0 once a second, as before waiting claims: the
    statements the server counts, after a warm-up (every client answered, connections open)."""
    board.until(
        lambda: {answer.client for answer in board.answers} == set(range(len(board.sent))),
        REQUEST_TIMEOUT,
        "not every client answered",
    )
    time.sleep(POLL_WARMUP_SECONDS)
    began, first = time.time(), counter.read()
    time.sleep(POLL_WINDOW_SECONDS / 2)
    seen = counter.backends()
    time.sleep(max(0.0, began + POLL_WINDOW_SECONDS - time.time()))
    ended = time.time()
    window = _window(began, first, counter.read())
    claims = [a for a in board.answers if not a.waited and began <= a.sent <= ended]
    window["claims_per_second"] = round(len(claims) / window["seconds"], 2)
    window["backends"] = seen
    return window


def idle_and_renewal(board: Board, counter: StatementCount) -> dict:
    """Every client waiting and nothing changing: the statements the server counts. The idle
    window opens once the last claim's backends had time to report and closes before the
    first wait's deadline; the renewal window goes on until every client's wait ended (a last
    look, code 1) and its next began, and their backends reported. Together they span one
    whole wait: the average cost of waiting claims, deadlines included."""
    wait_all_waiting(board)
    sent = list(board.sent)
    opens = max(sent) + STATS_SETTLE_SECONDS
    closes = min(sent) + WAIT_SECONDS - DEADLINE_MARGIN_SECONDS
    if closes - opens < 3:
        raise PhaseFailed(f"waiting claims: an idle window of {closes - opens:.1f} s only")
    time.sleep(max(0.0, opens - time.time()))
    began, first = time.time(), counter.read()
    time.sleep((closes - began) / 2)
    seen = counter.backends()
    time.sleep(max(0.0, closes - time.time()))
    idle_ended, middle = time.time(), counter.read()
    idle = _window(began, first, middle)
    idle["backends"] = seen
    idle["answers"] = sum(1 for a in board.answers if began <= a.received <= idle_ended)

    board.until(
        lambda: all(s is not None and s > idle_ended for s in board.sent),
        WAIT_SECONDS,
        "not every client's wait ended and began again",
    )
    time.sleep(max(0.0, max(board.sent) + SETTLE_SECONDS + STATS_SETTLE_SECONDS - time.time()))
    last = counter.read()
    renewal = _window(idle_ended, middle, last)
    renewals = [a for a in board.answers if _at_deadline(a) and a.received > idle_ended]
    renewal["renewals"] = len(renewals)
    renewal["per_renewal"] = round(renewal["statements"] / max(1, len(renewals)), 2)
    return {"idle": idle, "renewal": renewal, "whole_wait": _window(began, first, last)}


def clients_per_process(server: GunicornServer) -> list[int]:
    """The clients' connections each gunicorn worker holds, most first (from /proc)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == server.port and fields[3] == "01":
            established.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in group_members(server.process.pid):
        if pid == server.process.pid:
            continue
        with contextlib.suppress(OSError):
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
            counts.append(sum(1 for fd in fds if _link(fd) in established))
    return sorted(counts, reverse=True)


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def waiting_claims(stamp: str) -> dict:
    """The whole phase, its own gunicorn started and stopped; the figures as a dict."""
    clients, rounds = config.WAIT_CLIENTS, config.WAIT_ROUNDS
    project = prepare_tasks()
    tokens = worker_tokens(clients)
    counter = StatementCount()
    server = GunicornServer(
        env={
            **ENV,
            "GUNICORN_THREADS": str(THREADS),
            "SHORTSGEN_CLAIM_WAITERS_PER_PROCESS": str(WAITERS_PER_PROCESS),
        },
        port=config.PORT or free_port(),
        workers=config.GUNICORN_WORKERS,
        log_path=RESULTS / f"bench-{stamp}-waits-gunicorn.log",
        # The project's configuration (gthread, its threads, its hooks), not gunicorn's defaults.
        options=("--config", str(CONFIG), "--log-level", "warning"),
        pidfile=RESULTS / "gunicorn.pid",
    )
    with server, running_clients(server.url, tokens) as board:
        log(f"waiting claims: gunicorn on {server.url}; {clients} clients polling")
        polling = polling_window(board, counter)
        board.waiting.set()
        wait_all_waiting(board)
        spread = clients_per_process(server)
        log(f"waiting claims: {clients} waiting; {rounds} tasks one at a time, then {clients}")
        with psycopg.connect(DB) as conn:
            handed = [hand_off(board, conn, project) for _ in range(rounds)]
            all_at_once = hand_off_all(board, conn, project, hold=False)
            # Also every client's next wait started together, for the idle window.
            all_at_once_held = hand_off_all(board, conn, project, hold=True)
        log("waiting claims: idle, then every wait's end")
        windows = idle_and_renewal(board, counter)
    latencies = [r["latency_ms"] for r in handed]
    return {
        "clients": clients,
        "wait_seconds": WAIT_SECONDS,
        "gunicorn": {
            "processes": config.GUNICORN_WORKERS,
            "threads": THREADS,
            "waiters_per_process": WAITERS_PER_PROCESS,
            "clients_per_process": spread,
        },
        "hand_off": {
            "rounds": len(handed),
            "p50_ms": round(statistics.median(latencies), 2),
            "p90_ms": round(_percentile(latencies, 0.9), 2),
            "max_ms": round(max(latencies), 2),
            "not_exactly_one": sum(1 for r in handed if r["handed"] != 1 or r["answered_empty"]),
            "each": handed,
        },
        "all_at_once": all_at_once,
        "all_at_once_held": all_at_once_held,
        **windows,
        "polling": polling,
        "turned_away": sum(1 for answer in board.answers if answer.retry_after),
    }


def measure(stamp: str) -> dict:
    ensure_database()
    results = waiting_claims(stamp)
    return {
        **ran_when_and_where(),
        "waiting_claims": results,
        "waiting_targets": check_waits(results),
    }


def main() -> int:
    return run_bench(
        "waits",
        measure,
        lambda report: format_waits(report["waiting_claims"], report["waiting_targets"]),
    )


if __name__ == "__main__":
    sys.exit(main())
