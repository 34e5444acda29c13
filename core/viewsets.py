"""The base of the API's viewsets: one way to find the row of a URL and to show it."""

from rest_framework import mixins, viewsets
from rest_framework.response import Response

from core.exceptions import NotFoundError
from core.lookups import get_or_404


# List, retrieve, and the row of the URL for every other action. A subclass sets
# `not_found_message` ("Project not found"), and `detail_serializer_class` when a single row
# shows more than a list row does. Create, update and destroy stay the subclass's own: each
# calls its service (views never write) and answers as the contract says. (Comments, not a
# docstring: the schema would show a docstring as every operation's description.)
class ModelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    not_found_message = "Not found"
    detail_serializer_class = None

    def get_serializer_class(self):
        # Also what the schema generator documents the retrieve answer with.
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_object(self):
        return self.find_object(self.get_queryset())

    def get_retrieve_queryset(self):
        """What retrieve reads the row from (a subclass may prefetch what the detail shows)."""
        return self.get_queryset()

    def find_object(self, queryset):
        """The live row of the URL in `queryset`, or the envelope's 404 with this viewset's
        message (ids out of range and non-numeric ids included)."""
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.lookup_field == "pk":
            return get_or_404(queryset, value, self.not_found_message)
        row = queryset.filter(**{self.lookup_field: value}).first()
        if row is None:
            raise NotFoundError(self.not_found_message)
        return row

    def retrieve(self, request, *args, **kwargs):
        row = self.find_object(self.get_retrieve_queryset())
        return Response(self.get_serializer_class()(row).data)

    def message_response(self, message: str) -> Response:
        """The answer of an action that returns no row: {"message": ...} in the envelope."""
        return Response({"message": message})
