from django.apps import AppConfig


class WorkerconfigsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workerconfigs"
