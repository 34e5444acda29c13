from core.filters import FilterSet, IdFilter
from tasks.models import Task


class TaskFilter(FilterSet):
    project_id = IdFilter()

    class Meta:
        model = Task
        fields = ["project_id", "task_type", "status", "commit_id"]
