from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import MAX_ID, MAX_INT32, MIN_INT32, ChoiceField, IdField, JSONObjectField
from tasks.models import Task
from tasks.services import TaskSpec

# The longest wait a claim may ask for (the worker protocol's bound; a deployment may grant less).
MAX_CLAIM_WAIT_SECONDS = 30
TIMESTAMPS = (
    "lease_expires_at",
    "available_at",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
)


class TaskSerializer(serializers.ModelSerializer):
    project_id = serializers.IntegerField(read_only=True)
    platform_account_id = serializers.IntegerField(read_only=True, allow_null=True)
    dependencies = serializers.ListField(
        child=serializers.IntegerField(), source="dependency_ids", read_only=True
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "project_id",
            "task_type",
            "status",
            "dependencies",
            "task_input",
            "task_output",
            "platform_account_id",
            "platform",
            "commit_id",
            "error_message",
            "priority",
            "attempts",
            "max_attempts",
            "worker_id",
            *TIMESTAMPS,
        ]

    # The fields above document the shape (and the schema); the hot path's answers (claims,
    # reports, lists) are built here without DRF's per-field machinery, field for field the
    # same (test_task_representation.py compares the two on tasks in every state).
    def to_representation(self, task) -> dict:
        return {
            "id": task.id,
            "project_id": task.project_id,
            "task_type": task.task_type,
            "status": task.status,
            "dependencies": self.dependencies_of(task),
            "task_input": task.task_input,
            "task_output": task.task_output,
            "platform_account_id": task.platform_account_id,
            "platform": task.platform,
            "commit_id": task.commit_id,
            "error_message": task.error_message,
            "priority": task.priority,
            "attempts": task.attempts,
            "max_attempts": task.max_attempts,
            "worker_id": task.worker_id,
            **{name: _timestamp(getattr(task, name)) for name in TIMESTAMPS},
        }

    def dependencies_of(self, task) -> list[int]:
        return task.dependency_ids


_DATETIME = serializers.DateTimeField()


def _timestamp(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            {"type": "string", "minLength": 1, "maxLength": 100},
        ]
    }
)
class DependencyReferenceField(serializers.Field):
    """In a batch, a dependency is an existing task's id or another entry's string key."""

    default_error_messages = {"invalid": "Must be a task id (integer) or a key (string)."}

    def to_internal_value(self, data):
        if isinstance(data, str) and 0 < len(data) <= 100:
            return data
        return IdField().run_validation(data) if isinstance(data, int) else self.fail("invalid")

    def to_representation(self, value):
        return value


class TaskFieldsMixin(serializers.Serializer):
    """What a client may set on a task, at creation or later."""

    task_input = JSONObjectField(required=False)
    task_output = JSONObjectField(required=False, allow_null=True)
    platform_account_id = IdField(required=False, allow_null=True)
    platform = serializers.CharField(max_length=32, required=False, allow_null=True)
    commit_id = serializers.CharField(max_length=255, required=False, allow_null=True)
    error_message = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    priority = serializers.IntegerField(min_value=MIN_INT32, max_value=MAX_INT32, required=False)
    max_attempts = serializers.IntegerField(
        min_value=1, max_value=Task.MAX_ATTEMPTS_LIMIT, required=False
    )


class TaskCreateSerializer(TaskFieldsMixin):
    project_id = IdField()
    task_type = serializers.CharField(max_length=100)
    status = ChoiceField(choices=Task.Status.choices, required=False)
    dependencies = serializers.ListField(child=IdField(), required=False, max_length=1000)

    def to_spec(self, label: str = "") -> TaskSpec:
        return TaskSpec(**self.validated_data, label=label)


class TaskBatchEntrySerializer(TaskCreateSerializer):
    key = serializers.CharField(max_length=100, required=False)
    dependencies = serializers.ListField(
        child=DependencyReferenceField(), required=False, max_length=1000
    )


class TaskBatchCreateSerializer(serializers.Serializer):
    tasks = TaskBatchEntrySerializer(many=True, allow_empty=False, max_length=1000)

    def to_specs(self) -> list[TaskSpec]:
        return [
            TaskSpec(**entry, label=f"tasks[{index}]")
            for index, entry in enumerate(self.validated_data["tasks"])
        ]


class ClaimedTaskSerializer(TaskSerializer):
    """Only the claim shows this: the lease's fencing token, the outputs of the dependencies,
    the merged worker configs and the decrypted credentials of the bound account."""

    dependencies = serializers.SerializerMethodField()
    lease_token = serializers.CharField(read_only=True)
    dependency_outputs = serializers.SerializerMethodField()
    configs = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "lease_token",
            "dependency_outputs",
            "configs",
            "credentials",
        ]

    def to_representation(self, task) -> dict:
        payload = self._payload(task)
        return {
            **super().to_representation(task),
            "lease_token": task.lease_token,
            "dependency_outputs": payload["dependency_outputs"],
            "configs": payload["configs"],
            "credentials": payload["credentials"],
        }

    def dependencies_of(self, task) -> list[int]:
        return self._payload(task)["dependencies"]

    def _payload(self, task) -> dict:
        return self.context["payloads"][task.id]

    def get_dependencies(self, task) -> list[int]:
        return self._payload(task)["dependencies"]

    def get_dependency_outputs(self, task) -> dict:
        return self._payload(task)["dependency_outputs"]

    def get_configs(self, task) -> list[dict]:
        return self._payload(task)["configs"]

    def get_credentials(self, task) -> dict | None:
        return self._payload(task)["credentials"]


class LeaseSecondsField(serializers.IntegerField):
    """Seconds of lease, 1 to settings.TASK_MAX_LEASE_SECONDS (read when validating)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value > settings.TASK_MAX_LEASE_SECONDS:
            self.fail("max_value", max_value=settings.TASK_MAX_LEASE_SECONDS)
        return value


class LeaseSecondsFieldSchema(OpenApiSerializerFieldExtension):
    """The schema shows the bound in force when it is served, as the field checks it."""

    target_class = LeaseSecondsField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "integer", "minimum": 1, "maximum": settings.TASK_MAX_LEASE_SECONDS}


def lease_seconds_field():
    return LeaseSecondsField(min_value=1, required=False, allow_null=True)


class LeaseHolderMixin(serializers.Serializer):
    """The lease a worker acts under: required from worker tokens (the token of its claim).

    Who holds a lease is the token's client; a `worker_id` sent along is not checked."""

    lease_token = serializers.CharField(max_length=64, required=False, allow_null=True)


class TaskClaimSerializer(serializers.Serializer):
    task_types = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=100
    )
    worker_id = serializers.CharField(max_length=255, required=False, allow_null=True)
    lease_seconds = lease_seconds_field()
    max_tasks = serializers.IntegerField(min_value=1, max_value=100, required=False)
    platforms = serializers.ListField(
        child=serializers.CharField(max_length=32),
        allow_empty=False,
        max_length=100,
        required=False,
    )
    wait_seconds = serializers.IntegerField(
        min_value=0,
        max_value=MAX_CLAIM_WAIT_SECONDS,
        default=0,
        help_text="When no task is ready, wait up to this many seconds for one (the answer "
        "comes as soon as one is ready; code 1 at the end). 0 answers at once. A deployment "
        "may grant less (SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS).",
    )


class TaskHeartbeatSerializer(LeaseHolderMixin):
    lease_seconds = lease_seconds_field()


class TaskReleaseSerializer(LeaseHolderMixin):
    pass


class TaskUpdateSerializer(LeaseHolderMixin, TaskFieldsMixin):
    """PATCH /api/tasks/{id}: only what is sent changes; `dependencies` replaces the set."""

    status = ChoiceField(choices=Task.Status.choices, required=False)
    dependencies = serializers.ListField(child=IdField(), required=False, max_length=1000)


class TaskReportSerializer(LeaseHolderMixin):
    status = ChoiceField(choices=Task.Status.choices, required=False)
    task_output = JSONObjectField(required=False, allow_null=True)
    error_message = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class TaskUpdateByCommitIdSerializer(TaskReportSerializer):
    commit_id = serializers.CharField(max_length=255)


class TaskBatchUpdateSerializer(TaskReportSerializer):
    commit_ids = serializers.ListField(
        child=serializers.CharField(max_length=255), allow_empty=False, max_length=1000
    )
    # Beyond the contract: workers report the tasks they claimed by id (commit_ids optional).
    task_ids = serializers.ListField(
        child=IdField(), allow_empty=False, max_length=1000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = kwargs.get("data")
        if isinstance(data, dict) and "task_ids" in data and "commit_ids" not in data:
            self.fields["commit_ids"].required = False
