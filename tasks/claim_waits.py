"""Claims that wait for work: POST /api/tasks/claim with `wait_seconds`.

A claim that finds nothing ready waits, holding no database connection and sending no query,
until one of these wakes it:
- a task of its types becomes ready: PostgreSQL notifies every process
  (`tasks.ready_notifications`), and each process wakes ONE of its waiting claims that can
  take the task (the longest waiting first). A woken claim that gets a full batch passes the
  wake on to the next, since more may be ready; one that leaves without claiming what it was
  woken for (its deadline came) passes that on too. A thousand tasks made ready at once thus
  wake claims one after another as fast as they take them, and one task wakes one claim per
  process, not every waiting worker;
- the next moment a task of its types becomes ready with time alone (a retry's backoff
  running out, a lease expiring, the accounts' daily quotas starting again at midnight UTC),
  read once when it starts to wait;
- its deadline (`wait_seconds`, at most SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS): it answers
  code 1 as a claim that found nothing, without looking once more when it is listening (it
  would have heard; the worker's next claim looks first thing);
- the process stopping (gunicorn's graceful shutdown): it answers code 1 at once.

Without a listening connection (SQLite, or PostgreSQL while the listener reconnects) a waiting
claim looks again every second (`POLL_SECONDS`): slower, never wrong.

Each process lets at most SHORTSGEN_CLAIM_WAITERS_PER_PROCESS claims wait at once, so that
waiting claims never take every thread gunicorn has: past it, a claim that finds nothing
answers at once with `Retry-After` and the worker sleeps before asking again.
"""

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tasks.ready_notifications import Listener, Readiness, connect_directly
from tasks.selectors import next_time_ready
from tasks.services import tasks_claim_with_payloads

# Seconds between two looks when nothing tells a waiting claim that work came.
POLL_SECONDS = 1.0
# What a worker turned away by a full process is told to wait before asking again.
RETRY_AFTER_SECONDS = 2


@dataclass
class ClaimOutcome:
    tasks: list
    payloads: dict[int, dict]
    # Set when the claim could not wait (too many waiting in this process): seconds to pause.
    retry_after: int | None = None


@dataclass(eq=False)
class Waiter:
    """One waiting claim: what it can take, and the wakes it was handed since its last look."""

    types: frozenset[str]
    platforms: frozenset[str] | None
    woken: threading.Event = field(default_factory=threading.Event)
    handed: list[Readiness] = field(default_factory=list)

    def can_take(self, readiness: Readiness) -> bool:
        if readiness.task_type not in self.types:
            return False
        if self.platforms is None or readiness.platform is None:
            return True
        return readiness.platform in self.platforms


class Waiters:
    """The process's waiting claims, and the listener's subscriber: it hands each readiness
    to one claim that can take it."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.listening = False
        self._lock = threading.Lock()
        self._waiting: list[Waiter] = []  # the longest waiting first

    def __len__(self) -> int:
        return len(self._waiting)

    def enter(self, types: Sequence[str], platforms: Sequence[str] | None) -> Waiter | None:
        """A new waiting claim, or None when the process has as many as it allows."""
        waiter = Waiter(frozenset(types), None if platforms is None else frozenset(platforms))
        with self._lock:
            if len(self._waiting) >= self.capacity:
                return None
            self._waiting.append(waiter)
        return waiter

    def leave(self, waiter: Waiter) -> None:
        """The claim stops waiting; the wakes it was handed and did not look at go on to
        others."""
        with self._lock:
            self._waiting.remove(waiter)
            unseen, waiter.handed = waiter.handed, []
        for readiness in unseen:
            self.ready(readiness)

    def looking(self, waiter: Waiter) -> None:
        """The claim is about to look: what it was handed so far, its look will see."""
        with self._lock:
            waiter.woken.clear()
            waiter.handed.clear()

    def ready(self, readiness: Readiness) -> None:
        with self._lock:
            for waiter in self._waiting:
                if not waiter.woken.is_set() and waiter.can_take(readiness):
                    waiter.handed.append(readiness)
                    waiter.woken.set()
                    return

    def listening_changed(self, listening: bool) -> None:
        # Either way, notifications may have been missed: every claim looks again.
        self.listening = listening
        self.wake_all()

    def wake_all(self) -> None:
        with self._lock:
            for waiter in self._waiting:
                waiter.woken.set()

    def wait(self, waiter: Waiter, seconds: float) -> None:
        """Sleep until woken or `seconds` passed, looking up once a second for a stop."""
        end = time.monotonic() + seconds
        while not stopping():
            left = end - time.monotonic()
            if left <= 0 or waiter.woken.wait(min(left, 1.0)):
                return


class _Process:
    """The waiting claims of this process and, on PostgreSQL, its listener (started with the
    first waiting claim, after gunicorn forked the process)."""

    def __init__(self):
        self.pid = os.getpid()
        self.waiters = Waiters(settings.SHORTSGEN_CLAIM_WAITERS_PER_PROCESS)
        self.listener = None
        if connection.vendor == "postgresql":
            self.listener = Listener(self.waiters, connect_directly)
            self.listener.start()


_process: _Process | None = None
_process_lock = threading.Lock()
_stopping: Callable[[], bool] = bool  # bool() is False: never, until gunicorn says


def stop_waiting_when(check: Callable[[], bool]) -> None:
    """Waiting claims answer at once (nothing claimed) when `check()` comes true: gunicorn's
    worker sets it (shortsgen/gunicorn.conf.py), so a graceful stop never waits on them."""
    global _stopping
    _stopping = check


def stopping() -> bool:
    return _stopping()


def process_waiters() -> Waiters:
    global _process
    with _process_lock:
        if _process is None or _process.pid != os.getpid():
            _process = _Process()
        return _process.waiters


def stop_listening(timeout: float = 5.0) -> None:
    """Stop this process's listener and forget its waiting claims (tests; a process that
    ends need not: the listener's thread is a daemon)."""
    global _process
    with _process_lock:
        process, _process = _process, None
    if process is not None and process.listener is not None and process.pid == os.getpid():
        process.listener.stop(timeout)


def claim_or_wait(*, wait_seconds: int = 0, **terms) -> ClaimOutcome:
    """`tasks_claim_with_payloads(**terms)`; when it finds nothing and `wait_seconds` is
    positive, waits for work as the module docstring says, and claims it."""
    wait_seconds = min(wait_seconds, settings.SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS)
    if wait_seconds <= 0:
        return ClaimOutcome(*tasks_claim_with_payloads(**terms))
    deadline = time.monotonic() + wait_seconds
    waiters = process_waiters()
    # In the queue before the first look: a task made ready during it wakes this claim.
    waiter = waiters.enter(terms["task_types"], terms.get("platforms"))
    if waiter is None:
        tasks, payloads = tasks_claim_with_payloads(**terms)
        return ClaimOutcome(tasks, payloads, retry_after=None if tasks else RETRY_AFTER_SECONDS)
    try:
        while True:
            waiters.looking(waiter)
            tasks, payloads = tasks_claim_with_payloads(**terms)
            if tasks:
                if len(tasks) == terms.get("max_tasks", 1):
                    for task_type in {task.task_type for task in tasks}:
                        waiters.ready(Readiness(task_type, platform=None))
                return ClaimOutcome(tasks, payloads)
            left = deadline - time.monotonic()
            if left <= 0 or stopping():
                return ClaimOutcome([], {})
            if waiters.listening:
                pause = min(left, _seconds_until(next_time_ready(terms["task_types"])))
            else:
                pause = min(left, POLL_SECONDS)
            _release_connection()
            waiters.wait(waiter, pause)
            if stopping():
                return ClaimOutcome([], {})
            # The deadline came with nothing heard: no last look, the worker's next claim
            # looks first thing (a look costs a connection and a claim; docs/performance.md).
            if not waiter.woken.is_set() and time.monotonic() >= deadline and waiters.listening:
                return ClaimOutcome([], {})
    finally:
        waiters.leave(waiter)


def _seconds_until(moment: datetime) -> float:
    # A hair after: the claim compares available_at <= now.
    return max(0.0, (moment - timezone.now() + timedelta(milliseconds=5)).total_seconds())


def _release_connection() -> None:
    """A waiting claim holds no database connection: a thousand idle workers must not cost
    PostgreSQL a thousand idle backends. (Inside a transaction, as under the tests' own, the
    connection stays.)"""
    if not connection.in_atomic_block:
        connection.close()
