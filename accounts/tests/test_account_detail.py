import pytest

from accounts.models import PlatformAccount
from accounts.testing import ACCOUNT_KEYS, EXAMPLE_ACCOUNT
from core.testing import error, ok


def test_detail_equals_the_create_response(api):
    created = ok(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 201)
    detail = ok(api.get(f"/api/platform-accounts/{created['id']}"))
    assert detail == created
    assert set(detail) == ACCOUNT_KEYS


def test_detail_masks_every_credential(api, make_account):
    account = make_account(credentials={"api_key": "a", "secret": "b", "region": "eu"})
    data = ok(api.get(f"/api/platform-accounts/{account.id}/"))
    assert data["credentials"] == {
        "api_key": "***masked***",
        "secret": "***masked***",
        "region": "***masked***",
    }


def test_nested_credential_values_are_masked_whole(api, make_account):
    account = make_account(credentials={"oauth": {"token": "t", "refresh": "r"}})
    data = ok(api.get(f"/api/platform-accounts/{account.id}"))
    assert data["credentials"] == {"oauth": "***masked***"}


@pytest.mark.parametrize("account_id", ["999999", "9223372036854775808"])
def test_unknown_id_is_404(api, make_account, account_id):
    make_account()
    assert error(api.get(f"/api/platform-accounts/{account_id}"), 404) == (
        "Platform account not found"
    )


def test_deleted_account_is_404(api, make_account):
    account = make_account()
    ok(api.delete(f"/api/platform-accounts/{account.id}"))
    assert error(api.get(f"/api/platform-accounts/{account.id}"), 404) == (
        "Platform account not found"
    )
    assert PlatformAccount.all_objects.filter(id=account.id).exists()


def test_non_numeric_id_is_an_envelope_404(api):
    assert error(api.get("/api/platform-accounts/abc"), 404)
