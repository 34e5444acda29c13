from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.idempotency import idempotent
from core.roles import READERS, WRITERS
from core.serializers import message_serializer
from core.viewsets import ModelViewSet
from workerconfigs import services
from workerconfigs.filters import WorkerConfigFilter
from workerconfigs.models import WorkerConfig
from workerconfigs.serializers import (
    WorkerConfigCreateSerializer,
    WorkerConfigSerializer,
    WorkerConfigUpdateSerializer,
)


class WorkerConfigViewSet(ModelViewSet):
    # Any config, active or not: DELETE only deactivates (the filter hides inactive ones
    # from the list only).
    queryset = WorkerConfig.objects.order_by("-priority", "id")
    serializer_class = WorkerConfigSerializer
    filterset_class = WorkerConfigFilter
    not_found_message = services.WORKER_CONFIG_NOT_FOUND
    roles = {
        **dict.fromkeys(["list", "retrieve"], READERS),
        **dict.fromkeys(["create", "update", "destroy"], WRITERS),
    }

    @extend_schema(
        description="Active configs only unless `is_active` is given; highest priority first."
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @idempotent
    @extend_schema(request=WorkerConfigCreateSerializer, responses={201: WorkerConfigSerializer})
    def create(self, request):
        params = WorkerConfigCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        config = services.worker_config_create(**params.validated_data)
        return Response(WorkerConfigSerializer(config).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkerConfigUpdateSerializer, responses=WorkerConfigSerializer)
    def update(self, request, pk=None):
        params = WorkerConfigUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        config = services.worker_config_update(config=self.get_object(), **params.validated_data)
        return Response(WorkerConfigSerializer(config).data)

    @extend_schema(
        description="Soft delete: sets is_active to false; the config stays readable.",
        responses={200: message_serializer("WorkerConfigDeactivated")},
    )
    def destroy(self, request, pk=None):
        services.worker_config_deactivate(config=self.get_object())
        return self.message_response("Worker config deactivated")
