from rest_framework import serializers

from core.fields import JSONObjectField
from workerconfigs.models import WorkerConfig

INT32 = {"min_value": -(2**31), "max_value": 2**31 - 1}


class WorkerConfigSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkerConfig
        fields = [
            "id",
            "config_name",
            "config_type",
            "worker_type",
            "config_data",
            "description",
            "priority",
            "is_active",
            "created_at",
            "updated_at",
        ]


class WorkerConfigFieldsMixin(serializers.Serializer):
    """What a client may set on a config besides its three names, at creation or later."""

    config_data = JSONObjectField(required=False)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    priority = serializers.IntegerField(required=False, **INT32)
    is_active = serializers.BooleanField(required=False)


class WorkerConfigCreateSerializer(WorkerConfigFieldsMixin):
    config_name = serializers.CharField(max_length=255)
    config_type = serializers.CharField(max_length=100)
    worker_type = serializers.CharField(max_length=100)


class WorkerConfigUpdateSerializer(WorkerConfigFieldsMixin):
    """PUT /api/worker-configs/{id}: every field optional; only what is sent changes."""

    config_name = serializers.CharField(max_length=255, required=False)
    config_type = serializers.CharField(max_length=100, required=False)
    worker_type = serializers.CharField(max_length=100, required=False)
