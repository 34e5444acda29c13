"""A worker in a process of its own, configured by its environment alone (DATABASE_URL,
DATABASE_PREPARED_STATEMENTS, ...), as a gunicorn worker is: it claims and completes tasks
through the services until none is left, and prints what it did as JSON.

`python -m tasks.testing_worker_process WORKER_NAME TASK_TYPE` (the PgBouncer tests start it).
"""

import json
import os
import sys


def main(worker_name: str, task_type: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortsgen.settings")
    django.setup()
    from django.db import connection

    from tasks.testing import complete_next, worker_actor

    actor = worker_actor(worker_name)
    completed, backends = [], set()
    while True:
        # Its own transaction, as each claim and each completion: which server process
        # answered this one tells whether the client kept one or was handed others.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
        task = complete_next(actor, task_type, lease_seconds=60, output={"by": worker_name})
        if task is None:
            break
        completed.append(task.id)
    print(json.dumps({"completed": completed, "backends": sorted(backends)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
