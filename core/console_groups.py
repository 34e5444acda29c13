"""The console's two groups, kept in step with the models: operators may do everything the
console offers on ShortsGen's own models, viewers may look. Django users in neither group
(and not superusers) get nothing from the API either (core/permissions.py)."""

from django.contrib.auth.management import create_permissions

from core.roles import OPERATOR_GROUP, VIEWER_GROUP

# Apps whose models the console works on (by label, so that core imports none of them).
CONSOLE_APPS = (
    "core",
    "accounts",
    "assets",
    "workerconfigs",
    "projects",
    "tasks",
    "inspirations",
    "webhooks",
    "axes",
)


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
    permissions = Permission.objects.filter(content_type__app_label__in=CONSOLE_APPS)
    operator, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    viewer, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    operator.permissions.set(permissions)
    viewer.permissions.set(permissions.filter(codename__startswith="view_"))


def sync_console_groups_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    from django.apps import apps as global_apps

    sync_console_groups(apps or global_apps)
