"""Demo platform accounts: what `manage.py load_demo` installs.

One active account per platform, plus a spare Runway account that is switched off. The
Midjourney account's daily limit is what the demo day's image claims use up, so that the
overview shows an exhausted account (inspirations/demo.py).
"""

from django.db import transaction

from accounts import services
from accounts.models import PlatformAccount

Platform = PlatformAccount.Platform
# Image claims of the demo day (tasks/demo.py): each one counts against Midjourney's quota.
MIDJOURNEY_DEMO_LIMIT = 12


def _account(platform, name, *, daily_limit=100, status=PlatformAccount.Status.ACTIVE):
    return {
        "platform": platform,
        "name": name,
        # Fake: the demo has no real platform behind it.
        "credentials": {"api_key": f"demo-{platform}-api-key", "secret": "demo-secret"},
        "status": status,
        "daily_limit": daily_limit,
    }


DEMO_ACCOUNTS = [
    _account(Platform.DREAMINA, "dreamina_demo"),
    _account(Platform.MIDJOURNEY, "midjourney_demo", daily_limit=MIDJOURNEY_DEMO_LIMIT),
    _account(Platform.RUNWAY, "runway_demo"),
    _account(
        Platform.RUNWAY, "runway_backup", daily_limit=50, status=PlatformAccount.Status.INACTIVE
    ),
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
