"""What the accounts' tests share: the contract's examples and small helpers."""

from datetime import timedelta

from accounts.models import utc_today

# The contract's example account (section 5.1), used as a request body.
EXAMPLE_ACCOUNT = {
    "platform": "dreamina",
    "name": "dreamina_account_1",
    "credentials": {"api_key": "sk-live-4f9c2e7d1b", "secret": "shh-9d8c7b6a5f"},
    "status": "active",
    "daily_limit": 100,
}
SECRETS = ["sk-live-4f9c2e7d1b", "shh-9d8c7b6a5f"]
# Every key of the contract's response example (section 5.1).
ACCOUNT_KEYS = {
    "id",
    "platform",
    "name",
    "credentials",
    "status",
    "daily_limit",
    "used_today",
    "last_used_at",
    "is_available",
    "remaining_quota",
    "created_at",
    "updated_at",
}
# The contract's list example (section 5.2) plus last_used_at and updated_at.
LIST_KEYS = {
    "id",
    "platform",
    "name",
    "status",
    "daily_limit",
    "used_today",
    "is_available",
    "remaining_quota",
    "created_at",
    "last_used_at",
    "updated_at",
}


def yesterday():
    return utc_today() - timedelta(days=1)
