"""A small reference worker for ShortsGen: claim, heartbeat, run a handler, report."""

from worker.client import ShortsGenClient, WorkerError
from worker.runner import Worker

__all__ = ["ShortsGenClient", "Worker", "WorkerError"]
