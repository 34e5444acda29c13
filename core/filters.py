import django_filters
from django import forms

from core.fields import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """An integer id in the query: 1.5 is refused, not rounded to 1; an id past the column's
    range matches nothing, like an unknown one."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        # Not sent to the database: SQLite cannot bind it and PostgreSQL would compare
        # a bigint column with a numeric.
        if value is not None and value > MAX_ID:
            return qs.none()
        return super().filter(qs, value)
