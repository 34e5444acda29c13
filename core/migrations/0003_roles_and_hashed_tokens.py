"""Roles arrive: the console's groups, and every clear-text API token moved to a digest.

Tokens made before roles keep working: each becomes a knox token (its SHA-512 digest; the
clear text is deleted) of an API client with the default role, `client`. Give worker and
n8n clients their role in the admin (API clients) or with create_api_token NAME --role.
"""

from django.db import migrations


def create_groups(apps, schema_editor):
    from core.console_groups import sync_console_groups

    sync_console_groups(apps)


def hash_existing_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    Token = apps.get_model("authtoken", "Token")
    AuthToken = apps.get_model("knox", "AuthToken")
    ApiClient = apps.get_model("core", "ApiClient")
    for token in Token.objects.all():
        ApiClient.objects.get_or_create(user_id=token.user_id, defaults={"role": "client"})
        AuthToken.objects.create(
            digest=hash_token(token.key),
            token_key=token.key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=token.user_id,
            expiry=None,
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_api_clients"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("knox", "0009_extend_authtoken_field"),
        ("axes", "0010_accessattemptexpiration"),
        ("accounts", "0002_quota_day_and_unique_name"),
        ("assets", "0002_file_hash_unique_and_duration_check"),
        ("workerconfigs", "0001_initial"),
        ("projects", "0001_initial"),
        ("tasks", "0002_leases"),
        ("inspirations", "0002_score_range"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
    ]
