"""What every panel of the console's overview shares, and the workflow runs' panel.

A panel is a function (request, site) -> dict | None: the context of its template (named by
"template"), or None when the person signed in may not view its model. Every number it shows
links to the admin list behind it, filtered with the list's own filters, so that the list
shows the same count.
"""

from urllib.parse import urlencode

from django.urls import reverse

from core.admin_filters import PendingTooLongListFilter
from core.models import WorkflowRun

RECENT_ROWS = 5


def model_admin_for(request, site, model):
    """The model's admin on this site when the person may view it, else None."""
    model_admin = site._registry.get(model)
    if model_admin is None or not model_admin.has_view_permission(request):
        return None
    return model_admin


def changelist_url(model, **params) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def filtered(list_filter, request, model_admin, queryset, value):
    """The rows the admin list shows with this SimpleListFilter set to `value`."""
    params = {list_filter.parameter_name: [value]}
    return list_filter(request, params, model_admin.model, model_admin).queryset(request, queryset)


def workflow_runs_panel(request, site) -> dict | None:
    """Failed runs (n8n unreachable, or the workflow reported a failure) and stuck ones."""
    model_admin = model_admin_for(request, site, WorkflowRun)
    if model_admin is None:
        return None
    runs = WorkflowRun.objects.all()
    failed = runs.filter(state=WorkflowRun.State.FAILED)
    stuck = filtered(PendingTooLongListFilter, request, model_admin, runs, "too_long")
    return {
        "template": "core/overview/workflow_runs.html",
        "failed_count": failed.count(),
        "failed_url": changelist_url(WorkflowRun, state__exact=WorkflowRun.State.FAILED),
        "stuck_count": stuck.count(),
        "stuck_url": changelist_url(WorkflowRun, pending="too_long"),
        "stuck_minutes": PendingTooLongListFilter.minutes(),
        "recent_failures": [
            {"run": run, "url": change_url(run)}
            for run in failed.order_by("-updated_at", "-id")[:RECENT_ROWS]
        ],
    }
