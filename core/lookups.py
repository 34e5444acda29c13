from django.db.models import Model, QuerySet

from core.exceptions import NotFoundError
from core.fields import MAX_ID


def get_or_404(queryset: QuerySet, pk, message: str) -> Model:
    """Fetch one live row by primary key, or raise the envelope's 404 ("Project not found")."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(message) from None
    if not 0 < pk <= MAX_ID:
        raise NotFoundError(message)
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise NotFoundError(message) from None
