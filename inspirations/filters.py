from core.filters import FilterSet
from inspirations.models import Inspiration


class InspirationFilter(FilterSet):
    class Meta:
        model = Inspiration
        fields = ["status", "project_type_code", "source"]
