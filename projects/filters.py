import django_filters

from core.filters import IdFilter
from projects.models import Project, ProjectType


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Project.Status.choices)
    project_type = django_filters.CharFilter()
    inspiration_id = IdFilter(field_name="inspiration_id")

    class Meta:
        model = Project
        fields = ["status", "project_type", "inspiration_id"]


class ProjectTypeFilter(django_filters.FilterSet):
    category = django_filters.CharFilter()
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = ProjectType
        fields = ["category", "is_active"]
