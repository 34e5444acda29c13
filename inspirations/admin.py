from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from core.admin_display import column
from core.admin_forms import stored_value_choice_field
from core.admin_record_actions import (
    Outcome,
    RecordAction,
    RecordActionsAdmin,
    admin_link,
    named,
    workflow_outcome,
)
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.transitions import is_allowed
from inspirations import services
from inspirations.models import KNOWN_SOURCES, MAX_SCORE, MIN_SCORE, Inspiration
from projects.models import ProjectType

CREATE_FIELDS = ["title", "description", "project_type_code", "source", "parameters"]
REVIEW_FIELDS = ["score", "score_details", "review_notes"]


class InspirationForm(forms.ModelForm):
    """The project type and the source as choices; a stored value outside them stays one."""

    class Meta:
        model = Inspiration
        fields = [*CREATE_FIELDS, *REVIEW_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live_types = ProjectType.objects.order_by("sort_order", "code")
        self.fields["project_type_code"] = stored_value_choice_field(
            [(t.code, f"{t.code} — {t.name}") for t in live_types],
            stored=self.instance.project_type_code,
            label="Project type",
        )
        self.fields["source"] = stored_value_choice_field(
            [(source, source) for source in KNOWN_SOURCES],
            stored=self.instance.source,
            label="Source",
        )


class ApproveForm(forms.Form):
    review_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    score = forms.FloatField(
        required=False,
        min_value=MIN_SCORE,
        max_value=MAX_SCORE,
        help_text=f"From {MIN_SCORE} to {MAX_SCORE}; leave empty to keep the score it has.",
    )

    def clean_review_notes(self):
        # Empty means "not given": approving adds to the review, it never erases it.
        return self.cleaned_data["review_notes"] or None


class RejectForm(forms.Form):
    review_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Why it is rejected (kept with the inspiration).",
    )

    def clean_review_notes(self):
        return self.cleaned_data["review_notes"] or None


def _refusal_to(status: str):
    """The record action's refusal: why the inspiration cannot move to `status` now."""

    def refusal(inspiration: Inspiration) -> str | None:
        if inspiration.deleted_at is not None:
            return "is deleted"
        if inspiration.status == status or not is_allowed(
            Inspiration.TRANSITIONS, inspiration.status, status
        ):
            return f"is {inspiration.status}"
        return None

    return refusal


def _approve_refusal(inspiration: Inspiration) -> str | None:
    refusal = _refusal_to(Inspiration.Status.APPROVED)(inspiration)
    if refusal is None and not inspiration.project_type_code:
        return "has no project type"
    return refusal


@admin.register(Inspiration)
class InspirationAdmin(RecordActionsAdmin, SoftDeleteAdmin):
    form = InspirationForm
    list_display = [
        "id",
        TITLE := column("title", limit=60),
        "status",
        column("project_type_code", "type", limit=24),
        column("source", limit=16),
        "score",
        column("created_at", relative=True),
        column("deleted_at", relative=True),
    ]
    list_display_links = ["id", TITLE]
    list_filter = [DeletedListFilter, "status", "project_type_code", "source"]
    search_fields = ["title", "description", "review_notes", "=project_type_code"]
    date_hierarchy = "created_at"
    # The status moves only through the actions (and the API), along Inspiration.TRANSITIONS.
    readonly_fields = ["status", "error_message", "created_at", "updated_at", "deleted_at"]
    actions = ["approve", "reject", "soft_delete", "restore"]
    record_actions = [
        RecordAction(
            "approve",
            "Approve",
            handler="approve_record",
            refusal=_approve_refusal,
            form=ApproveForm,
            confirmation="Approving makes the project: at once, or through the type's "
            "transform workflow in n8n when it has one.",
        ),
        RecordAction(
            "reject",
            "Reject",
            handler="reject_record",
            refusal=_refusal_to(Inspiration.Status.REJECTED),
            form=RejectForm,
        ),
        RecordAction(
            "regenerate",
            "Regenerate",
            handler="regenerate_record",
            refusal=_refusal_to(Inspiration.Status.GENERATING),
            confirmation="The inspiration becomes generating and its type's inspiration "
            "workflow in n8n (if it has one) is asked to write it again.",
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CREATE_FIELDS})]
        return [
            (None, {"fields": ["status", *CREATE_FIELDS]}),
            ("Review", {"fields": REVIEW_FIELDS}),
            ("History", {"fields": ["error_message", "created_at", "updated_at", "deleted_at"]}),
        ]

    def save_row(self, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = services.inspiration_update(inspiration=obj, **fields)
        else:
            saved = services.inspiration_create(
                **{name: form.cleaned_data.get(name) for name in CREATE_FIELDS}
            )
        return saved

    @admin.action(description="Approve selected inspirations", permissions=["change"])
    def approve(self, request, queryset):
        self.apply_to_rows(request, queryset.order_by("id"), "approve")

    @admin.action(description="Reject selected inspirations", permissions=["change"])
    def reject(self, request, queryset):
        self.apply_to_rows(request, queryset.order_by("id"), "reject")

    def approve_record(self, request, inspiration, data) -> Outcome:
        inspiration, project = services.inspiration_approve(inspiration=inspiration, **data)
        done = format_html("{} approved", _inspiration_link(inspiration))
        if project is not None:
            return Outcome(
                format_html(
                    "{}; {} created.",
                    done,
                    admin_link(project, f"project #{project.pk} “{project.name}”"),
                )
            )
        return workflow_outcome(done, services.transform_run(inspiration), "n8n transform workflow")

    def reject_record(self, request, inspiration, data) -> Outcome:
        inspiration = services.inspiration_reject(inspiration=inspiration, **data)
        return Outcome(format_html("{} rejected.", _inspiration_link(inspiration)))

    def regenerate_record(self, request, inspiration, data) -> Outcome:
        inspiration, run = services.inspiration_regenerate(inspiration=inspiration)
        done = format_html("{} is generating again", _inspiration_link(inspiration))
        if run is None:
            return Outcome(
                format_html(
                    "{} (its type has no inspiration workflow: nothing was sent to n8n).", done
                ),
                messages.WARNING,
            )
        return workflow_outcome(done, run, "n8n inspiration workflow")

    def delete_row(self, inspiration):
        services.inspiration_delete(inspiration=inspiration)

    def restore_row(self, inspiration):
        services.inspiration_restore(inspiration=inspiration)

    def deleted_with(self, inspiration):
        projects = inspiration.projects.count()
        if not projects:
            return []
        return [f"Nothing is cascaded: its {projects} project(s) stay, and keep the link to it."]


def _inspiration_link(inspiration: Inspiration):
    return admin_link(inspiration, named(inspiration).capitalize())
