from django import forms
from django.contrib import admin

from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.exceptions import ApplicationError
from projects import services
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
class ProjectTypeAdmin(SoftDeleteAdmin):
    form = ProjectTypeForm
    list_display = ["code", "name", "category", "sort_order", "is_active", "deleted_at"]
    list_filter = ["category", "is_active", DeletedListFilter]
    search_fields = ["code", "name", "description"]
    ordering = ["sort_order", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the type's key in URLs and in its projects: fixed once created.
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            fields.pop("code", None)
            saved = services.project_type_update(project_type=obj, **fields)
        else:
            saved = services.project_type_create(
                **{
                    name: form.cleaned_data[name]
                    for name in form.fields
                    if name in form.cleaned_data
                }
            )
        obj.pk = saved.pk
        for field in ProjectType._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def delete_row(self, obj) -> None:
        services.project_type_delete(project_type=obj)

    def restore_row(self, obj) -> None:
        services.project_type_restore(project_type=obj)
