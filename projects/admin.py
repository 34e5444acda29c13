from django import forms
from django.contrib import admin, messages

from core.admin_display import column, shortened
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.exceptions import ApplicationError
from core.transitions import is_allowed
from projects import services
from projects.models import Project, ProjectType
from projects.task_graph_svg import task_graph_svg, template_graph_svg
from projects.validation import check_parameter_schema, check_task_template
from tasks import admin_display as task_display
from tasks.models import Task, TaskDependency


class ProjectTypeForm(forms.ModelForm):
    """The same checks as the API: a valid JSON Schema, a well-formed task template, and
    workflow URLs to allow-listed hosts."""

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
        stored = self.instance if self.instance.pk else None
        for name, problem in services.workflow_url_problems(stored, cleaned).items():
            self.add_error(name, problem)
        return cleaned


@admin.register(ProjectType)
class ProjectTypeAdmin(SoftDeleteAdmin):
    form = ProjectTypeForm
    list_display = [
        column("code", limit=32),
        column("name", limit=40),
        column("category", limit=20),
        "sort_order",
        "is_active",
        column("deleted_at", relative=True),
    ]
    list_filter = ["category", "is_active", DeletedListFilter]
    search_fields = ["code", "name", "description"]
    ordering = ["sort_order", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the type's key in URLs and in its projects: fixed once created.
        readonly = ["code", "task_graph_preview"] if obj is not None else []
        if not request.user.has_perm(services.SET_WORKFLOW_URLS):
            readonly += ProjectType.WORKFLOW_URL_FIELDS
        return readonly

    def save_row(self, obj, form, change):
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
        return saved

    class Media:
        css = {"all": ["projects/task_graph.css"]}

    @admin.display(description="task graph (saved template)")
    def task_graph_preview(self, project_type):
        return template_graph_svg(project_type.task_template)

    def delete_row(self, obj) -> None:
        services.project_type_delete(project_type=obj)

    def restore_row(self, obj) -> None:
        services.project_type_restore(project_type=obj)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "status", "initial_parameters", "score", "score_details", "review_notes"]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.pk and not is_allowed(Project.TRANSITIONS, self.instance.status, status):
            raise forms.ValidationError(
                f"Invalid status transition from {self.instance.status} to {status}"
            )
        return status


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["id", "task_type", "status_shown", "attempts_shown", "worker", "error", "duration"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="status")
    def status_shown(self, task):
        return task_display.status_with_lease(task)

    @admin.display(description="attempts")
    def attempts_shown(self, task):
        return task_display.attempts_text(task)

    @admin.display(description="worker")
    def worker(self, task):
        return shortened(task.worker_id, 18)

    @admin.display(description="error")
    def error(self, task):
        return task_display.error_excerpt(task, 48)

    @admin.display(description="duration")
    def duration(self, task):
        return task_display.run_duration(task)


@admin.register(Project)
class ProjectAdmin(SoftDeleteAdmin):
    form = ProjectForm
    list_display = [
        "id",
        NAME := column("name", limit=50),
        column("project_type", "type", limit=24),
        "status",
        "progress",
        column("inspiration", limit=30),
        column("created_at", relative=True),
        column("deleted_at", relative=True),
    ]
    list_display_links = ["id", NAME]
    list_filter = [DeletedListFilter, "status", "project_type"]
    search_fields = ["=id", "name", "=project_type"]
    list_select_related = ["inspiration"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "project_type",
        "task_graph",
        "inspiration",
        "output_asset",
        "total_tasks",
        "completed_tasks",
        "failed_tasks",
        "used_transform_workflow_id",
        "used_execution_workflow_id",
        "created_at",
        "updated_at",
        "deleted_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "project_type", "status", "initial_parameters"]}),
        (
            "Task graph",
            {"fields": ["task_graph", "total_tasks", "completed_tasks", "failed_tasks"]},
        ),
        ("Review", {"fields": ["score", "score_details", "review_notes"]}),
        (
            "Links",
            {
                "fields": [
                    "inspiration",
                    "output_asset",
                    "used_transform_workflow_id",
                    "used_execution_workflow_id",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at", "deleted_at"]}),
    ]
    inlines = [TaskInline]
    actions = ["recalculate_tasks", "soft_delete", "restore"]

    def has_add_permission(self, request):
        # A project starts from the API or an approved inspiration, with its task graph.
        return False

    @admin.display(description="done")
    def progress(self, project):
        done = f"{project.completed_tasks} / {project.total_tasks}"
        return f"{done}, {project.failed_tasks} failed" if project.failed_tasks else done

    class Media:
        css = {"all": ["projects/task_graph.css"]}

    @admin.display(description="task graph")
    def task_graph(self, project):
        tasks = list(Task.all_objects.filter(project=project).order_by("id"))
        edges = list(
            TaskDependency.objects.filter(task__project=project).values_list(
                "task_id", "depends_on_id"
            )
        )
        return task_graph_svg(tasks, edges)

    def save_row(self, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = services.project_update(project=obj, **fields)
        return saved

    @admin.action(description="Recalculate task counters", permissions=["change"])
    def recalculate_tasks(self, request, queryset):
        projects = list(queryset.live())
        for project in projects:
            services.project_recalculate_tasks(project=project)
        self.message_user(request, f"{len(projects)} project(s) recounted.", messages.SUCCESS)

    def delete_row(self, project):
        services.project_delete(project=project)

    def restore_row(self, project):
        services.project_restore(project=project)
