from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.lookups import get_or_404
from core.responses import EnvelopeResponse
from tasks import services
from tasks.filters import TaskFilter
from tasks.models import Task
from tasks.serializers import (
    TaskBatchCreateSerializer,
    TaskBatchUpdateSerializer,
    TaskClaimSerializer,
    TaskCreateSerializer,
    TaskSerializer,
    TaskUpdateByCommitIdSerializer,
    TaskUpdateSerializer,
)

NOTHING_TO_CLAIM = "No pending tasks available for the given types."


class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Task.objects.with_dependency_ids().order_by("id")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return get_or_404(self.get_queryset(), self.kwargs["pk"], "Task not found")

    def retrieve(self, request, pk=None):
        return Response(TaskSerializer(self.get_object()).data)

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request):
        params = TaskCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        [task] = services.tasks_create([params.to_spec()])
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskUpdateSerializer, responses=TaskSerializer)
    def partial_update(self, request, pk=None):
        params = TaskUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_update(task_id=self.get_object().id, **params.validated_data)
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskBatchCreateSerializer, responses={201: TaskSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        params = TaskBatchCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        tasks = services.tasks_create(params.to_specs())
        return Response(TaskSerializer(tasks, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TaskClaimSerializer,
        responses=OpenApiResponse(
            TaskSerializer, "The claimed task; code 1 and data null when no task is ready."
        ),
    )
    @action(detail=False, methods=["post"])
    def claim(self, request):
        params = TaskClaimSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_claim(**params.validated_data)
        if task is None:
            return EnvelopeResponse(None, code=1, msg=NOTHING_TO_CLAIM)
        task = self.get_queryset().get(id=task.id)
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskBatchUpdateSerializer, responses=TaskSerializer(many=True))
    @action(detail=False, methods=["patch"], url_path="batch-update")
    def batch_update(self, request):
        params = TaskBatchUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        tasks = services.tasks_update_by_commit_ids(**params.validated_data)
        return Response(TaskSerializer(tasks, many=True).data)

    @extend_schema(request=TaskUpdateByCommitIdSerializer, responses=TaskSerializer)
    @action(detail=False, methods=["patch"], url_path="update-by-commit-id")
    def update_by_commit_id(self, request):
        params = TaskUpdateByCommitIdSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_update_by_commit_id(**params.validated_data)
        return Response(TaskSerializer(task).data)
