import django_filters

from core.filters import IdFilter
from tasks.models import Task


class TaskFilter(django_filters.FilterSet):
    project_id = IdFilter(field_name="project_id")
    task_type = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=Task.Status.choices)
    commit_id = django_filters.CharFilter()

    class Meta:
        model = Task
        fields = ["project_id", "task_type", "status", "commit_id"]
