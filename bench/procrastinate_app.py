"""Procrastinate, the peer a Python team would pick: a no-op job run by its own worker."""

import os

from procrastinate import App, PsycopgConnector

app = App(connector=PsycopgConnector(conninfo=os.environ.get("BENCH_DATABASE_URL", "")))


@app.task(name="noop", queue="bench")
def noop(n: int = 0) -> None:
    return None
