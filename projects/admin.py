from django import forms
from django.contrib import admin
from django.utils.html import format_html

from core.admin_display import column, shortened
from core.admin_record_actions import (
    Outcome,
    RecordAction,
    RecordActionsAdmin,
    admin_link,
    workflow_outcome,
)
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.models import WorkflowRun
from projects import services
from projects.models import Project, ProjectType
from projects.task_graph_svg import task_graph_svg, template_graph_svg
from tasks import admin_display as task_display
from tasks.models import Task, TaskDependency

# Rows listed by name on a delete confirmation page; the rest are counted.
SHOWN_ROWS = 20


class ProjectTypeForm(forms.ModelForm):
    """Checked by the services on save, as in the API: a free code that is not a route word,
    a valid JSON Schema, a well-formed task template, workflow URLs to allow-listed hosts."""

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

    def deleted_with(self, project_type):
        projects = Project.objects.filter(project_type=project_type.code).count()
        return [
            f"Nothing is cascaded: its {projects} live project(s) keep their tasks and the "
            f"code {project_type.code!r}; new projects of this code get no task graph while "
            "no live type has it."
        ]

    def restore_row(self, obj) -> None:
        services.project_type_restore(project_type=obj)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "status", "initial_parameters", "score", "score_details", "review_notes"]


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


def _live_refusal(project: Project) -> str | None:
    return "is deleted" if project.deleted_at is not None else None


def _deleted_refusal(project: Project) -> str | None:
    return "is not deleted" if project.deleted_at is None else None


@admin.register(Project)
class ProjectAdmin(RecordActionsAdmin, SoftDeleteAdmin):
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
    record_actions = [
        RecordAction(
            "regenerate",
            "Regenerate",
            handler="regenerate_record",
            refusal=_live_refusal,
            confirmation="Every task of the project goes back to the queue and the project "
            "becomes processing; its type's execution workflow in n8n (if it has one) is "
            "triggered.",
        ),
        RecordAction(
            "recount",
            "Recount",
            handler="recount_record",
            refusal=_live_refusal,
            confirmation="The task counters (total, completed, failed) are counted again from "
            "the live tasks and the project's status follows them.",
        ),
        RecordAction(
            "soft_delete",
            "Soft delete",
            handler="soft_delete_record",
            refusal=lambda project: "is already deleted" if project.deleted_at else None,
            confirmation="The project and its tasks are hidden from the API and from workers "
            "(nothing is erased: Restore brings them back).",
        ),
        RecordAction(
            "restore",
            "Restore",
            handler="restore_record",
            refusal=_deleted_refusal,
            confirmation="The project comes back with the tasks that were deleted with it.",
        ),
    ]

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
        self.apply_to_rows(request, queryset.order_by("id"), "recount")

    def regenerate_record(self, request, project, data) -> Outcome:
        run = services.project_regenerate(project=project).workflow_run
        done = format_html("{} regenerated: its tasks are queued again", _project_link(project))
        return workflow_outcome(
            done, run and WorkflowRun.objects.get(pk=run.pk), "n8n execution workflow"
        )

    def recount_record(self, request, project, data) -> Outcome:
        project = services.project_recalculate_tasks(project=project)
        return Outcome(
            format_html(
                "{} recounted: {} of {} tasks completed, {} failed; it is {}.",
                _project_link(project),
                project.completed_tasks,
                project.total_tasks,
                project.failed_tasks,
                project.status,
            )
        )

    def soft_delete_record(self, request, project, data) -> Outcome:
        self.delete_row(project)
        return Outcome(format_html("{} deleted, with its tasks.", _project_link(project)))

    def restore_record(self, request, project, data) -> Outcome:
        self.restore_row(project)
        return Outcome(format_html("{} restored, with its tasks.", _project_link(project)))

    def delete_row(self, project):
        services.project_delete(project=project)

    def deleted_with(self, project):
        tasks = list(Task.objects.filter(project=project).order_by("id")[: SHOWN_ROWS + 1])
        if not tasks:
            return []
        total = Task.objects.filter(project=project).count()
        lines = [f"Task #{task.id} {task.task_type} ({task.status})" for task in tasks[:SHOWN_ROWS]]
        if total > SHOWN_ROWS:
            lines.append(f"… and {total - SHOWN_ROWS} more")
        return [f"Its {total} task(s), soft-deleted with it (restored with it):", lines]

    def restore_row(self, project):
        services.project_restore(project=project)


def _project_link(project: Project):
    return admin_link(project, f"Project #{project.pk} “{project.name}”")
