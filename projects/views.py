from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.exceptions import ApplicationError
from core.fields import JSONObjectField
from core.idempotency import idempotent
from core.n8n import run_summary
from core.responses import triggered_response
from core.roles import N8N, READERS, WRITERS
from core.serializers import message_serializer
from core.viewsets import ModelViewSet
from projects import services
from projects.filters import ProjectFilter, ProjectTypeFilter
from projects.models import Project, ProjectType
from projects.serializers import (
    ProjectCreateSerializer,
    ProjectListSerializer,
    ProjectRegenerateResultSerializer,
    ProjectSerializer,
    ProjectTypeCreateSerializer,
    ProjectTypeSerializer,
    ProjectTypeSortOrderSerializer,
    ProjectTypeUpdateSerializer,
    ProjectUpdateSerializer,
)
from tasks.models import Task


def projects_with_tasks():
    return Project.objects.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.with_dependency_ids().order_by("id"))
    )


def project_with_tasks(project_id: int) -> Project:
    return projects_with_tasks().get(id=project_id)


class ProjectViewSet(ModelViewSet):
    queryset = Project.objects.order_by("-created_at", "-id")
    serializer_class = ProjectListSerializer
    detail_serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    not_found_message = services.PROJECT_NOT_FOUND
    roles = {
        **dict.fromkeys(["list", "retrieve"], READERS),
        **dict.fromkeys(
            ["create", "update", "destroy", "recalculate_tasks", "regenerate"], WRITERS
        ),
    }

    def get_retrieve_queryset(self):
        return projects_with_tasks()

    @idempotent
    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request):
        params = ProjectCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project = services.project_create(**params.validated_data)
        return Response(
            ProjectSerializer(project_with_tasks(project.id)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectSerializer)
    def update(self, request, pk=None):
        params = ProjectUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project = services.project_update(project=self.get_object(), **params.validated_data)
        return Response(ProjectSerializer(project_with_tasks(project.id)).data)

    @extend_schema(responses={200: message_serializer("ProjectDeleted")})
    def destroy(self, request, pk=None):
        services.project_delete(project=self.get_object())
        return self.message_response("Project deleted successfully")

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="recalculate-tasks")
    def recalculate_tasks(self, request, pk=None):
        project = services.project_recalculate_tasks(project=self.get_object())
        return Response(ProjectSerializer(project_with_tasks(project.id)).data)

    @extend_schema(
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses=ProjectRegenerateResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        parameters = JSONObjectField().run_validation(request.data)
        regeneration = services.project_regenerate(project=self.get_object(), parameters=parameters)
        run = regeneration.workflow_run
        data = {
            "message": "Project regeneration workflow triggered",
            "project_id": regeneration.project.id,
            "execution_id": str(run.id) if run else None,
        }
        if run is not None:
            data["workflow_run"] = run_summary(run)
        return triggered_response(data)


def check_may_set_workflow_urls(request, project_type: ProjectType | None, fields: dict) -> None:
    """403 unless the caller may set the workflow URLs this request sets (if it sets any)."""
    setting = services.workflow_urls_set(project_type, fields)
    if setting and not request.user.has_perm(services.SET_WORKFLOW_URLS):
        raise ApplicationError(
            f"Permission {services.SET_WORKFLOW_URLS} is required to set {', '.join(setting)}.",
            status_code=403,
        )


class ProjectTypeViewSet(ModelViewSet):
    queryset = ProjectType.objects.order_by("sort_order", "code")
    serializer_class = ProjectTypeSerializer
    filterset_class = ProjectTypeFilter
    not_found_message = services.PROJECT_TYPE_NOT_FOUND
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    roles = {
        **dict.fromkeys(["list", "retrieve", "categories"], READERS | N8N),
        **dict.fromkeys(
            ["create", "update", "destroy", "activate", "deactivate", "sort_order"], WRITERS
        ),
    }

    @idempotent
    @extend_schema(
        description="Setting a workflow URL needs the permission projects.set_workflow_urls "
        "(else 403) and a host in N8N_ALLOWED_HOSTS (else 400).",
        request=ProjectTypeCreateSerializer,
        responses={201: ProjectTypeSerializer},
    )
    def create(self, request):
        params = ProjectTypeCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        check_may_set_workflow_urls(request, None, params.validated_data)
        project_type = services.project_type_create(**params.validated_data)
        return Response(ProjectTypeSerializer(project_type).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Only what is sent changes. Setting a workflow URL to a new non-empty "
        "value needs the permission projects.set_workflow_urls (else 403) and a host in "
        "N8N_ALLOWED_HOSTS (else 400).",
        request=ProjectTypeUpdateSerializer,
        responses=ProjectTypeSerializer,
    )
    def update(self, request, code=None):
        params = ProjectTypeUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project_type = self.get_object()
        check_may_set_workflow_urls(request, project_type, params.validated_data)
        project_type = services.project_type_update(
            project_type=project_type, **params.validated_data
        )
        return Response(ProjectTypeSerializer(project_type).data)

    @extend_schema(responses={200: message_serializer("ProjectTypeDeleted")})
    def destroy(self, request, code=None):
        services.project_type_delete(project_type=self.get_object())
        return self.message_response("Project type deleted successfully")

    @extend_schema(request=None, responses=ProjectTypeSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, code=None):
        project_type = services.project_type_set_active(
            project_type=self.get_object(), is_active=True
        )
        return Response(ProjectTypeSerializer(project_type).data)

    @extend_schema(request=None, responses=ProjectTypeSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, code=None):
        project_type = services.project_type_set_active(
            project_type=self.get_object(), is_active=False
        )
        return Response(ProjectTypeSerializer(project_type).data)

    @extend_schema(
        description="The distinct non-empty categories of live project types, sorted.",
        responses={200: {"type": "array", "items": {"type": "string"}}},
    )
    @action(detail=False, methods=["get"], url_path="categories/list", pagination_class=None)
    def categories(self, request):
        categories = (
            ProjectType.objects.exclude(category="")
            .order_by("category")
            .values_list("category", flat=True)
            .distinct()
        )
        return Response(list(categories))

    @extend_schema(
        description="Sets sort_order 10, 20, 30… on the listed types in the given order; the "
        "others keep theirs. Returns every type in the new order.",
        request=ProjectTypeSortOrderSerializer,
        responses={
            200: ProjectTypeSerializer(many=True),
            404: OpenApiResponse(description="Unknown codes: the message names them."),
        },
    )
    @action(detail=False, methods=["post"], url_path="sort-order", pagination_class=None)
    def sort_order(self, request):
        params = ProjectTypeSortOrderSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project_types = services.project_types_set_sort_order(**params.validated_data)
        return Response(ProjectTypeSerializer(project_types, many=True).data)
