"""The console's admin site: branded, with the operations overview as its index.

Installed through `core.apps.ShortsGenAdminConfig` (its `default_site`), so `admin.site` and
every `@admin.register` of the apps are this site. The overview's panels live in the apps
that own their models (`<app>/overview.py`) and are named here as dotted paths, like the
string references of cross-app foreign keys: core imports no app.
"""

from django.contrib import admin
from django.urls import reverse_lazy
from django.utils.module_loading import import_string

# Each: (request, site) -> a panel's context (with its "template"), or None when the person
# may not view what the panel shows.
OVERVIEW_PANELS = [
    "tasks.overview.queue_panel",
    "tasks.overview.trouble_panel",
    "tasks.overview.workers_panel",
    "accounts.overview.quota_panel",
    "core.overview.workflow_runs_panel",
    "inspirations.overview.review_panel",
]


class ShortsGenAdminSite(admin.AdminSite):
    site_header = "ShortsGen console"
    site_title = "ShortsGen console"
    index_title = "Operations overview"
    # There is no public site: "View site" leads to the API's documentation.
    site_url = reverse_lazy("swagger-ui")
    index_template = "core/overview/index.html"
    overview_panels = OVERVIEW_PANELS

    def index(self, request, extra_context=None):
        panels = [import_string(path)(request, self) for path in self.overview_panels]
        context = {"overview_panels": [panel for panel in panels if panel is not None]}
        return super().index(request, {**context, **(extra_context or {})})
