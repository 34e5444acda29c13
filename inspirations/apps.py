from django.apps import AppConfig


class InspirationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspirations"
