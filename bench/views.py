"""The ceiling for one task per request: DRF views doing the claim and the completion in one
raw SQL statement each (SKIP LOCKED), with none of ShortsGen's bookkeeping (no leases check,
no counters, no DAG, no quotas, no payload). Same auth, renderer and envelope as the API."""

from django.db import connection, transaction
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.responses import EnvelopeResponse
from core.roles import WORKERS

CLAIM = """
UPDATE tasks_task SET status = 'processing', started_at = now(), attempts = attempts + 1,
       worker_id = %s, lease_expires_at = now() + interval '300 seconds', updated_at = now()
WHERE id = (
    SELECT id FROM tasks_task
    WHERE status = 'pending' AND deleted_at IS NULL AND task_type = %s AND available_at <= now()
    ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED
)
RETURNING id, task_type, status, project_id
"""

COMPLETE = """
UPDATE tasks_task SET status = 'completed', completed_at = now(), task_output = %s,
       worker_id = NULL, lease_expires_at = NULL, updated_at = now()
WHERE id = %s AND status = 'processing'
RETURNING id, status
"""


def for_workers(view):
    """Open to the bench's worker token, as the API's claim and reports are (an endpoint that
    declares no roles is open to nobody)."""
    view.cls.roles = {"post": WORKERS}
    return view


@for_workers
@api_view(["POST"])
def raw_claim(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM, [request.data.get("worker_id"), request.data["task_types"][0]])
        row = cursor.fetchone()
    if row is None:
        return EnvelopeResponse(None, code=1, msg="No pending tasks available for the given types.")
    return Response(dict(zip(["id", "task_type", "status", "project_id"], row, strict=True)))


@for_workers
@api_view(["POST"])
def raw_complete(request, task_id):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(COMPLETE, ['{"ok": true}', task_id])
        row = cursor.fetchone()
    return Response({"id": task_id, "status": row[1] if row else None})
