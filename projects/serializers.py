from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset
from core.fields import (
    MAX_INT32,
    MIN_INT32,
    ChoiceField,
    JSONObjectField,
    LivePrimaryKeyRelatedField,
)
from projects.models import Project, ProjectType
from tasks.serializers import TaskSerializer


class ProjectListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "project_type",
            "status",
            "total_tasks",
            "completed_tasks",
            "failed_tasks",
            "created_at",
            "updated_at",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    inspiration_id = serializers.IntegerField(read_only=True, allow_null=True)
    output_asset_id = serializers.IntegerField(read_only=True, allow_null=True)
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "project_type",
            "status",
            "initial_parameters",
            "inspiration_id",
            "score",
            "score_details",
            "review_notes",
            "used_transform_workflow_id",
            "used_execution_workflow_id",
            "total_tasks",
            "completed_tasks",
            "failed_tasks",
            "output_asset_id",
            "created_at",
            "updated_at",
            "tasks",
        ]


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    project_type = serializers.CharField(max_length=100)
    initial_parameters = JSONObjectField(required=False, allow_null=True, default=dict)


class ProjectUpdateSerializer(serializers.Serializer):
    """PUT /projects/{id}: every field optional; only what is sent changes."""

    name = serializers.CharField(max_length=255, required=False)
    initial_parameters = JSONObjectField(required=False)
    # Through the foreign key's own model: projects never imports inspirations (a floor above).
    inspiration_id = LivePrimaryKeyRelatedField(
        source="inspiration",
        queryset=Project._meta.get_field("inspiration").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    status = ChoiceField(choices=Project.Status.choices, required=False)
    score = serializers.FloatField(required=False, allow_null=True)
    score_details = JSONObjectField(required=False, allow_null=True)
    review_notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    output_asset_id = LivePrimaryKeyRelatedField(
        source="output_asset", queryset=Asset.objects.all(), required=False, allow_null=True
    )


class ProjectRegenerateResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    project_id = serializers.IntegerField()
    execution_id = serializers.CharField(allow_null=True)


class ProjectTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectType
        fields = [
            "id",
            "code",
            "name",
            "description",
            "category",
            "sort_order",
            "is_active",
            "default_parameters",
            "parameter_schema",
            "task_template",
            "inspiration_workflow_url",
            "transform_workflow_url",
            "execution_workflow_url",
            "created_at",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.URI)
class WorkflowURLField(serializers.CharField):
    """Optional, blank allowed; the services decide which URLs may be stored."""

    def __init__(self, **kwargs):
        super().__init__(max_length=500, required=False, allow_blank=True, **kwargs)


class ProjectTypeUpdateSerializer(serializers.Serializer):
    """PUT /api/project-types/{code}: every field optional; only what is sent changes.

    The shape of parameter_schema and task_template is checked by the services (a valid
    JSON Schema; template entries with known keys, unique keys and no cycle), and so are the
    workflow URLs (http or https to a host in N8N_ALLOWED_HOSTS).
    """

    name = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=MIN_INT32, max_value=MAX_INT32, required=False)
    is_active = serializers.BooleanField(required=False)
    default_parameters = JSONObjectField(required=False)
    parameter_schema = JSONObjectField(required=False, allow_null=True)
    task_template = serializers.ListField(child=JSONObjectField(), required=False)
    inspiration_workflow_url = WorkflowURLField()
    transform_workflow_url = WorkflowURLField()
    execution_workflow_url = WorkflowURLField()


class ProjectTypeCreateSerializer(ProjectTypeUpdateSerializer):
    """A reserved or taken code is refused by project_type_create (the console's rule too)."""

    code = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=255)


class ProjectTypeSortOrderSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False)
