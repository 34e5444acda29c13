from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from core.responses import envelope


@require_GET
def healthz(request):
    """Liveness: the process answers. No database, so a DB outage does not restart pods."""
    return JsonResponse(envelope({"status": "ok"}))


@require_GET
def readyz(request):
    """Readiness: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            envelope(code=503, msg=f"Database unavailable: {exc.__class__.__name__}"),
            status=503,
        )
    return JsonResponse(envelope({"status": "ok", "database": "ok"}))
