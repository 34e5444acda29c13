"""How a bench command runs (`make bench`, `make bench-waits`): its results stamped with when
and where it ran, a failed phase or a server that cannot start reported in one line (exit 1),
Ctrl-C or SIGTERM unwinding so that every server and client it started is stopped (exit 130),
then its tables printed and its JSON written to bench/results/."""

import json
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench.config import RESULTS, log
from bench.phases import PhaseFailed
from tools.processes import ServerFailedToStart, stop_on_signals


def ran_when_and_where() -> dict:
    """The head of every results file."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }


def run_bench(name: str, measure: Callable[[str], dict], tables: Callable[[dict], str]) -> int:
    """`measure(stamp)` gives the report; `tables(report)` its printed form; the JSON goes to
    bench/results/NAME-STAMP.json. The exit status."""
    stop_on_signals()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    started = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    try:
        report = measure(stamp)
    except (ServerFailedToStart, PhaseFailed) as failure:
        log(f"failed: {failure}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; gunicorn and the bench's other processes are stopped")
        return 130
    print()
    print(tables(report))
    out = RESULTS / f"{name}-{stamp}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {out.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:.0f} s")
    return 0
