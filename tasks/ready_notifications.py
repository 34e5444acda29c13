"""What each process hears of tasks becoming ready: one connection LISTENing on PostgreSQL.

A trigger on the tasks table (migration 0010) NOTIFYs `CHANNEL` when a task becomes pending,
naming its type and platform. Each process that has a waiting claim keeps one connection of
its own LISTENing, from a daemon thread, and hands every notification to the waiting claims
(`tasks.claim_waits`). The connection is a direct one to PostgreSQL (`DATABASE_DIRECT_URL`,
else the default database's): a pooler in transaction mode hands each transaction to any
server connection, so a LISTEN through it would hear nothing, or another client's share.

The thread sends no query while it listens: it sleeps on the socket (TCP keepalives notice
a connection that died). When the connection drops it reconnects with a growing pause, and
says so to its subscriber both ways (notifications may have been missed meanwhile).
"""

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connections

logger = logging.getLogger("shortsgen.tasks")

CHANNEL = "shortsgen_tasks_ready"
# Its thread's name, and its connection's application_name (pg_stat_activity shows it).
LISTENER_NAME = "shortsgen-listener"
# Seconds before each attempt to reconnect, longer after each failure in a row (the last repeats).
RECONNECT_PAUSES = (0.5, 1, 2, 5, 10, 30)
# How often the thread looks up from the socket to see whether it was told to stop (no query).
STOP_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Readiness:
    """A task of this type became ready; `platform` is the task's (or its account's), ""
    when it has none, None when unknown (any claim of the type may take it)."""

    task_type: str
    platform: str | None

    @classmethod
    def from_payload(cls, payload: str) -> "Readiness":
        task_type, _, platform = payload.partition("\n")
        return cls(task_type, platform)


class Subscriber(Protocol):
    """What the listener tells: each readiness, and when it starts or stops listening."""

    def ready(self, readiness: Readiness) -> None: ...

    def listening_changed(self, listening: bool) -> None: ...


class Listener:
    """One LISTENing connection, in a daemon thread, for the process that starts it."""

    def __init__(self, subscriber: Subscriber, connect: Callable[[], psycopg.Connection]):
        self.subscriber = subscriber
        self.connect = connect
        self.listening = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=LISTENER_NAME, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with self.connect() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    failures = 0
                    logger.info("listening for ready tasks (pid %s)", os.getpid())
                    self._set_listening(True)
                    self._dispatch(conn)
            except (psycopg.Error, OSError) as exc:
                logger.warning("listening for ready tasks failed: %s", str(exc).strip())
            finally:
                self._set_listening(False)
            if self._stop.is_set():
                break
            self._stop.wait(RECONNECT_PAUSES[min(failures, len(RECONNECT_PAUSES) - 1)])
            failures += 1

    def _dispatch(self, conn: psycopg.Connection) -> None:
        while not self._stop.is_set():
            for notification in conn.notifies(timeout=STOP_CHECK_SECONDS):
                self.subscriber.ready(Readiness.from_payload(notification.payload))
                if self._stop.is_set():
                    return

    def _set_listening(self, listening: bool) -> None:
        if self.listening != listening:
            self.listening = listening
            self.subscriber.listening_changed(listening)


def connect_directly() -> psycopg.Connection:
    """A connection of its own, in autocommit, straight to PostgreSQL: DATABASE_DIRECT_URL,
    else the default database's settings (its test database under the tests)."""
    if settings.DATABASE_DIRECT_URL:
        database = dj_database_url.parse(settings.DATABASE_DIRECT_URL)
    else:
        database = connections["default"].settings_dict
    options = database.get("OPTIONS") or {}
    params = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "connect_timeout": options.get("connect_timeout", settings.DATABASE_CONNECT_TIMEOUT),
        "application_name": LISTENER_NAME,
        # A listener sends nothing for hours: the kernel's probes tell a dead peer from a
        # quiet one within about a minute.
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    for name in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if name in options:
            params[name] = options[name]
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v is not None})
