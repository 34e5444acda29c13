from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.idempotency import idempotent
from core.n8n import run_summary
from core.responses import triggered_response
from core.roles import N8N, READERS, WRITERS
from core.serializers import message_serializer
from core.viewsets import ModelViewSet
from inspirations import services
from inspirations.filters import InspirationFilter
from inspirations.models import Inspiration
from inspirations.serializers import (
    InspirationApprovedSerializer,
    InspirationApproveSerializer,
    InspirationCreateSerializer,
    InspirationRegenerateSerializer,
    InspirationRejectSerializer,
    InspirationSerializer,
    InspirationUpdateSerializer,
)


class InspirationViewSet(ModelViewSet):
    queryset = Inspiration.objects.order_by("-created_at", "-id")
    serializer_class = InspirationSerializer
    filterset_class = InspirationFilter
    not_found_message = services.INSPIRATION_NOT_FOUND
    # n8n workflows write ideas too; reviewing them is for clients and operators.
    roles = {
        **dict.fromkeys(["list", "retrieve"], READERS | N8N),
        "create": WRITERS | N8N,
        **dict.fromkeys(["update", "destroy", "approve", "reject", "regenerate"], WRITERS),
    }

    @idempotent
    @extend_schema(request=InspirationCreateSerializer, responses={201: InspirationSerializer})
    def create(self, request):
        params = InspirationCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        inspiration = services.inspiration_create(**params.validated_data)
        return Response(InspirationSerializer(inspiration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Only what is sent changes. A status change follows the allowed "
        "transitions and has no side effect (approve, reject and regenerate are the actions).",
        request=InspirationUpdateSerializer,
        responses=InspirationSerializer,
    )
    def update(self, request, pk=None):
        params = InspirationUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        inspiration = services.inspiration_update(
            inspiration=self.get_object(), **params.validated_data
        )
        return Response(InspirationSerializer(inspiration).data)

    @extend_schema(responses={200: message_serializer("InspirationDeleted")})
    def destroy(self, request, pk=None):
        services.inspiration_delete(inspiration=self.get_object())
        return self.message_response("Inspiration deleted successfully")

    @extend_schema(
        description="draft → approved. Stores review_notes and score when given. With a "
        "transform workflow configured for the type (or in N8N_TRANSFORM_WORKFLOW_URL) it is "
        "triggered after commit: project_id is null and workflow_run says how the trigger went; "
        "the project arrives through the project_creation webhook. Without one, the project "
        "(type = project_type_code, name = title, parameters) is created in the same "
        "transaction and data carries its id as project_id.",
        request=InspirationApproveSerializer,
        responses=InspirationApprovedSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        params = InspirationApproveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        inspiration, project = services.inspiration_approve(
            inspiration=self.get_object(), **params.validated_data
        )
        data = {**InspirationSerializer(inspiration).data, "project_id": project and project.id}
        if project is None:
            data["workflow_run"] = run_summary(services.transform_run(inspiration))
        return triggered_response(data)

    @extend_schema(
        description="draft → rejected; stores review_notes when given.",
        request=InspirationRejectSerializer,
        responses=InspirationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        params = InspirationRejectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        inspiration = services.inspiration_reject(
            inspiration=self.get_object(), **params.validated_data
        )
        return Response(InspirationSerializer(inspiration).data)

    @extend_schema(
        description="Merges parameter_overrides into parameters, sets generating and triggers "
        "the inspiration workflow when one is configured (data then has workflow_run).",
        request=InspirationRegenerateSerializer,
        responses=InspirationSerializer,
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        params = InspirationRegenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        inspiration, run = services.inspiration_regenerate(
            inspiration=self.get_object(), **params.validated_data
        )
        data = InspirationSerializer(inspiration).data
        if run is not None:
            data["workflow_run"] = run_summary(run)
        return triggered_response(data)
