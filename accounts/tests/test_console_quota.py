"""Resetting an account's quota from its page in a real browser, after a confirmation."""

import pytest

from accounts import services
from accounts.models import PlatformAccount

pytestmark = pytest.mark.browser


def test_reset_an_exhausted_quota_with_confirmation(console, console_user):
    account = services.account_create(
        platform="runway", name="runway_main", credentials={"api_key": "k"}, daily_limit=40
    )
    PlatformAccount.objects.filter(pk=account.pk).update(
        used_today=40, usage_date=account.created_at.date()
    )
    console.open(f"/admin/accounts/platformaccount/{account.pk}/change/")
    page = console.page
    page.get_by_role("link", name="Reset usage", exact=True).click()
    text = page.locator("#content").inner_text()
    assert "from 40 back to 0 of its 40" in text
    console.shot("confirm-reset")
    account.refresh_from_db()
    assert account.used_today == 40  # the confirmation page changes nothing

    page.get_by_role("button", name="Reset usage").click()
    assert page.locator(".messagelist .success").inner_text() == (
        f"Platform account #{account.pk} “{account}”: today's usage reset from 40 to 0 of 40."
    )
    console.shot("reset")
    account.refresh_from_db()
    assert (account.used_today, account.remaining_quota) == (0, 40)
    assert page.get_by_role("link", name="Reset usage", exact=True).count() == 0
