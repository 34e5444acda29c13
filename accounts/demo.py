"""Demo platform accounts: what `manage.py load_demo` installs, one per platform."""

from django.db import transaction

from accounts import services
from accounts.models import PlatformAccount

DEMO_ACCOUNTS = [
    {
        "platform": platform,
        "name": f"{platform}_demo",
        # Fake: the demo has no real platform behind it.
        "credentials": {"api_key": f"demo-{platform}-api-key", "secret": "demo-secret"},
        "status": PlatformAccount.Status.ACTIVE,
        "daily_limit": 100,
    }
    for platform in PlatformAccount.Platform.values
]


@transaction.atomic
def load_demo_accounts() -> list[PlatformAccount]:
    """Create or refresh the demo accounts (idempotent; today's usage is left as it is)."""
    accounts = []
    for entry in DEMO_ACCOUNTS:
        existing = PlatformAccount.objects.filter(
            platform=entry["platform"], name=entry["name"]
        ).first()
        if existing is None:
            accounts.append(services.account_create(**entry))
        else:
            fields = {key: value for key, value in entry.items() if key != "name"}
            accounts.append(services.account_update(account=existing, **fields))
    return accounts
