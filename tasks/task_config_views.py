"""A task's worker configs: assign them, read them merged. The contract keeps these two under
/api/worker-configs/tasks/{task_id}/; tasks owns them (workerconfigs knows no task)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.roles import READERS, WORKERS, WRITERS
from tasks.models import TaskConfig
from tasks.task_config_serializers import (
    TaskConfigAssignSerializer,
    TaskConfigSerializer,
    TaskMergedConfigsSerializer,
)
from tasks.task_configs import get_task_or_404, task_configs_assign, task_merged_configs

TASK_ID = OpenApiParameter("task_id", int, OpenApiParameter.PATH)


# Only the two actions, registered on the `worker-configs` prefix beside that app's viewset.
# (A comment, not a docstring: drf-spectacular would show a docstring in the schema.)
class TaskConfigViewSet(viewsets.GenericViewSet):
    queryset = TaskConfig.objects.all()
    serializer_class = TaskConfigSerializer
    roles = {"assign": WRITERS, "task_configs": READERS | WORKERS}

    @extend_schema(
        parameters=[TASK_ID],
        request=TaskConfigAssignSerializer,
        responses=TaskConfigSerializer(many=True),
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path=r"tasks/(?P<task_id>[0-9]+)/assign",
        pagination_class=None,
    )
    def assign(self, request, task_id=None):
        params = TaskConfigAssignSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        links = task_configs_assign(task_id=int(task_id), **params.validated_data)
        return Response(TaskConfigSerializer(links, many=True).data)

    @extend_schema(parameters=[TASK_ID], responses=TaskMergedConfigsSerializer, filters=False)
    @action(detail=False, methods=["get"], url_path=r"tasks/(?P<task_id>[0-9]+)/configs")
    def task_configs(self, request, task_id=None):
        get_task_or_404(task_id)
        configs = task_merged_configs(int(task_id))
        return Response({"task_id": int(task_id), "configs": configs})
