from core.filters import FilterSet, IdFilter
from projects.models import Project, ProjectType


class ProjectFilter(FilterSet):
    inspiration_id = IdFilter()

    class Meta:
        model = Project
        fields = ["status", "project_type", "inspiration_id"]


class ProjectTypeFilter(FilterSet):
    class Meta:
        model = ProjectType
        fields = ["category", "is_active"]
