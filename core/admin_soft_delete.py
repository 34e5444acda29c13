"""The admin of every soft-deleted model: deleted rows stay visible, read-only, restorable.

Nothing is hard-deleted from the admin either: its delete button and bulk action go through
the app's own delete service, like the API's DELETE; saves can go through a service too.
"""

from django.contrib import admin, messages

from core.admin_audit import AuditHistoryAdmin
from core.exceptions import ApplicationError


class DeletedListFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live"), ("yes", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.live()
        if self.value() == "yes":
            return queryset.deleted()
        return queryset


class SoftDeleteAdmin(AuditHistoryAdmin):
    """Subclasses say how one row is deleted and restored, through their app's services."""

    actions = ["soft_delete", "restore"]

    def delete_row(self, obj) -> None:
        raise NotImplementedError

    def restore_row(self, obj) -> None:
        raise NotImplementedError

    def get_queryset(self, request):
        return self.model.all_objects.all()

    def has_change_permission(self, request, obj=None):
        # A deleted row is read-only until restored (the restore action).
        if obj is not None and obj.deleted_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_row(self, obj, form, change):
        """Save through the app's services and return the saved row (default: Django's save)."""
        super().save_model(None, obj, form, change)
        return obj

    def save_model(self, request, obj, form, change):
        saved = self.save_row(obj, form, change)
        # The admin goes on with `obj` (log entry, redirect): give it what the service saved.
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def delete_model(self, request, obj):
        self.delete_row(obj)

    @admin.action(description="Soft-delete selected rows", permissions=["change"])
    def soft_delete(self, request, queryset):
        rows = list(queryset.live())
        for row in rows:
            self.delete_row(row)
        self.message_user(request, f"{len(rows)} {self._noun()}(s) deleted.", messages.SUCCESS)

    @admin.action(description="Restore selected rows", permissions=["change"])
    def restore(self, request, queryset):
        restored = 0
        for row in queryset.deleted():
            try:
                self.restore_row(row)
            except ApplicationError as exc:
                self.message_user(request, f"{row}: {exc.message}", messages.ERROR)
            else:
                restored += 1
        self.message_user(request, f"{restored} {self._noun()}(s) restored.", messages.SUCCESS)

    def _noun(self) -> str:
        return str(self.model._meta.verbose_name)
