from django import forms
from django.contrib import admin, messages

from core.admin_display import column
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.exceptions import ApplicationError
from inspirations import services
from inspirations.models import Inspiration

CREATE_FIELDS = ["title", "description", "project_type_code", "source", "parameters"]
REVIEW_FIELDS = ["score", "score_details", "review_notes"]


class InspirationForm(forms.ModelForm):
    class Meta:
        model = Inspiration
        fields = [*CREATE_FIELDS, *REVIEW_FIELDS]

    def clean_parameters(self):
        value = self.cleaned_data.get("parameters")
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError("Must be a JSON object.")
        return value

    def clean_score_details(self):
        value = self.cleaned_data.get("score_details")
        if value is not None and not isinstance(value, dict):
            raise forms.ValidationError("Must be a JSON object.")
        return value


@admin.register(Inspiration)
class InspirationAdmin(SoftDeleteAdmin):
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
        created = []
        for inspiration in queryset.live().order_by("id"):
            try:
                _, project = services.inspiration_approve(inspiration=inspiration)
            except ApplicationError as exc:
                self._report_error(request, inspiration, exc)
            else:
                # With a transform workflow the project comes later, from n8n.
                created.append(f"#{project.id}" if project else "(via n8n)")
        if created:
            self.message_user(
                request,
                f"{len(created)} inspiration(s) approved; project(s) {', '.join(created)} created.",
                messages.SUCCESS,
            )

    @admin.action(description="Reject selected inspirations", permissions=["change"])
    def reject(self, request, queryset):
        rejected = 0
        for inspiration in queryset.live().order_by("id"):
            try:
                services.inspiration_reject(inspiration=inspiration)
            except ApplicationError as exc:
                self._report_error(request, inspiration, exc)
            else:
                rejected += 1
        if rejected:
            self.message_user(request, f"{rejected} inspiration(s) rejected.", messages.SUCCESS)

    def delete_row(self, inspiration):
        services.inspiration_delete(inspiration=inspiration)

    def restore_row(self, inspiration):
        services.inspiration_restore(inspiration=inspiration)

    def _report_error(self, request, inspiration, exc: ApplicationError) -> None:
        message = f"#{inspiration.id} {inspiration}: {exc.message}"
        self.message_user(request, message, messages.ERROR)
