"""The admin of every soft-deleted model: deleted rows stay visible, read-only, restorable.

Nothing is hard-deleted from the admin either: its delete button and bulk action go through
the app's own delete service, like the API's DELETE, after a confirmation page that says what
goes with each row; saves go through the services too (core.admin_forms).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from core.admin_forms import ConsoleFormAdmin
from core.exceptions import ApplicationError


class DeletedListFilter(admin.SimpleListFilter):
    """Live rows unless asked otherwise: Live (the default), Deleted, All."""

    title = "deleted"
    parameter_name = "deleted"
    LIVE, DELETED, ALL = "no", "yes", "all"

    def lookups(self, request, model_admin):
        return [(self.LIVE, "Live"), (self.DELETED, "Deleted"), (self.ALL, "All")]

    def value(self):
        return super().value() or self.LIVE

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.DELETED:
            return queryset.deleted()
        if self.value() == self.ALL:
            return queryset
        return queryset.live()


class ServiceDeleteAdmin(ConsoleFormAdmin):
    """The red Delete button and the bulk action call `delete_row` (the app's service) after
    a confirmation page listing what goes with each row (`deleted_with`)."""

    delete_confirmation_template = "admin/core/service_delete_confirmation.html"
    service_delete_selected_template = "admin/core/service_delete_selected_confirmation.html"
    # What deleting does, in the words of the confirmation page.
    delete_verb = "soft-delete"
    delete_note = (
        "It disappears from the API and from the lists of live rows, and can be restored "
        "from the Deleted filter."
    )

    def delete_row(self, obj) -> None:
        raise NotImplementedError

    def deleted_with(self, obj) -> list[str]:
        """What else deleting `obj` changes, in words (empty: nothing else)."""
        return []

    def deletable(self, queryset):
        """The selected rows that deleting would change."""
        return queryset

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        listing = []
        for obj in objs:
            listing.append(self._link(obj))
            listing.append(self.deleted_with(obj) or ["Nothing else is deleted with it."])
        count = {capfirst(str(self.model._meta.verbose_name_plural)): len(objs)}
        return listing, count, set(), []

    def delete_view(self, request, object_id, extra_context=None):
        context = {
            "title": capfirst(self.delete_verb),
            "delete_verb": self.delete_verb,
            "delete_note": self.delete_note,
            **(extra_context or {}),
        }
        return super().delete_view(request, object_id, context)

    def delete_model(self, request, obj):
        with_errors_as_messages(self, request, obj, self.delete_row)

    def delete_queryset(self, request, queryset):
        for row in self.deletable(queryset):
            with_errors_as_messages(self, request, row, self.delete_row)

    @admin.action(description="Soft-delete selected rows", permissions=["delete"])
    def soft_delete(self, request, queryset):
        """Django's delete_selected, through the service, with its own confirmation page."""
        selected, queryset = queryset, self.deletable(queryset)
        listing, count, _, _ = self.get_deleted_objects(list(queryset), request)
        if request.POST.get("post"):
            if not self.has_delete_permission(request):
                raise PermissionDenied
            rows = list(queryset)
            self.log_deletions(request, rows)
            self.delete_queryset(request, queryset)
            kept = {row.pk for row in rows}
            skipped = [
                f"#{pk} is already deleted"
                for pk in selected.order_by("pk").values_list("pk", flat=True)
                if pk not in kept
            ]
            report_rows(self, request, len(rows), f"{self.delete_verb}d", skipped)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{capfirst(self.delete_verb)}: several {self.opts.verbose_name_plural}",
            "subtitle": None,
            "objects_name": str(model_ngettext(queryset)),
            "deletable_objects": [listing],
            "model_count": count.items(),
            "queryset": queryset,
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "soft_delete",
            "delete_verb": self.delete_verb,
            "delete_note": self.delete_note,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.service_delete_selected_template, context)

    def _link(self, obj) -> str:
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return format_html(
            '{}: <a href="{}">{}</a>', capfirst(str(self.opts.verbose_name)), url, obj
        )


def with_errors_as_messages(model_admin, request, obj, action) -> None:
    try:
        action(obj)
    except ApplicationError as exc:
        model_admin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)


def report_rows(model_admin, request, done: int, verb: str, skipped: list[str]) -> None:
    """What a list action did, and each selected row it left alone with the reason."""
    if done:
        noun = model_admin.opts.verbose_name
        model_admin.message_user(request, f"{done} {noun}(s) {verb}.", messages.SUCCESS)
    if skipped:
        model_admin.message_user(
            request, f"Skipped (not {verb}): {'; '.join(skipped)}.", messages.WARNING
        )


class SoftDeleteAdmin(ServiceDeleteAdmin):
    """Subclasses say how one row is deleted and restored, through their app's services."""

    actions = ["soft_delete", "restore"]

    def restore_row(self, obj) -> None:
        raise NotImplementedError

    def get_queryset(self, request):
        return self.model.all_objects.all()

    def deletable(self, queryset):
        return queryset.live()

    def has_change_permission(self, request, obj=None):
        # A deleted row is read-only until restored (the restore action).
        if obj is not None and obj.deleted_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.deleted_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_row(self, obj, form, change):
        """Save through the app's services and return the saved row (default: Django's save)."""
        obj.save()
        return obj

    def save_through_services(self, request, obj, form, change):
        return self.save_row(obj, form, change)

    @admin.action(description="Restore selected rows", permissions=["change"])
    def restore(self, request, queryset):
        restored, skipped = 0, []
        for row in queryset.order_by("pk"):
            if row.deleted_at is None:
                skipped.append(f"#{row.pk} is not deleted")
                continue
            try:
                self.restore_row(row)
            except ApplicationError as exc:
                skipped.append(f"#{row.pk}: {exc.message}")
            else:
                restored += 1
        report_rows(self, request, restored, "restored", skipped)
