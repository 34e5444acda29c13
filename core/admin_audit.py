"""The audit trail in the console: a read-only, filterable list, and each object's History
page showing its audit entries beside the admin's own form edits (LogEntry)."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from core.admin_read_only import ReadOnlyAdmin
from core.audit import ACTIONS, AUDITED_MODELS
from core.models import AuditEntry

# A History page shows this many of the newest rows (entries and form edits together).
HISTORY_ROWS = 200


class AuditHistoryAdmin(admin.ModelAdmin):
    """Mixed into every ModelAdmin of an audited model: its History page lists the object's
    audit entries (who, action, from → to, reason) and Django's form edits, newest first."""

    object_history_template = "core/admin/object_history_with_audit.html"

    def history_view(self, request, object_id, extra_context=None):
        context = {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            target_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
            context = {
                "audit_rows": history_rows(obj),
                "audit_list_url": reverse("admin:core_auditentry_changelist")
                + f"?target_type={target_type.pk}&q={obj.pk}",
            }
        return super().history_view(
            request, object_id, extra_context={**context, **(extra_context or {})}
        )


def history_rows(obj) -> list[dict]:
    """The object's audit entries and admin form edits, newest first, as table rows."""
    entries = AuditEntry.objects.for_object(obj).select_related("actor_user")[:HISTORY_ROWS]
    edits = (
        LogEntry.objects.filter(content_type=get_content_type_for_model(obj), object_id=str(obj.pk))
        .select_related("user")
        .order_by("-action_time")[:HISTORY_ROWS]
    )
    rows = [
        {
            "when": entry.created_at,
            "who": entry.actor_name,
            "kind": entry.get_actor_kind_display(),
            "execution_id": entry.execution_id,
            "action": entry.action,
            "change": entry.status_change,
            "reason": entry.reason,
            "details": changes_text(entry.changes),
        }
        for entry in entries
    ]
    rows += [
        {
            "when": edit.action_time,
            "who": edit.user.get_username(),
            "kind": "operator (form)",
            "execution_id": "",
            "action": {1: "admin.add", 2: "admin.change", 3: "admin.delete"}.get(
                edit.action_flag, "admin"
            ),
            "change": "",
            "reason": "",
            "details": edit.get_change_message(),
        }
        for edit in edits
    ]
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:HISTORY_ROWS]


def changes_text(changes: dict) -> str:
    return "; ".join(
        f"{name}: {_short(values[0])} → {_short(values[1])}"
        if isinstance(values, list) and len(values) == 2
        else f"{name}: {_short(values)}"
        for name, values in (changes or {}).items()
    )


def _short(value) -> str:
    return Truncator("—" if value in (None, "") else str(value)).chars(80)


class ActionFilter(admin.SimpleListFilter):
    """By verb (reject, retry, …: with the target type, any action), or one exact action."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        # A fixed list, not SELECT DISTINCT over the whole trail.
        verbs = dict.fromkeys(action.split(".", 1)[1] for action in ACTIONS)
        return [(verb, verb.replace("_", " ")) for verb in verbs]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if "." in value:
            return queryset.filter(action=value)
        return queryset.filter(action__endswith=f".{value}")


class TargetTypeFilter(admin.SimpleListFilter):
    title = "target type"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*AUDITED_MODELS()).values()
        return sorted(((str(t.pk), t.name) for t in types), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(target_type_id=int(self.value()))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only for everyone: no add, change or delete, superusers included."""

    list_display = ["when", "actor", "action", "target", "change", "short_reason"]
    list_display_links = ["when"]
    list_filter = [ActionFilter, "actor_kind", TargetTypeFilter]
    list_select_related = ["target_type"]
    search_fields = ["actor_name", "execution_id", "target_repr"]
    search_help_text = (
        "Actor name, n8n execution id, target name; a number also finds the target id."
    )
    date_hierarchy = "created_at"
    list_per_page = 100
    # Counts beside each filter would be one COUNT per verb over the whole trail.
    show_facets = admin.ShowFacets.NEVER

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit() and len(term) <= 18:
            # The target id, as typed: an integer lookup only for digits, never a 500.
            queryset |= self.get_queryset(request).filter(target_id=int(term))
        return queryset, duplicates

    @admin.display(description="when", ordering="created_at")
    def when(self, entry):
        local = timezone.localtime(entry.created_at)
        return format_html(
            '<span title="{}">{}</span>', local.isoformat(), local.strftime("%d %b %H:%M:%S")
        )

    @admin.display(description="who", ordering="actor_name")
    def actor(self, entry):
        execution = f" · {entry.execution_id}" if entry.execution_id else ""
        return format_html(
            "{} <small>({}{})</small>", entry.actor_name, entry.actor_kind, execution
        )

    @admin.display(description="target")
    def target(self, entry):
        label = f"{entry.target_type.model} #{entry.target_id}"
        if entry.target_repr and entry.target_repr != f"#{entry.target_id}":
            label += f" {Truncator(entry.target_repr).chars(30)}"
        try:
            url = reverse(
                f"admin:{entry.target_type.app_label}_{entry.target_type.model}_change",
                args=[entry.target_id],
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="from → to")
    def change(self, entry):
        return entry.status_change

    @admin.display(description="reason / changes")
    def short_reason(self, entry):
        text = entry.reason or changes_text(entry.changes)
        return Truncator(text).chars(60)
