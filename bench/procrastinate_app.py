"""Procrastinate, the peer a Python team would pick: a no-op job run by its own worker."""

from procrastinate import App, PsycopgConnector

from bench.config import DB

# The bench's own database, as every other phase uses (BENCH_DATABASE_URL or its default).
app = App(connector=PsycopgConnector(conninfo=DB))


@app.task(name="noop", queue="bench")
def noop(n: int = 0) -> None:
    return None
