import django_filters

from inspirations.models import Inspiration


class InspirationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Inspiration.Status.choices)
    project_type_code = django_filters.CharFilter()
    source = django_filters.CharFilter()

    class Meta:
        model = Inspiration
        fields = ["status", "project_type_code", "source"]
