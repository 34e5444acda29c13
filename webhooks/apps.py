from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self):
        from webhooks import schema  # noqa: F401  (registers the OpenAPI auth extension)
