from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.fields import JSONObjectField
from core.lookups import get_or_404
from projects import services
from projects.filters import ProjectFilter
from projects.models import Project
from projects.serializers import (
    ProjectCreateSerializer,
    ProjectDeletedSerializer,
    ProjectListSerializer,
    ProjectRegenerateResultSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)
from tasks.models import Task


def projects_with_tasks():
    return Project.objects.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.with_dependency_ids().order_by("id"))
    )


def project_with_tasks(project_id: int) -> Project:
    return projects_with_tasks().get(id=project_id)


class ProjectViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Project.objects.order_by("-created_at", "-id")
    serializer_class = ProjectListSerializer
    filterset_class = ProjectFilter
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return get_or_404(self.get_queryset(), self.kwargs["pk"], "Project not found")

    @extend_schema(responses=ProjectSerializer)
    def retrieve(self, request, pk=None):
        project = get_or_404(projects_with_tasks(), pk, "Project not found")
        return Response(ProjectSerializer(project).data)

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

    @extend_schema(responses=ProjectDeletedSerializer)
    def destroy(self, request, pk=None):
        services.project_delete(project=self.get_object())
        return Response({"message": "Project deleted successfully"})

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
        result = services.project_regenerate(project=self.get_object(), parameters=parameters)
        return Response(result)
