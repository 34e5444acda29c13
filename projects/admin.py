from django import forms
from django.contrib import admin, messages

from core.exceptions import ApplicationError
from projects.models import ProjectType
from projects.validation import check_parameter_schema, check_task_template


class ProjectTypeForm(forms.ModelForm):
    """The same checks as the API: a valid JSON Schema and a well-formed task template."""

    inspiration_workflow_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    transform_workflow_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    execution_workflow_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = ProjectType
        fields = [
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
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            check_parameter_schema(cleaned.get("parameter_schema"))
            check_task_template(cleaned.get("task_template") or [])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    form = ProjectTypeForm
    list_display = ["code", "name", "category", "sort_order", "is_active", "deleted_at"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name", "description"]
    ordering = ["sort_order", "code"]
    actions = ["restore"]

    def get_queryset(self, request):
        # Soft-deleted types stay visible here, to be restored.
        return ProjectType.all_objects.all()

    @admin.action(description="Restore selected deleted types", permissions=["change"])
    def restore(self, request, queryset):
        restored = 0
        for project_type in queryset.deleted():
            if ProjectType.objects.filter(code=project_type.code).exists():
                self.message_user(
                    request, f"{project_type.code}: a live type has this code.", messages.ERROR
                )
                continue
            project_type.deleted_at = None
            project_type.save(update_fields=["deleted_at", "updated_at"])
            restored += 1
        if restored:
            self.message_user(request, f"{restored} type(s) restored.", messages.SUCCESS)
