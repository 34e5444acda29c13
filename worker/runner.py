"""The worker loop: claim a batch, keep its leases alive from a thread, run the handler on
each task, report each result (or the whole batch at once when every task succeeded with
the same output)."""

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable

from worker.client import ShortsGenClient, WorkerError

logger = logging.getLogger("shortsgen.worker")

Handler = Callable[[dict], dict | None]


class Worker:
    def __init__(
        self,
        client: ShortsGenClient,
        task_types: list[str],
        handler: Handler,
        *,
        worker_id: str | None = None,
        max_tasks: int = 1,
        lease_seconds: int = 60,
        poll_seconds: float = 2.0,
        platforms: list[str] | None = None,
        wait_seconds: int = 20,
    ):
        self.client = client
        self.task_types = task_types
        self.handler = handler
        self.worker_id = worker_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
        self.max_tasks = max_tasks
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.platforms = platforms
        self.wait_seconds = wait_seconds
        self.stopping = threading.Event()

    def run(self, *, max_batches: int | None = None, stop_when_idle: bool = False) -> int:
        """Work until stopped (or idle, or after max_batches); returns tasks processed.

        Each claim waits on the server up to `wait_seconds` for work (none when stopping
        when idle: idle then means nothing ready now). Between two empty claims at least
        `poll_seconds` pass, or what the server asked (Retry-After), so that a server that
        cannot wait is never asked in a tight loop."""
        done = batches = 0
        while not self.stopping.is_set():
            asked = time.monotonic()
            tasks = self.client.claim(
                self.task_types,
                worker_id=self.worker_id,
                max_tasks=self.max_tasks,
                lease_seconds=self.lease_seconds,
                platforms=self.platforms,
                wait_seconds=0 if stop_when_idle else self.wait_seconds,
            )
            if not tasks:
                if stop_when_idle:
                    break
                pause = self.poll_seconds - (time.monotonic() - asked)
                if self.client.claim_retry_after:
                    # Its server process had no room for another waiting claim: a new
                    # connection may reach another process (or host) that has.
                    self.client.session.close()
                self.stopping.wait(max(pause, self.client.claim_retry_after or 0))
                continue
            done += self.process(tasks)
            batches += 1
            if max_batches is not None and batches >= max_batches:
                break
        return done

    def process(self, tasks: list[dict]) -> int:
        beating = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(tasks, beating), daemon=True)
        beat.start()
        results = []
        try:
            for task in tasks:
                try:
                    results.append((task, "completed", self.handler(task) or {}, None))
                except Exception as exc:  # the handler's failure is the task's, not ours
                    logger.exception("task %s failed", task["id"])
                    results.append((task, "failed", None, f"{type(exc).__name__}: {exc}"))
        finally:
            beating.set()
            beat.join()
        outputs = {repr(out) for _, status, out, _ in results if status == "completed"}
        if len(tasks) > 1 and all(r[1] == "completed" for r in results) and len(outputs) == 1:
            try:
                self.client.report_batch(tasks, status="completed", task_output=results[0][2])
                return len(tasks)
            except WorkerError as exc:  # e.g. a task was deleted: the batch changed nothing
                logger.warning("batch report refused (%s); reporting task by task", exc.msg)
        for task, status, output, error in results:
            try:
                self.client.report(task, status=status, task_output=output, error_message=error)
            except WorkerError as exc:  # e.g. our lease was taken over: the new holder reports
                logger.warning("report of task %s refused: %s", task["id"], exc.msg)
        return len(tasks)

    def _heartbeat(self, tasks: list[dict], stop: threading.Event) -> None:
        interval = max(1.0, self.lease_seconds / 3)
        while not stop.wait(interval):
            for task in tasks:
                try:
                    self.client.heartbeat(task, lease_seconds=self.lease_seconds)
                except (WorkerError, OSError) as exc:
                    logger.warning("heartbeat of task %s failed: %s", task["id"], exc)


def sleep_handler(task: dict) -> dict:
    """A demo handler: waits task_input.seconds (default 0) and echoes the input."""
    time.sleep(float((task.get("task_input") or {}).get("seconds", 0)))
    return {"echo": task.get("task_input"), "dependency_outputs": task.get("dependency_outputs")}
