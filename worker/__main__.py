"""python -m worker --url http://localhost:8000 --token T --types script_generation ..."""

import argparse
import importlib
import logging
import os

from worker.client import ShortsGenClient
from worker.runner import Worker, sleep_handler


def load_handler(path: str | None):
    if not path:
        return sleep_handler
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="ShortsGen reference worker")
    parser.add_argument("--url", default=os.environ.get("SHORTSGEN_URL", "http://localhost:8000"))
    parser.add_argument("--token", default=os.environ.get("SHORTSGEN_TOKEN"), required=False)
    parser.add_argument("--types", nargs="+", required=True, help="task types to claim")
    parser.add_argument("--handler", help="module:function taking the task dict (default: sleep)")
    parser.add_argument("--worker-id")
    parser.add_argument("--max-tasks", type=int, default=1)
    parser.add_argument("--lease-seconds", type=int, default=60)
    parser.add_argument("--platforms", nargs="*")
    parser.add_argument(
        "--wait-seconds",
        type=int,
        default=20,
        help="how long each claim waits on the server for work (0-30; 0 polls)",
    )
    parser.add_argument(
        "--poll-seconds", type=float, default=2.0, help="least pause between two empty claims"
    )
    parser.add_argument("--once", action="store_true", help="stop when nothing is left to claim")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token (or SHORTSGEN_TOKEN) is required")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    worker = Worker(
        ShortsGenClient(args.url, args.token),
        args.types,
        load_handler(args.handler),
        worker_id=args.worker_id,
        max_tasks=args.max_tasks,
        lease_seconds=args.lease_seconds,
        platforms=args.platforms,
        wait_seconds=args.wait_seconds,
        poll_seconds=args.poll_seconds,
    )
    done = worker.run(stop_when_idle=args.once)
    logging.info("worker %s processed %d task(s)", worker.worker_id, done)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
