from accounts.models import PlatformAccount
from core.testing import error, ok


def test_contract_response_and_the_row_is_kept(api, make_account):
    account = make_account()
    data = ok(api.delete(f"/api/platform-accounts/{account.id}"))
    assert data == {"message": "Platform account deleted successfully"}
    row = PlatformAccount.all_objects.get(id=account.id)
    assert row.deleted_at is not None
    assert not row.is_available


def test_deleting_twice_is_404(api, make_account):
    account = make_account()
    ok(api.delete(f"/api/platform-accounts/{account.id}/"))
    assert error(api.delete(f"/api/platform-accounts/{account.id}/"), 404) == (
        "Platform account not found"
    )


def test_deleted_account_is_no_longer_available(api, make_account):
    account = make_account(platform="runway")
    ok(api.delete(f"/api/platform-accounts/{account.id}"))
    assert ok(api.get("/api/platform-accounts/available/runway")) == []


def test_unknown_id_is_404(api):
    assert error(api.delete("/api/platform-accounts/77"), 404) == "Platform account not found"
