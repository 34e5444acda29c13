"""A task's worker configs in and out of the API (paths under /api/worker-configs/tasks/)."""

from rest_framework import serializers

from core.fields import IdField, JSONObjectField
from tasks.models import TaskConfig


class TaskConfigAssignSerializer(serializers.Serializer):
    config_ids = serializers.ListField(child=IdField(), allow_empty=False, max_length=100)
    override_data = JSONObjectField(required=False)


class TaskConfigSerializer(serializers.ModelSerializer):
    task_id = serializers.IntegerField(read_only=True)
    config_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = TaskConfig
        fields = ["id", "task_id", "config_id", "override_data", "created_at", "updated_at"]


class MergedConfigSerializer(serializers.Serializer):
    """One config as a task's worker sees it (documentation of tasks_merged_configs)."""

    config_name = serializers.CharField()
    config_data = serializers.DictField(help_text="config_data with the task's override on top.")
    config_id = serializers.IntegerField()
    config_type = serializers.CharField()
    worker_type = serializers.CharField()
    priority = serializers.IntegerField()


class TaskMergedConfigsSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    configs = MergedConfigSerializer(many=True)
