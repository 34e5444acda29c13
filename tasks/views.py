from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.actors import Actor
from core.exceptions import ApplicationError, NotFoundError
from core.fields import MAX_ID
from core.idempotency import idempotent
from core.responses import EnvelopeResponse
from core.roles import READERS, WORKERS, WRITERS, Role
from core.schema import NullableProxySerializer
from core.serializers import message_serializer
from core.viewsets import ModelViewSet
from tasks import selectors, services
from tasks.claim_waits import claim_or_wait
from tasks.filters import TaskFilter
from tasks.models import Task
from tasks.serializers import (
    ClaimedTaskSerializer,
    TaskBatchCreateSerializer,
    TaskBatchUpdateSerializer,
    TaskClaimSerializer,
    TaskCreateSerializer,
    TaskHeartbeatSerializer,
    TaskReleaseSerializer,
    TaskSerializer,
    TaskUpdateByCommitIdSerializer,
    TaskUpdateSerializer,
)

NOTHING_TO_CLAIM = "No pending tasks available for the given types."
CLAIM_RESULT = NullableProxySerializer(
    component_name="ClaimResult",
    serializers=[ClaimedTaskSerializer, ClaimedTaskSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
TASK_STATS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "task_type": {"type": "string"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "ready": {"type": "integer"},
            "oldest_ready_age_seconds": {"type": "number", "nullable": True},
        },
        "required": ["task_type", "counts", "ready", "oldest_ready_age_seconds"],
    },
}
UNKNOWN_TASKS = OpenApiResponse(
    description="Unknown commit_ids (or task_ids): the message and data name them; nothing "
    "was changed."
)
# What a worker reports on a task it holds; the rest of a task (its account, its graph, its
# input) is its client's to set.
WORKER_REPORT_FIELDS = frozenset({"status", "task_output", "error_message", "commit_id"})


def refuse_fields_workers_may_not_set(actor: Actor, data: dict) -> None:
    if actor.role != Role.WORKER:
        return
    refused = sorted(set(data) - WORKER_REPORT_FIELDS - {"lease_token"})
    if refused:
        allowed = ", ".join(sorted(WORKER_REPORT_FIELDS))
        raise ApplicationError(
            f"{refused[0]}: A worker token may set only {allowed}; nothing was changed.",
            status_code=403,
        )


class TaskViewSet(ModelViewSet):
    queryset = Task.objects.with_dependency_ids().order_by("id")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    not_found_message = "Task not found"
    # Clients build graphs and may edit tasks nobody holds; workers claim and report the
    # tasks they hold (with the lease's token); only a worker's claim shows credentials.
    roles = {
        **dict.fromkeys(["list", "retrieve", "types", "stats"], READERS | WORKERS),
        **dict.fromkeys(["create", "batch", "destroy"], WRITERS),
        **dict.fromkeys(["claim", "heartbeat", "release"], WORKERS),
        **dict.fromkeys(
            ["partial_update", "update_by_commit_id", "batch_update"], WRITERS | WORKERS
        ),
    }

    def task_id(self) -> int:
        """The task id of the URL, for the services to lock (they answer 404 when it is gone);
        no read of the row beforehand."""
        pk = int(self.kwargs["pk"])
        if not 0 < pk <= MAX_ID:
            raise NotFoundError("Task not found")
        return pk

    @idempotent
    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request):
        params = TaskCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        [task] = services.tasks_create([params.to_spec()], actor=Actor.from_request(request))
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskUpdateSerializer, responses=TaskSerializer)
    def partial_update(self, request, pk=None):
        params = TaskUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        refuse_fields_workers_may_not_set(actor, params.validated_data)
        task = services.task_update(task_id=self.task_id(), actor=actor, **params.validated_data)
        return Response(TaskSerializer(task).data)

    @extend_schema(
        description="Soft delete. Refused while live tasks depend on this one (409, their ids "
        "in data.dependent_task_ids): delete them first or change their dependencies. A "
        "worker holding the task finds it gone (404) at its next heartbeat or report.",
        responses={
            200: message_serializer("TaskDeleted"),
            409: OpenApiResponse(
                description="Live tasks depend on this one (data.dependent_task_ids); nothing "
                "was deleted."
            ),
        },
    )
    def destroy(self, request, pk=None):
        services.task_delete(task_id=self.task_id())
        return self.message_response("Task deleted successfully")

    @idempotent
    @extend_schema(request=TaskBatchCreateSerializer, responses={201: TaskSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        params = TaskBatchCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        tasks = services.tasks_create(params.to_specs(), actor=Actor.from_request(request))
        return Response(TaskSerializer(tasks, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TaskClaimSerializer,
        responses={
            200: OpenApiResponse(
                CLAIM_RESULT,
                "The claimed task (a list of them when max_tasks is given); code 1 and data "
                "null when no task is ready (after wait_seconds, when given). A claim that "
                "could not wait (too many waiting on this server) says so with Retry-After.",
            ),
            503: OpenApiResponse(
                description="The bound account's credentials cannot be decrypted with the "
                "configured keys; the claim was undone."
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def claim(self, request):
        params = TaskClaimSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        max_tasks = params.validated_data.get("max_tasks")
        claimed = claim_or_wait(
            actor=Actor.from_request(request), **{"max_tasks": 1, **params.validated_data}
        )
        if not claimed.tasks:
            response = EnvelopeResponse(None, code=1, msg=NOTHING_TO_CLAIM)
            if claimed.retry_after is not None:
                response["Retry-After"] = str(claimed.retry_after)
            return response
        tasks, context = claimed.tasks, {"payloads": claimed.payloads}
        if max_tasks is None:
            return Response(ClaimedTaskSerializer(tasks[0], context=context).data)
        return Response(ClaimedTaskSerializer(tasks, many=True, context=context).data)

    @extend_schema(request=TaskHeartbeatSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def heartbeat(self, request, pk=None):
        params = TaskHeartbeatSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_heartbeat(
            task_id=self.task_id(), actor=Actor.from_request(request), **params.validated_data
        )
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskReleaseSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        params = TaskReleaseSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_release(
            task_id=self.task_id(), actor=Actor.from_request(request), **params.validated_data
        )
        return Response(TaskSerializer(task).data)

    @extend_schema(
        responses=OpenApiResponse(
            {"type": "array", "items": {"type": "string"}}, "Task types of live tasks, sorted."
        )
    )
    @action(detail=False, methods=["get"])
    def types(self, request):
        return Response(selectors.task_types())

    @extend_schema(
        responses=OpenApiResponse(
            TASK_STATS, "Per task type: counts by status, ready count, oldest ready age (s)."
        )
    )
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(selectors.task_stats())

    @extend_schema(
        request=TaskBatchUpdateSerializer,
        responses={200: TaskSerializer(many=True), 404: UNKNOWN_TASKS},
    )
    @action(detail=False, methods=["patch"], url_path="batch-update")
    def batch_update(self, request):
        params = TaskBatchUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        tasks = services.tasks_update_by_commit_ids(
            actor=Actor.from_request(request), **params.validated_data
        )
        return Response(TaskSerializer(tasks, many=True).data)

    @extend_schema(
        request=TaskUpdateByCommitIdSerializer, responses={200: TaskSerializer, 404: UNKNOWN_TASKS}
    )
    @action(detail=False, methods=["patch"], url_path="update-by-commit-id")
    def update_by_commit_id(self, request):
        params = TaskUpdateByCommitIdSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        task = services.task_update_by_commit_id(
            actor=Actor.from_request(request), **params.validated_data
        )
        return Response(TaskSerializer(task).data)
