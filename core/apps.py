import logging

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import (
            prepared_statements,  # noqa: F401  (registers its database check)
            public_url,  # noqa: F401  (registers its deploy check)
            schema,  # noqa: F401  (registers the token's OpenAPI extension)
        )
        from core.console_groups import sync_console_groups_after_migrate
        from core.workflow_urls import (
            check_n8n_send_budget,
            check_n8n_settings,
            trigger_secret_missing,
        )

        checks.register(check_n8n_settings)
        checks.register(check_n8n_send_budget)
        if trigger_secret_missing():
            logging.getLogger("core.n8n").warning(
                "N8N_TRIGGER_SECRET is not set: workflow triggers are sent unauthenticated."
            )
        # After every migrate (and test flush): the groups get the permissions of new models.
        post_migrate.connect(sync_console_groups_after_migrate, sender=self)


class ShortsGenAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the console's own site (branding, the overview)."""

    # Named in INSTALLED_APPS by its path; "core" itself stays CoreConfig.
    default = False

    default_site = "core.admin_site.ShortsGenAdminSite"
