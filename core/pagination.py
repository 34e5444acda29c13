from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from core.fields import MAX_ID


class SkipLimitQuerySerializer(serializers.Serializer):
    # OFFSET is a bigint on PostgreSQL and a 64-bit integer on SQLite.
    skip = serializers.IntegerField(min_value=0, max_value=MAX_ID, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class SkipLimitPagination(LimitOffsetPagination):
    """`?skip=&limit=` as the contract has them; the body is a plain list, the total is in
    the X-Total-Count header. Bad values are a 400, never silently replaced by a default."""

    offset_query_param = "skip"
    limit_query_param = "limit"
    default_limit = 100
    max_limit = 1000
    total_count_header = "X-Total-Count"

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, QuerySet) and not queryset.ordered:
            # An unordered page is a different page on every request.
            raise RuntimeError(f"{view.__class__.__name__} paginates an unordered queryset")
        params = SkipLimitQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        self.request = request
        self.offset = params.validated_data["skip"]
        self.limit = params.validated_data["limit"]
        self.count = self.get_count(queryset)
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(data, headers={self.total_count_header: str(self.count)})

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=MAX_ID, default=0)
            elif parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit, default=100)
        return parameters
