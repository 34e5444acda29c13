"""The n8n callback payloads of contract section 7. Beyond the contract, every payload may
carry `runId` (the WorkflowRun id ShortsGen sent) and `error` (why a workflow failed)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import MAX_INT32, MIN_INT32, IdField, JSONObjectField
from inspirations.models import MAX_SCORE, MIN_SCORE
from projects.models import Project
from tasks.models import Task
from webhooks.models import CallbackStatus


class CallbackSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CallbackStatus.values)
    executionId = serializers.CharField(max_length=255, required=False, allow_null=True)
    runId = IdField(required=False, allow_null=True)
    error = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class InspirationDataSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    parameters = JSONObjectField(required=False)
    score = serializers.FloatField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, required=False, allow_null=True
    )
    score_details = JSONObjectField(required=False, allow_null=True)
    error = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class InspirationCallbackSerializer(CallbackSerializer):
    data = InspirationDataSerializer(required=False)


class NewProjectSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    project_type = serializers.CharField(max_length=100)
    initial_parameters = JSONObjectField(required=False, allow_null=True)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]})
class DependencyField(serializers.Field):
    """A task of the same payload: its `key` (string) or its position in `tasks` (integer)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError("Must be a task key or an index into tasks.")
        return data

    def to_representation(self, value):
        return value


class NewTaskSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=100, required=False)
    task_type = serializers.CharField(max_length=100)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    dependencies = serializers.ListField(child=DependencyField(), required=False, default=list)
    task_input = JSONObjectField(required=False, allow_null=True)
    task_output = JSONObjectField(required=False, allow_null=True)
    platform_account_id = IdField(required=False, allow_null=True)
    platform = serializers.CharField(max_length=32, required=False, allow_null=True)
    commit_id = serializers.CharField(max_length=255, required=False, allow_null=True)
    error_message = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    priority = serializers.IntegerField(min_value=MIN_INT32, max_value=MAX_INT32, required=False)
    max_attempts = serializers.IntegerField(
        min_value=1, max_value=Task.MAX_ATTEMPTS_LIMIT, required=False
    )


class ProjectCreationCallbackSerializer(CallbackSerializer):
    project = NewProjectSerializer(required=False)
    tasks = NewTaskSerializer(many=True, required=False, default=list)

    def validate(self, attrs):
        if attrs["status"] == CallbackStatus.SUCCESS and "project" not in attrs:
            raise serializers.ValidationError({"project": ["This field is required."]})
        return attrs


class TaskReportSerializer(serializers.Serializer):
    """A task's new state, as task_update and project_execution report it."""

    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    task_output = JSONObjectField(required=False, allow_null=True)
    error_message = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    commit_id = serializers.CharField(max_length=255, required=False, allow_null=True)


class TaskUpdateEntrySerializer(TaskReportSerializer):
    task_id = IdField()


class ProjectUpdatesSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Project.Status.choices, required=False)
    score = serializers.FloatField(required=False, allow_null=True)
    score_details = JSONObjectField(required=False, allow_null=True)
    review_notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class ProjectExecutionCallbackSerializer(CallbackSerializer):
    task_updates = TaskUpdateEntrySerializer(many=True, required=False, default=list)
    project_updates = ProjectUpdatesSerializer(required=False)


class TaskUpdateCallbackSerializer(TaskReportSerializer, CallbackSerializer):
    """The contract's task_update has no success/failed: its status is the task's own."""

    status = serializers.ChoiceField(choices=Task.Status.choices)
