import django_filters

from tasks.models import Task


class TaskFilter(django_filters.FilterSet):
    project_id = django_filters.NumberFilter(field_name="project_id", min_value=1)
    task_type = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=Task.Status.choices)
    commit_id = django_filters.CharFilter()

    class Meta:
        model = Task
        fields = ["project_id", "task_type", "status", "commit_id"]
