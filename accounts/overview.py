"""The quota panel of the console's overview (see core/overview.py for what a panel is)."""

from accounts.models import PlatformAccount
from core.overview import change_url, changelist_url, model_admin_for

LIVE = {"deleted": "no"}


def quota_panel(request, site) -> dict | None:
    """Each live account's quota used today against its limit; inactive and exhausted marked."""
    if model_admin_for(request, site, PlatformAccount) is None:
        return None
    accounts = []
    for account in PlatformAccount.objects.all():
        used, limit = account.effective_used_today, account.daily_limit
        accounts.append(
            {
                "account": account,
                "url": change_url(account),
                "used": used,
                "limit": limit,
                "percent": 100 if limit == 0 else min(100, round(used * 100 / limit)),
                "inactive": account.status != PlatformAccount.Status.ACTIVE,
                "exhausted": account.remaining_quota == 0,
            }
        )
    return {
        "template": "accounts/overview/quota.html",
        "accounts": accounts,
        "exhausted_count": sum(entry["exhausted"] for entry in accounts),
        "exhausted_url": changelist_url(PlatformAccount, quota="exhausted", **LIVE),
        "inactive_count": sum(entry["inactive"] for entry in accounts),
        "inactive_url": changelist_url(
            PlatformAccount, status__exact=PlatformAccount.Status.INACTIVE, **LIVE
        ),
        "accounts_url": changelist_url(PlatformAccount, **LIVE),
    }
