from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import schema  # noqa: F401  (registers the token's OpenAPI extension)
        from core.console_groups import sync_console_groups_after_migrate
        from core.workflow_urls import check_n8n_settings

        checks.register(check_n8n_settings)
        # After every migrate (and test flush): the groups get the permissions of new models.
        post_migrate.connect(sync_console_groups_after_migrate, sender=self)
