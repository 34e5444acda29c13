"""The console's two groups, kept in step with the models: operators may do everything the
console offers on ShortsGen's own models, viewers may look. Django users in neither group
(and not superusers) get nothing from the API either (core/permissions.py)."""

from pathlib import Path

from django.apps import apps as installed_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions

from core.roles import OPERATOR_GROUP, VIEWER_GROUP

# Beside ShortsGen's own apps: the sign-in lockouts, which operators may clear.
THIRD_PARTY_CONSOLE_APPS = ("axes",)


def console_app_labels() -> list[str]:
    """ShortsGen's own installed apps (top-level folders of the repository), and axes."""
    base = Path(settings.BASE_DIR).resolve()
    own = [
        app.label
        for app in installed_apps.get_app_configs()
        if Path(app.path).resolve().parent == base
    ]
    return [*own, *THIRD_PARTY_CONSOLE_APPS]


def sync_console_groups(apps, **kwargs) -> None:
    """Create the groups and give them every permission of the console's apps (viewers only
    the view ones). Idempotent; run by a migration and after every migrate and flush."""
    # Permissions are created after migrations by Django; these groups need them now.
    # (create_permissions skips an app whose models_module is unset, as in a migration.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label__in=console_app_labels())
    operator, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    viewer, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    operator.permissions.set(permissions)
    viewer.permissions.set(permissions.filter(codename__startswith="view_"))


def sync_console_groups_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    from django.apps import apps as global_apps

    sync_console_groups(apps or global_apps)
